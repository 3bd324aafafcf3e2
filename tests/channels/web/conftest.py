"""The web channel's test set-up, over web_app.py and web_browser.py.

For the API tests, the app in process: the settings of a public deployment with a bot
(polling the fake Bot API, `fake` in tests/conftest.py), the running app, and two Telegram users signed in through the Login Widget's
answer. For the browser tests, `served`: the app under a real uvicorn. Both on the pinned
clock (Tuesday 24 November 2026, 14:00 in Berlin). A test file changes the deployment by
defining its own `settings` (or `clock`, or `app`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

import web_app
import web_browser
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.telegram import FakeTelegram
from support import Clock
from web_app import ALICE, BOB


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return web_app.settings(tmp_path, fake)


@pytest.fixture
def clock() -> Clock:
    """web_app.NOW; a test moves it instead of waiting."""
    return Clock(web_app.NOW)


@pytest.fixture
async def app(settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    """The app started, its bot connected."""
    async with web_app.running(settings, clock) as server:
        yield server


@pytest.fixture
async def alice(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with web_app.signed_in(app, ALICE) as http:
        yield http


@pytest.fixture
async def bob(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with web_app.signed_in(app, BOB) as http:
        yield http


@pytest.fixture
async def served(settings: Settings, clock: Clock) -> AsyncIterator[tuple[str, FastAPI]]:
    """The app under a real uvicorn on a loopback port, and the app (to store events)."""
    app = create_app(settings, clock=clock)
    async with web_browser.serving(app) as url:
        yield url, app
