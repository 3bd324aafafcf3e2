"""The web app in process, as the API tests of the web channel and of signing in use it.

The real server app with its lifespan run as uvicorn would, its bot polling the fake Bot
API; browsers are httpx clients over the ASGI transport, each with the client address and
Host it would have. The deployment is public (an https PUBLIC_URL): nobody is signed in by
address, so a signed-in browser has been through the Login Widget (see web_session.py).
The fixtures that wrap these for channels/web are in channels/web/conftest.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.telegram import TOKEN, FakeTelegram
from support import BERLIN, Clock

PUBLIC = "https://cal.example.org"
#: A browser somewhere on the internet (TEST-NET-3), not on the server's loopback.
OUTSIDER = ("203.0.113.7", 50000)
SESSION_SECRET = "a-session-secret-for-these-tests-0123456789"
#: Tuesday 24 November 2026, 14:00 in Berlin; the week view is Monday 23 to Monday 30.
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=BERLIN)
#: The Telegram ids of the two users channels/web/conftest.py signs in (`alice`, `bob`).
ALICE, BOB = 801, 802


def settings(data_dir: Path, fake: FakeTelegram, **extra: Any) -> Settings:
    """A public deployment with a bot (polling `fake`), in Berlin, in English; `extra` adds
    or replaces fields."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": f"sqlite:///{data_dir / 'calendar.sqlite3'}",
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": fake.base_url,
        "telegram_bot_username": "calendar_test_bot",
        "public_url": PUBLIC,
        "session_secret": SESSION_SECRET,
        "default_timezone": "Europe/Berlin",
        "default_language": "en",
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running(
    settings: Settings, clock: Callable[[], datetime] | None = None
) -> AsyncIterator[FastAPI]:
    """The app started, its bot connected to the fake Bot API; the clock pinned at NOW
    unless another is given."""
    app = create_app(settings, clock=clock if clock is not None else Clock(NOW))
    async with app.router.lifespan_context(app):
        await app.state.services.telegram.ready.wait()
        yield app


@asynccontextmanager
async def browser(
    app: FastAPI, base: str = PUBLIC, client: tuple[str, int] = OUTSIDER
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser with no session yet, at `client`, asking for `base`."""
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url=base) as http:
        yield http


@asynccontextmanager
async def signed_in(
    app: FastAPI, telegram_id: int, when: datetime = NOW
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed in as that Telegram user by the Login Widget's answer (of `when`)."""
    async with browser(app) as http:
        assert (await web_session.telegram(http, telegram_id, TOKEN, when)).status_code == 200
        yield http
