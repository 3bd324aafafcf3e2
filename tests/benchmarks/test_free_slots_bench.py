"""Speed of free-slot search: a month with 10,000 busy intervals (target: 20 ms or less).

Run with `pytest tests/benchmarks --benchmark-only`; the figure is reported, not asserted.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from calendar_assistant.domain.free_slots import free_slots
from calendar_assistant.domain.intervals import Interval
from support import BERLIN


def _month_of_busy_time(count: int) -> tuple[Interval, list[Interval]]:
    """March 2027 in Berlin (it has a DST change) with `count` random meetings."""
    rng = random.Random(2027)
    start = datetime.combine(date(2027, 3, 1), time(0), tzinfo=BERLIN)
    end = datetime.combine(date(2027, 4, 1), time(0), tzinfo=BERLIN)
    seconds = int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds())
    busy = []
    for _ in range(count):
        offset = rng.randrange(0, seconds // 300) * 300
        begin = (start.astimezone(UTC) + timedelta(seconds=offset)).astimezone(BERLIN)
        busy.append(Interval(begin, begin + timedelta(minutes=rng.choice((15, 30, 45, 60)))))
    return Interval(start, end), busy


@pytest.mark.benchmark
def test_free_slots_month_with_10000_busy_intervals(benchmark: BenchmarkFixture) -> None:
    window, busy = _month_of_busy_time(10_000)
    slots = benchmark(
        free_slots,
        busy,
        window,
        tz=BERLIN,
        working_hours=(time(9), time(18)),
        working_days=frozenset({1, 2, 3, 4, 5}),
        min_length=timedelta(minutes=30),
    )
    assert all(
        s.end.astimezone(UTC) - s.start.astimezone(UTC) >= timedelta(minutes=30) for s in slots
    )
