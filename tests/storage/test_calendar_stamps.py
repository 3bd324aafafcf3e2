"""The calendar's change stamp (what an open web page polls): it moves with every change
of the user's calendar, on SQLite and PostgreSQL, and with nobody else's."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import EventPatch, NewEvent
from calendar_assistant.storage import Database, UndoLogRepository, UserRepository
from calendar_assistant.storage.calendar_stamps import CalendarStamps
from support import MOSCOW

START = datetime(2026, 11, 25, 10, 0, tzinfo=MOSCOW)


async def test_the_stamp_moves_with_each_change_of_the_users_calendar(
    database: Database,
) -> None:
    users = UserRepository(database)
    me, other = await users.get_or_create("test:me"), await users.get_or_create("test:other")
    stamps = CalendarStamps(database)
    calendar = LocalCalendar(database, me.id)
    seen = [await stamps.stamp(me.id)]
    assert await stamps.stamp(me.id) == seen[-1]  # nothing changed, the same stamp

    made = await calendar.create_event(
        NewEvent("Sync", START, START + timedelta(hours=1), "Europe/Moscow")
    )
    seen.append(await stamps.stamp(me.id))
    moved = await calendar.update_event(made.id, EventPatch(start=START + timedelta(hours=2)))
    seen.append(await stamps.stamp(me.id))
    await calendar.update_event(moved.id, EventPatch(title="Retro"))
    seen.append(await stamps.stamp(me.id))
    await calendar.delete_event(made.id)
    seen.append(await stamps.stamp(me.id))
    assert all(a != b for a, b in pairwise(seen)), seen

    # A change on a remote calendar is not in `events`; its undo entry moves the stamp.
    undo = UndoLogRepository(database)
    await undo.push(me.id, "create", [{"summary": {}, "events": {}}])
    pushed = await stamps.stamp(me.id)
    assert pushed != seen[-1]
    await undo.pop_latest(me.id)
    assert await stamps.stamp(me.id) != pushed

    # Someone else's calendar is theirs: my stamp stays.
    mine = await stamps.stamp(me.id)
    await LocalCalendar(database, other.id).create_event(
        NewEvent("Theirs", START, START + timedelta(hours=1), "Europe/Moscow")
    )
    await undo.push(other.id, "create", [{"summary": {}, "events": {}}])
    assert await stamps.stamp(me.id) == mine
    assert len(mine) == 16
