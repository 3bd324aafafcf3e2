"""The weekly-series dialogue with the assistant writing to a real Radicale calendar."""

from __future__ import annotations

from pathlib import Path

from calendar_assistant.calendars.caldav import CalDavCalendar
from calendar_assistant.storage.database import Database

from .conftest import RadicaleServer
from .series_dialogue import run_series_dialogue


async def test_series_dialogue_on_caldav(
    database: Database, tmp_path: Path, radicale: RadicaleServer
) -> None:
    calendar = CalDavCalendar(
        radicale.new_calendar("alice"), timezone="Europe/Moscow", calendar_id="caldav"
    )
    await run_series_dialogue(database, tmp_path, calendar)
