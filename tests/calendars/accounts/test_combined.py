"""Several calendars as one: the contract with a CalDAV default beside the local calendar,
agenda and free/busy from all, changes routed to the calendar holding the event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.accounts.combined import CombinedCalendar
from calendar_assistant.calendars.base import EventNotFound
from calendar_assistant.calendars.caldav import CalDavCalendar
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import EventPatch, NewEvent
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository

from ..caldav.conftest import RadicaleServer
from ..contract import CalendarContract, at, midnight


@pytest.fixture
async def parts(
    sqlite_url: str, radicale: RadicaleServer, tz: ZoneInfo
) -> AsyncIterator[tuple[LocalCalendar, CalDavCalendar]]:
    async with await Database.open(sqlite_url) as database:
        user = await UserRepository(database).get_or_create("test:alice")
        local = LocalCalendar(database, user.id)
        remote = CalDavCalendar(radicale.new_calendar("alice"), timezone=str(tz), calendar_id="dav")
        yield local, remote


@pytest.fixture
def backend(parts: tuple[LocalCalendar, CalDavCalendar]) -> CombinedCalendar:
    local, remote = parts
    return CombinedCalendar({"local": local, "dav": remote}, default="dav")


class TestCombinedContract(CalendarContract):
    """The contract holds for the combined view (writes land in the CalDAV default)."""


async def test_agenda_and_free_busy_read_every_calendar(
    parts: tuple[LocalCalendar, CalDavCalendar], tz: ZoneInfo
) -> None:
    local, remote = parts
    combined = CombinedCalendar({"local": local, "dav": remote}, default="dav")
    day = date(2027, 3, 9)
    mine = await local.create_event(NewEvent("Local", at(tz, day, 9), at(tz, day, 10), str(tz)))
    new = await combined.create_event(
        NewEvent("Remote", at(tz, day, 9, 30), at(tz, day, 11), str(tz))
    )
    assert await remote.get_event(new.id) is not None
    assert await local.get_event(new.id) is None
    window = (midnight(tz, day), midnight(tz, day + timedelta(1)))
    assert [(e.title, e.calendar_id) for e in await combined.list_events(*window)] == [
        ("Local", "local"),
        ("Remote", "dav"),
    ]
    assert await combined.free_busy(*window) == [Interval(at(tz, day, 9), at(tz, day, 11))]
    # A change goes to the calendar holding the event, also for a fresh view (no memory).
    fresh = CombinedCalendar({"local": local, "dav": remote}, default="dav")
    await fresh.update_event(mine.id, EventPatch(title="Local, renamed"))
    moved = await local.get_event(mine.id)
    assert moved is not None
    assert moved.title == "Local, renamed"
    before = await fresh.snapshot(mine.id)
    await fresh.delete_event(mine.id)
    assert await local.get_event(mine.id) is None
    await fresh.restore(mine.id, before)
    assert await local.get_event(mine.id) == before[0]
    with pytest.raises(EventNotFound):
        await fresh.delete_event("nowhere")


def test_the_default_must_be_a_member(parts: tuple[LocalCalendar, CalDavCalendar]) -> None:
    with pytest.raises(ValueError, match="default"):
        CombinedCalendar({"local": parts[0]}, default="dav")
