"""Free slots over a month of 10,000 stored events, as a user waits for them: the busy times
read from the SQLite calendar, then the slot search (target: median 20 ms or less).

Run: `.venv/bin/pytest tests/benchmarks/test_free_busy_month_bench.py --benchmark-only`.
The figure is reported, never asserted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.channels.cli.bench import seed_events
from calendar_assistant.domain.free_slots import free_slots
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.storage import Database, UserRepository
from support import BERLIN

# March 2027: Berlin moves its clocks on the 28th.
MONTH = Interval(datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 4, 1, tzinfo=BERLIN))


async def _fill(path: Path) -> tuple[Database, LocalCalendar]:
    db = await Database.open(f"sqlite+aiosqlite:///{path}")
    user = await UserRepository(db).get_or_create("bench:busy")
    calendar = LocalCalendar(db, user.id)
    # Short events over every hour, every hundredth a weekly series (as `bench core`).
    await seed_events(calendar, 10_000, MONTH.start, 31, hours=(0, 24), lengths=(5, 10))
    return db, calendar


@pytest.fixture(scope="module")
def month(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, LocalCalendar]]:
    loop = asyncio.new_event_loop()
    path = tmp_path_factory.mktemp("bench") / "busy.sqlite3"
    db, calendar = loop.run_until_complete(_fill(path))
    try:
        yield loop, calendar
    finally:
        loop.run_until_complete(db.close())
        loop.close()


async def _slots(calendar: LocalCalendar) -> list[Interval]:
    busy = await calendar.free_busy(MONTH.start, MONTH.end)
    return free_slots(
        busy,
        MONTH,
        tz=BERLIN,
        working_hours=(time(9), time(18)),
        working_days=frozenset({1, 2, 3, 4, 5}),
        min_length=timedelta(minutes=15),
    )


@pytest.mark.benchmark
def test_free_slots_of_a_month_with_10000_stored_events(
    benchmark: BenchmarkFixture, month: tuple[asyncio.AbstractEventLoop, LocalCalendar]
) -> None:
    loop, calendar = month
    slots = benchmark(lambda: loop.run_until_complete(_slots(calendar)))
    assert slots
    assert all(s.duration >= timedelta(minutes=15) for s in slots)
