"""The server includes the OAuth callback: connected end to end through create_app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from calendar_assistant.calendars.accounts.credentials import generate_key
from calendar_assistant.calendars.google.oauth_routes import CALLBACK_PATH
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import CLIENT_ID, CLIENT_SECRET, FakeGoogleOAuth

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def _settings(tmp_path: Path, **google: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **google,
    )


@pytest.fixture
async def server(
    tmp_path: Path, google: FakeGoogleCalendar, google_oauth: FakeGoogleOAuth
) -> AsyncIterator[FastAPI]:
    settings = _settings(
        tmp_path,
        credentials_keys=generate_key(),
        google_client_id=CLIENT_ID,
        google_client_secret=CLIENT_SECRET,
        google_redirect_url="https://assistant.example.org/oauth/google/callback",
        google_auth_url=google_oauth.auth_url,
        google_token_url=google_oauth.token_url,
        google_revoke_url=google_oauth.revoke_url,
        google_api_endpoint=google.endpoint,
    )
    app = create_app(settings, clock=lambda: NOW + timedelta(minutes=1))
    async with app.router.lifespan_context(app):
        yield app


async def test_the_callback_connects_an_account(
    server: FastAPI, google: FakeGoogleCalendar
) -> None:
    google.add_calendar("anna@example.org", "Anna", "Europe/Moscow", primary=True)
    runtime = server.state.services.runtime
    user = await runtime.users.get_or_create("test:anna")
    link = await server.state.google_connector.start(user.id, NOW)
    async with httpx.AsyncClient() as browser:
        consent = await browser.get(link.url)
    params = {k: v[0] for k, v in parse_qs(urlsplit(consent.headers["Location"]).query).items()}
    transport = httpx.ASGITransport(app=server)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        page = await http.get(CALLBACK_PATH, params=params)
        assert page.status_code == 200
        assert "anna@example.org" in page.text
        again = await http.get(CALLBACK_PATH, params=params)
        assert again.status_code == 400


async def test_without_google_settings_the_callback_says_so(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path), clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            page = await http.get(CALLBACK_PATH, params={"state": "s", "code": "c"})
    assert page.status_code == 404
