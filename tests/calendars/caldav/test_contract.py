"""The shared calendar contract against a real Radicale server."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.caldav import CalDavCalendar

from ..contract import CalendarContract
from .conftest import RadicaleServer


@pytest.fixture
def backend(radicale: RadicaleServer, tz: ZoneInfo) -> CalDavCalendar:
    return CalDavCalendar(radicale.new_calendar("alice"), timezone=str(tz), calendar_id="radicale")


class TestCalDavContract(CalendarContract):
    """Every contract test on Radicale, in Berlin and New York."""
