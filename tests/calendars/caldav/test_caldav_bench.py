"""Listing a month of a CalDAV calendar on Radicale: 200 events, 10 of them weekly series.

Measured, never asserted on time. Run:
`.venv/bin/pytest tests/calendars/caldav/test_caldav_bench.py --benchmark-only`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from calendar_assistant.calendars.caldav import CalDavCalendar
from calendar_assistant.domain.events import NewEvent
from support import BERLIN

from .conftest import RadicaleServer

START = datetime(2027, 3, 1, tzinfo=BERLIN)


@pytest.mark.benchmark
def test_list_a_month_of_200_events(
    benchmark: pytest.FixtureRequest, radicale: RadicaleServer
) -> None:
    loop = asyncio.new_event_loop()
    calendar = CalDavCalendar(radicale.new_calendar("alice"), timezone="Europe/Berlin")

    async def seed() -> None:
        for i in range(200):
            start = START + timedelta(days=i % 30, hours=8 + i % 9)
            rule = "FREQ=WEEKLY" if i % 20 == 0 else None
            await calendar.create_event(
                NewEvent(
                    f"Event {i}", start, start + timedelta(minutes=45), "Europe/Berlin", rrule=rule
                )
            )

    loop.run_until_complete(seed())
    try:
        listed = benchmark.pedantic(  # type: ignore[attr-defined]
            lambda: loop.run_until_complete(
                calendar.list_events(START, START + timedelta(days=30))
            ),
            rounds=5,
            iterations=1,
        )
        assert len(listed) >= 200
    finally:
        loop.close()
