"""Listing a month of a Google calendar (the fake server): 200 events, 10 weekly series.

Measured, never asserted on time; the figure is the client side (library, threads, mapping)
plus the loopback fake. Run:
`.venv/bin/pytest tests/calendars/google/test_google_bench.py --benchmark-only`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar
from calendar_assistant.domain.events import NewEvent
from fakes.google_calendar import FakeGoogleCalendar
from support import BERLIN

START = datetime(2027, 3, 1, tzinfo=BERLIN)


@pytest.mark.benchmark
def test_list_a_month_of_200_events(
    benchmark: pytest.FixtureRequest, google: FakeGoogleCalendar, api: GoogleApi
) -> None:
    google.add_calendar("me@example.org", "Me", "Europe/Berlin", primary=True)
    loop = asyncio.new_event_loop()
    calendar = GoogleCalendar(api, "me@example.org", timezone="Europe/Berlin", calendar_id="g")

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
