"""Busy times and events kept between reads, mended where the calendar changed (0010).

On a SQLite file `LocalCalendar.free_busy` keeps a window's busy times with the calendar's
version; after a change it reads again only the part of the window the logged changed spans
touch and splices it in. `list_events` keeps a window's events (at most 200) and reads the
window again when a change touched it. Whatever they keep must be exactly what a fresh
read says:
checked here after every kind of change (singles, series and their occurrences, all-day
events, an undo's restore, a cascade), across DST, by this connection, another one and
another process, on SQLite and on PostgreSQL (which keeps nothing and always reads).
"""

from __future__ import annotations

import asyncio
import random
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.calendars.local.queries import spliced, touched
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.free_slots import merge_busy
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository

from .contract import DST_SUNDAY, at, midnight


def _listed_busy(events: list[Event], start: datetime, end: datetime) -> list[Interval]:
    """What free_busy means, from list_events: every event clipped to the window, merged."""
    return merge_busy(Interval(max(e.start, start), min(e.end, end)) for e in events)


def _windows(tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """A month across the zone's DST change, the week of the change, its day, a later day."""
    change = DST_SUNDAY[str(tz)]
    first = change.replace(day=1)
    return [
        (midnight(tz, first), midnight(tz, first + timedelta(days=31))),
        (midnight(tz, change - timedelta(days=3)), midnight(tz, change + timedelta(days=4))),
        (midnight(tz, change), midnight(tz, change + timedelta(days=1))),
        (at(tz, change + timedelta(days=9), 8), at(tz, change + timedelta(days=9), 18)),
    ]


class _Fresh:
    """The truth: the same calendar read on another connection whose kept results are
    dropped before every read."""

    def __init__(self, database: Database, user_id: int) -> None:
        self.database = database
        self.calendar = LocalCalendar(database, user_id)

    async def events(self, start: datetime, end: datetime) -> list[Event]:
        self.database.memo.clear()
        return await self.calendar.list_events(start, end)


async def _agrees(
    calendar: LocalCalendar, fresh: _Fresh, windows: list[tuple[datetime, datetime]]
) -> None:
    """The kept events and busy times of every window are what a fresh read says."""
    for start, end in windows:
        truth = await fresh.events(start, end)
        assert await calendar.list_events(start, end) == truth, (start, end)
        assert await calendar.free_busy(start, end) == _listed_busy(truth, start, end), (
            start,
            end,
        )


@pytest.fixture
async def fresh(database: Database, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """Another handle on the same database (its own connections, nothing kept)."""
    other = await Database.open(_url(database, request), migrate=False)
    yield other
    await other.close()


def _url(database: Database, request: pytest.FixtureRequest) -> str:
    if database.dialect == "sqlite":
        return f"sqlite:///{database.location}"
    url: str = request.getfixturevalue("postgres_url")
    return url


async def _calendar(database: Database, key: str) -> LocalCalendar:
    user = await UserRepository(database).get_or_create(key)
    return LocalCalendar(database, user.id)


async def _seed(calendar: LocalCalendar, tz: ZoneInfo, first: date) -> None:
    rng = random.Random(14)
    for _ in range(150):
        day = first + timedelta(days=rng.randrange(31))
        start = at(tz, day, rng.randrange(24), rng.choice((0, 15, 30, 45)))
        length = timedelta(minutes=rng.choice((10, 30, 60, 120)))
        await calendar.create_event(NewEvent("Single", start, start + length, str(tz)))


async def test_kept_busy_times_say_what_a_fresh_read_says_after_every_change(
    database: Database, fresh: Database, tz: ZoneInfo
) -> None:
    calendar = await _calendar(database, "test:mended")
    truth = _Fresh(fresh, calendar._user_id)
    neighbour = LocalCalendar(database, calendar._user_id, calendar_id="work")
    windows = _windows(tz)
    change = DST_SUNDAY[str(tz)]
    first = change.replace(day=1)
    zone = str(tz)
    await _seed(calendar, tz, first)
    await _agrees(calendar, truth, windows)  # kept from here on (on SQLite)

    # Singles: made inside and outside the windows, moved across one, resized, deleted.
    lunch = await calendar.create_event(
        NewEvent("Lunch", at(tz, change, 1, 30), at(tz, change, 3, 30), zone)
    )
    await _agrees(calendar, truth, windows)
    await calendar.create_event(
        NewEvent(
            "Far", at(tz, first + timedelta(days=80), 9), at(tz, first + timedelta(80), 10), zone
        )
    )
    await _agrees(calendar, truth, windows)
    await calendar.update_event(lunch.id, EventPatch(start=at(tz, change + timedelta(days=9), 12)))
    await _agrees(calendar, truth, windows)
    await calendar.update_event(lunch.id, EventPatch(end=at(tz, change + timedelta(days=9), 20)))
    await _agrees(calendar, truth, windows)
    snapshot = await calendar.snapshot(lunch.id)
    await calendar.delete_event(lunch.id)
    await _agrees(calendar, truth, windows)
    await calendar.restore(lunch.id, snapshot)  # what an undo does
    await _agrees(calendar, truth, windows)
    await neighbour.create_event(
        NewEvent("Other calendar", at(tz, change, 9), at(tz, change, 17), zone)
    )
    await _agrees(calendar, truth, windows)

    # An all-day event over the change, removed again.
    off = await calendar.create_event(
        NewEvent(
            "Off",
            midnight(tz, change),
            midnight(tz, change + timedelta(days=2)),
            zone,
            all_day=True,
        )
    )
    await _agrees(calendar, truth, windows)
    await calendar.delete_event(off.id)
    await _agrees(calendar, truth, windows)

    # A daily series across the change: an occurrence moved into another window, one
    # deleted, the rest split and moved, then all deleted.
    daily = await calendar.create_event(
        NewEvent(
            "Daily",
            at(tz, change - timedelta(days=5), 23, 30),
            at(tz, change - timedelta(days=4), 0, 30),
            zone,
            rrule="FREQ=DAILY;COUNT=20",
        )
    )
    await _agrees(calendar, truth, windows)
    moved = daily.start + timedelta(days=5)
    await calendar.update_event(
        daily.id,
        EventPatch(start=at(tz, change + timedelta(days=9), 9)),
        scope=Scope.THIS,
        occurrence=moved,
    )
    await _agrees(calendar, truth, windows)
    await calendar.delete_event(
        daily.id, scope=Scope.THIS, occurrence=daily.start + timedelta(days=6)
    )
    await _agrees(calendar, truth, windows)
    await calendar.update_event(
        daily.id,
        EventPatch(start=at(tz, change + timedelta(days=8), 7)),
        scope=Scope.FOLLOWING,
        occurrence=daily.start + timedelta(days=8),
    )
    await _agrees(calendar, truth, windows)
    await calendar.update_event(daily.id, EventPatch(title="Daily, renamed"))
    await _agrees(calendar, truth, windows)
    await calendar.delete_event(daily.id)
    await _agrees(calendar, truth, windows)

    # More changes than the log keeps (64 a calendar): read whole, still right.
    for hour in range(40):
        made = await calendar.create_event(
            NewEvent(
                "Burst",
                at(tz, first + timedelta(days=60), hour % 24),
                at(tz, first + timedelta(days=60), hour % 24, 30),
                zone,
            )
        )
        await calendar.delete_event(made.id)
    await calendar.create_event(
        NewEvent("After the burst", at(tz, change, 5), at(tz, change, 6), zone)
    )
    await _agrees(calendar, truth, windows)


async def test_a_change_by_another_connection_or_process_is_seen(
    database: Database, fresh: Database, request: pytest.FixtureRequest, berlin: ZoneInfo
) -> None:
    """Kept busy times are per process; the version and the log of changed spans are in
    the database, read in the same snapshot as the busy times, so another connection's or
    another process's change is never missed."""
    url = _url(database, request)
    calendar = await _calendar(database, "test:elsewhere")
    truth = _Fresh(fresh, calendar._user_id)
    change = DST_SUNDAY[str(berlin)]
    windows = _windows(berlin)
    await _seed(calendar, berlin, change.replace(day=1))
    await _agrees(calendar, truth, windows)

    there = LocalCalendar(fresh, calendar._user_id)  # another connection writes
    made = await there.create_event(
        NewEvent("Over the change", at(berlin, change, 1), at(berlin, change, 4), str(berlin))
    )
    await _agrees(calendar, truth, windows)
    await there.update_event(made.id, EventPatch(title="Renamed elsewhere"))
    await _agrees(calendar, truth, windows)
    await there.delete_event(made.id)
    await _agrees(calendar, truth, windows)

    start = at(berlin, change - timedelta(days=1), 22)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _ANOTHER_PROCESS,
        url,
        str(calendar._user_id),
        start.isoformat(),
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, errors.decode()
    whole = windows[0]
    busy = await calendar.free_busy(*whole)
    assert any(b.start <= start.astimezone(UTC) and b.end >= at(berlin, change, 5) for b in busy)
    await _agrees(calendar, truth, windows)


#: Another program: opens the database itself and makes an event of seven hours.
_ANOTHER_PROCESS = """
import asyncio, sys
from datetime import datetime, timedelta
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.storage.database import Database

async def main() -> None:
    db = await Database.open(sys.argv[1], migrate=False)
    start = datetime.fromisoformat(sys.argv[3])
    calendar = LocalCalendar(db, int(sys.argv[2]))
    await calendar.create_event(NewEvent("Elsewhere", start, start + timedelta(hours=7), "Europe/Berlin"))
    await db.close()

asyncio.run(main())
"""


def _random_busy(rng: random.Random, origin: datetime, count: int) -> list[Interval]:
    return merge_busy(
        Interval(begin, begin + timedelta(minutes=rng.choice((0, 5, 30, 90))))
        for begin in (origin + timedelta(minutes=5 * rng.randrange(2000)) for _ in range(count))
    )


def test_spliced_busy_times_equal_the_merged_whole() -> None:
    """`spliced` (the kept times with one part replaced) is what merging the kept times
    outside the part with the part's own gives, at every boundary: inside an interval, on
    its edge, touching, in a gap, around everything."""
    rng = random.Random(10)
    origin = datetime(2027, 3, 1, tzinfo=UTC)
    for _ in range(400):
        kept = _random_busy(rng, origin, rng.randrange(0, 40))
        a = origin + timedelta(minutes=5 * rng.randrange(-10, 2010))
        b = a + timedelta(minutes=5 * rng.randrange(1, 600))
        fresh = [
            Interval(max(i.start, a), min(i.end, b))
            for i in _random_busy(rng, origin, rng.randrange(0, 15))
            if i.start < b and i.end > a
        ]
        outside = [
            Interval(first, last)
            for i in kept
            for first, last in ((i.start, min(i.end, a)), (max(i.start, b), i.end))
            if first < last
        ]
        assert spliced(tuple(kept), a, b, fresh) == merge_busy([*outside, *fresh])


def test_touched_is_the_part_of_the_window_the_changes_cover() -> None:
    start, end = datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC)
    assert touched([], start, end) is None
    assert (
        touched([("2027-02-01 10:00:00.000000", "2027-02-01 11:00:00.000000")], start, end) is None
    )
    assert touched([("2027-04-01 00:00:00.000000", None)], start, end) is None  # after the end
    assert (
        touched([("2027-02-28 23:00:00.000000", "2027-03-01 00:00:00.000000")], start, end) is None
    )
    changes = [
        ("2027-03-10 09:00:00.000000", "2027-03-10 10:00:00.000000"),
        ("2027-03-05 09:00:00.000000", "2027-03-05 09:30:00.000000"),
        ("2027-05-05 09:00:00.000000", "2027-05-05 09:30:00.000000"),
    ]
    assert touched(changes, start, end) == (
        datetime(2027, 3, 5, 9, tzinfo=UTC),
        datetime(2027, 3, 10, 10, tzinfo=UTC),
    )
    assert touched([("2027-02-01 00:00:00.000000", None)], start, end) == (start, end)
