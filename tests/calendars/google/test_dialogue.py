"""The weekly-series dialogue with the assistant writing to the fake Google Calendar."""

from __future__ import annotations

from pathlib import Path

from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar
from calendar_assistant.storage.database import Database
from fakes.google_calendar import FakeGoogleCalendar

from ..caldav.series_dialogue import run_series_dialogue


async def test_series_dialogue_on_google(
    database: Database, tmp_path: Path, google: FakeGoogleCalendar, api: GoogleApi
) -> None:
    google.add_calendar("anna@example.org", "Anna", "Europe/Moscow", primary=True)
    calendar = GoogleCalendar(api, "anna@example.org", timezone="Europe/Moscow", calendar_id="g")
    await run_series_dialogue(database, tmp_path, calendar)
