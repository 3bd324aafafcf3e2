"""The shared calendar contract against the real client library and the fake Google API."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar
from fakes.google_calendar import FakeGoogleCalendar

from ..contract import CalendarContract


@pytest.fixture
def backend(google: FakeGoogleCalendar, api: GoogleApi, tz: ZoneInfo) -> GoogleCalendar:
    google.add_calendar("alice@example.org", "Alice", str(tz), primary=True)
    return GoogleCalendar(api, "alice@example.org", timezone=str(tz), calendar_id="google")


class TestGoogleContract(CalendarContract):
    """Every contract test through google-api-python-client, in Berlin and New York."""
