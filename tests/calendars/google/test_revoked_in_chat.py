"""A revoked Google grant in the middle of a chat: the user is told to reconnect."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage.database import Database
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import FakeGoogleOAuth
from support import says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))


async def test_a_revoked_grant_asks_to_reconnect_in_both_languages(
    database: Database,
    tmp_path: Path,
    google: FakeGoogleCalendar,
    google_oauth: FakeGoogleOAuth,
    api: GoogleApi,
) -> None:
    google.add_calendar("anna@example.org", "Anna", "Europe/Moscow", primary=True)
    calendar = GoogleCalendar(api, "anna@example.org", timezone="Europe/Moscow", calendar_id="g")
    assistant = Assistant(
        database, assistant_config(Settings(data_dir=tmp_path)), lambda _uid: calendar
    )
    anna = UserRef(key="test:anna")
    made = await assistant.handle(anna, Inbound("Запланируй обед завтра в 13"), NOW)
    assert says(made[0].text, "ru", "created.text")
    google_oauth.revoke_everything()
    refused = await assistant.handle(anna, Inbound("Запланируй ужин завтра в 19"), NOW)
    assert "/connect" in refused[0].text
    assert says(refused[0].text, "ru", "problem.backend_reconnect")
    english = await assistant.handle(anna, Inbound("What's on my calendar tomorrow?"), NOW)
    assert says(english[0].text, "en", "problem.backend_reconnect")
    assert [e["summary"] for e in google.stored("anna@example.org").values()] == ["Обед"]
