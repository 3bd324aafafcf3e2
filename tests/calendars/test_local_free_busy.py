"""LocalCalendar.free_busy reads start and end only (a fast path); it must say exactly what
the events themselves say: the listed events of the window, clipped and merged."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.free_slots import merge_busy
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository

from .contract import at, midnight

# Around both DST changes of the test zones (2027-03-14 New York, 2027-03-28 Berlin).
FIRST_DAY = date(2027, 3, 1)
DAYS = 40


async def _calendar(database: Database, key: str) -> LocalCalendar:
    user = await UserRepository(database).get_or_create(key)
    return LocalCalendar(database, user.id)


def _listed_busy(events: list[Event], start: datetime, end: datetime) -> list[Interval]:
    """What free_busy means, from list_events: every event clipped to the window, merged."""
    return merge_busy(Interval(max(e.start, start), min(e.end, end)) for e in events)


async def _fill(calendar: LocalCalendar, tz: ZoneInfo) -> None:
    """Singles that overlap, touch, nest and cross midnight; all-day events; series with
    a moved, a retitled and a deleted occurrence, and one split in two."""
    rng = random.Random(20270314)
    zone = str(tz)
    for _ in range(120):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        start = at(tz, day, rng.randrange(0, 24), rng.choice((0, 15, 30, 45)))
        length = timedelta(minutes=rng.choice((15, 30, 60, 90, 240)))
        await calendar.create_event(NewEvent("Single", start, start + length, zone))
    for offset in (3, 17, 30):
        day = FIRST_DAY + timedelta(days=offset)
        await calendar.create_event(
            NewEvent("Off", midnight(tz, day), midnight(tz, day + timedelta(1)), zone, all_day=True)
        )
    await calendar.create_event(
        NewEvent(
            "Weekly day off",
            midnight(tz, FIRST_DAY + timedelta(days=2)),
            midnight(tz, FIRST_DAY + timedelta(days=4)),
            zone,
            all_day=True,
            rrule="FREQ=WEEKLY;COUNT=6",
        )
    )
    weekly = await calendar.create_event(
        NewEvent(
            "Weekly",
            at(tz, FIRST_DAY, 10),
            at(tz, FIRST_DAY, 11),
            zone,
            rrule="FREQ=WEEKLY;COUNT=8",
        )
    )
    second = weekly.start + timedelta(days=7)
    third = weekly.start + timedelta(days=14)
    fourth = weekly.start + timedelta(days=21)
    # Moved far out of its week (into another window), retitled, deleted.
    await calendar.update_event(
        weekly.id,
        EventPatch(start=second + timedelta(days=20, hours=3)),
        scope=Scope.THIS,
        occurrence=second,
    )
    await calendar.update_event(
        weekly.id, EventPatch(title="Weekly, moved room"), scope=Scope.THIS, occurrence=third
    )
    await calendar.delete_event(weekly.id, scope=Scope.THIS, occurrence=fourth)
    daily = await calendar.create_event(
        NewEvent(
            "Daily",
            at(tz, FIRST_DAY, 23, 30),
            at(tz, FIRST_DAY + timedelta(1), 0, 30),
            zone,
            rrule="FREQ=DAILY",
        )
    )
    await calendar.update_event(
        daily.id,
        EventPatch(start=at(tz, FIRST_DAY + timedelta(days=20), 7)),
        scope=Scope.FOLLOWING,
        occurrence=daily.start + timedelta(days=20),
    )


async def test_free_busy_says_what_the_listed_events_say(database: Database, tz: ZoneInfo) -> None:
    calendar = await _calendar(database, "test:busy")
    await _calendar(database, "test:other")  # a second user with nothing stored
    await _fill(calendar, tz)
    rng = random.Random(7)
    windows = [(midnight(tz, FIRST_DAY), midnight(tz, FIRST_DAY + timedelta(DAYS)))]
    for _ in range(25):
        start = at(tz, FIRST_DAY + timedelta(days=rng.randrange(-3, DAYS)), rng.randrange(24))
        windows.append((start, start + timedelta(hours=rng.choice((1, 5, 24, 24 * 7)))))
    for start, end in windows:
        busy = await calendar.free_busy(start, end)
        assert busy == _listed_busy(await calendar.list_events(start, end), start, end)
        assert all(b.start < b.end for b in busy)
        assert all(a.end < b.start for a, b in pairwise(busy))
        assert not busy or (busy[0].start >= start and busy[-1].end <= end)


async def test_free_busy_of_an_empty_or_reversed_window(database: Database, tz: ZoneInfo) -> None:
    calendar = await _calendar(database, "test:busy")
    await _fill(calendar, tz)
    moment = at(tz, FIRST_DAY + timedelta(days=5), 10)
    assert await calendar.free_busy(moment, moment) == []
    with pytest.raises(ValueError, match="ends before it starts"):
        await calendar.free_busy(moment, moment - timedelta(hours=1))


async def test_kept_busy_times_hold_until_this_calendar_changes(tmp_path: Path) -> None:
    """On a SQLite file free/busy keeps what it read until a row of this calendar changes
    (the `calendar_versions` counter, moved by triggers in the change's transaction):
    other writes (a dialogue state, another calendar) keep it; a change to the calendar by
    any path (the lanes, the ORM, a cascade, another connection) makes the next read real."""
    from sqlalchemy import text

    from calendar_assistant.storage import DialogueStateRepository

    tz = ZoneInfo("Europe/Berlin")
    url = f"sqlite+aiosqlite:///{tmp_path / 'calendar.sqlite3'}"
    database, other = await Database.open(url), await Database.open(url)
    try:
        user = await UserRepository(database).get_or_create("test:kept")
        calendar = LocalCalendar(database, user.id)
        work = LocalCalendar(database, user.id, calendar_id="work")
        day = FIRST_DAY + timedelta(days=3)
        start, end = midnight(tz, day), midnight(tz, day + timedelta(days=1))
        nine = at(tz, day, 9, 0)
        created = await calendar.create_event(
            NewEvent("A", nine, nine + timedelta(hours=1), str(tz))
        )
        seen: list[str] = []
        database.add_statement_listener(seen.append)

        async def busy() -> list[Interval]:
            seen.clear()
            return await calendar.free_busy(start, end)

        def read_again() -> bool:
            return any("FROM events" in sql for sql in seen)

        first = await busy()
        assert read_again()
        assert first == [Interval(nine, nine + timedelta(hours=1))]
        await DialogueStateRepository(database).save(user.id, {"n": 1})
        await work.create_event(NewEvent("W", nine, nine + timedelta(hours=3), str(tz)))
        assert await busy() == first
        assert not read_again()  # only the calendar's version was read
        await calendar.update_event(created.id, EventPatch(end=nine + timedelta(hours=2)))
        assert await busy() == [Interval(nine, nine + timedelta(hours=2))]  # the ORM's write
        assert read_again()
        elsewhere = LocalCalendar(other, user.id)  # another connection, as another program
        await elsewhere.create_event(
            NewEvent("B", nine + timedelta(hours=4), nine + timedelta(hours=5), str(tz))
        )
        assert len(await busy()) == 2
        assert read_again()
        async with other.transaction() as session:  # a delete by cascade
            await session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
        assert await busy() == []
    finally:
        await database.close()
        await other.close()
