"""Speed of the local calendar with 1,000 stored events (SQLite file): one day listed, a
week's free/busy. Figures are reported by pytest-benchmark, never asserted."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.storage import Database, UserRepository
from support import MOSCOW

FIRST_DAY = date(2026, 9, 1)


async def _fill(path: Path) -> tuple[Database, LocalCalendar]:
    db = await Database.open(f"sqlite+aiosqlite:///{path}")
    user = await UserRepository(db).get_or_create("bench:user")
    calendar = LocalCalendar(db, user.id)
    rng = random.Random(1000)
    for i in range(1000):
        day = FIRST_DAY + timedelta(days=rng.randrange(180))
        start = datetime.combine(day, time(rng.randrange(8, 20)), tzinfo=MOSCOW)
        rule = "FREQ=WEEKLY" if i % 100 == 0 else None
        await calendar.create_event(
            NewEvent(
                f"Meeting {i}", start, start + timedelta(minutes=45), "Europe/Moscow", rrule=rule
            )
        )
    return db, calendar


@pytest.fixture(scope="module")
def filled(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, LocalCalendar]]:
    loop = asyncio.new_event_loop()
    db, calendar = loop.run_until_complete(_fill(tmp_path_factory.mktemp("bench") / "c.sqlite3"))
    try:
        yield loop, calendar
    finally:
        loop.run_until_complete(db.close())
        loop.close()


@pytest.mark.benchmark
def test_list_one_day_among_1000_events(
    benchmark: BenchmarkFixture, filled: tuple[asyncio.AbstractEventLoop, LocalCalendar]
) -> None:
    loop, calendar = filled
    day = datetime.combine(FIRST_DAY + timedelta(days=60), time(0), tzinfo=MOSCOW)
    events = benchmark(
        lambda: loop.run_until_complete(calendar.list_events(day, day + timedelta(days=1)))
    )
    assert all(e.start < day + timedelta(days=1) for e in events)


@pytest.mark.benchmark
def test_free_busy_of_a_week_among_1000_events(
    benchmark: BenchmarkFixture, filled: tuple[asyncio.AbstractEventLoop, LocalCalendar]
) -> None:
    loop, calendar = filled
    monday = datetime.combine(date(2026, 11, 23), time(0), tzinfo=MOSCOW)
    busy = benchmark(
        lambda: loop.run_until_complete(calendar.free_busy(monday, monday + timedelta(days=7)))
    )
    assert busy


@pytest.mark.benchmark
def test_create_and_delete_among_1000_events(
    benchmark: BenchmarkFixture, filled: tuple[asyncio.AbstractEventLoop, LocalCalendar]
) -> None:
    loop, calendar = filled
    start = datetime.combine(date(2026, 12, 1), time(10), tzinfo=MOSCOW)

    async def create_and_delete() -> None:
        event = await calendar.create_event(
            NewEvent("Bench", start, start + timedelta(hours=1), "Europe/Moscow")
        )
        await calendar.delete_event(event.id)

    benchmark(lambda: loop.run_until_complete(create_and_delete()))
