"""Connecting Google Calendar from the chat: the link, the callback, an event, /disconnect.

The server runs for real (create_app) with the Google client pointed at the fake OAuth and
Calendar servers; the browser's part is played with httpx.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from calendar_assistant.calendars.accounts.credentials import generate_key
from calendar_assistant.calendars.google.oauth_routes import CALLBACK_PATH
from calendar_assistant.config import Settings
from calendar_assistant.conversation.account_commands import AccountDesk
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.server import create_app
from calendars.google.conftest import google as google  # the fake Calendar v3 server
from calendars.google.conftest import google_oauth as google_oauth  # the fake OAuth server
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import CLIENT_ID, CLIENT_SECRET, FakeGoogleOAuth
from support import says

# The day before New York's spring-forward: «tomorrow at 10» is on the DST day.
NOW = datetime(2027, 3, 13, 9, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
async def server(
    tmp_path: Path, google: FakeGoogleCalendar, google_oauth: FakeGoogleOAuth
) -> AsyncIterator[FastAPI]:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone="America/New_York",
        credentials_keys=generate_key(),
        google_client_id=CLIENT_ID,
        google_client_secret=CLIENT_SECRET,
        google_redirect_url="https://assistant.example.org/oauth/google/callback",
        google_auth_url=google_oauth.auth_url,
        google_token_url=google_oauth.token_url,
        google_revoke_url=google_oauth.revoke_url,
        google_api_endpoint=google.endpoint,
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        yield app


async def say(app: FastAPI, ref: UserRef, text: str = "", button: str | None = None) -> Reply:
    desk: AccountDesk = app.state.services.front.desk
    replies = await desk.handle(ref, Inbound(text=text, button=button), NOW)
    assert len(replies) == 1, replies
    return replies[0]


def payloads(reply: Reply) -> list[str]:
    return [b.payload for row in reply.buttons for b in row]


async def test_google_link_callback_event_and_disconnect(
    server: FastAPI, google: FakeGoogleCalendar, google_oauth: FakeGoogleOAuth
) -> None:
    google.add_calendar("anna@example.org", "Anna", "America/New_York", primary=True)
    anna = UserRef(key="test:anna", language_hint="en")

    menu = await say(server, anna, "/connect")
    assert "acct:conn:google" in payloads(menu)
    offer = await say(server, anna, button="acct:conn:google")
    assert says(offer.text, "en", "connect.open_link_sign_in")
    (link,) = [word for word in offer.text.split() if word.startswith(google_oauth.auth_url)]

    async with httpx.AsyncClient() as browser:  # the user consents at "Google"
        consent = await browser.get(link)
    back = urlsplit(consent.headers["Location"])
    params = {k: v[0] for k, v in parse_qs(back.query).items()}
    transport = httpx.ASGITransport(app=server)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        page = await http.get(CALLBACK_PATH, params=params)
    assert page.status_code == 200

    listed = await say(server, anna, "/connect")
    assert "Google: anna@example.org — new events go here" in listed.text
    created = await say(server, anna, "Schedule a meeting tomorrow at 10")
    assert "Meeting" in created.text or "meeting" in created.text
    (stored,) = google.stored("anna@example.org").values()
    assert stored["start"]["dateTime"].startswith("2027-03-14T10:00:00")

    choices = await say(server, anna, "/disconnect")
    (choice,) = payloads(choices)
    question = await say(server, anna, button=choice)
    assert says(question.text, "en", "connect.disconnect_what_its_access")
    done = await say(server, anna, button=payloads(question)[0])
    assert "Disconnected: Google: anna@example.org" in done.text
    assert google_oauth.revoked  # the grant was revoked at Google
    assert says(
        (await say(server, anna, "/disconnect")).text, "en", "connect.no_calendars_are_connected"
    )


async def test_connect_google_in_words_gives_the_link_in_russian(
    server: FastAPI, google_oauth: FakeGoogleOAuth
) -> None:
    ref = UserRef(key="test:boris", language_hint="ru")
    reply = await say(server, ref, "Подключи гугл календарь")
    assert says(reply.text, "ru", "connect.open_link_sign_in")
    assert google_oauth.auth_url in reply.text
