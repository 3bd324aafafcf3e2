"""The web app in process for the web channel's API tests (web_app.py): the fake Bot API,
the settings of a public deployment with a bot, the running app, and two Telegram users
signed in through the Login Widget's answer. A test file changes the deployment by
defining its own `settings` (or `app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

import web_app
from calendar_assistant.config import Settings
from fakes.telegram import FakeTelegram
from web_app import ALICE, BOB


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return web_app.settings(tmp_path, fake)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app started, its bot connected, the clock pinned at web_app.NOW."""
    async with web_app.running(settings) as server:
        yield server


@pytest.fixture
async def alice(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with web_app.signed_in(app, ALICE) as http:
        yield http


@pytest.fixture
async def bob(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with web_app.signed_in(app, BOB) as http:
        yield http
