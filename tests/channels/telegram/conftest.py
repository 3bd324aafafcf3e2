"""A running server with its bot pointed at the fake Bot API (`fake` and the movable `clock`
are tests/conftest.py's), and the server processes a test starts as their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.telegram import TOKEN, WEBHOOK_SECRET, FakeTelegram
from serving import ServerProcess
from support import Clock


@pytest.fixture
def servers() -> Iterator[list[ServerProcess]]:
    """The server processes a test starts (it appends them), killed at the end if running."""
    started: list[ServerProcess] = []
    yield started
    for server in started:
        server.stop_quietly()


def make_settings(tmp_path: Path, fake: FakeTelegram, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": f"sqlite:///{tmp_path / 'calendar.sqlite3'}",
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": fake.base_url,
        "reminder_poll_seconds": 0.1,
        "default_timezone": "Europe/Moscow",
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    """The app between start-up and shutdown, as uvicorn would run it."""
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def polling_app(tmp_path: Path, fake: FakeTelegram, clock: Clock) -> AsyncIterator[FastAPI]:
    app = create_app(make_settings(tmp_path, fake), clock=clock)
    async with running(app):
        await app.state.services.telegram.ready.wait()
        yield app


@pytest.fixture
async def webhook_app(tmp_path: Path, fake: FakeTelegram, clock: Clock) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        tmp_path,
        fake,
        telegram_webhook_url="https://bot.example.org/telegram/webhook",
        telegram_webhook_secret=WEBHOOK_SECRET,
    )
    app = create_app(settings, clock=clock)
    async with running(app):
        await app.state.services.telegram.ready.wait()
        yield app


@pytest.fixture
def start_app(tmp_path: Path, fake: FakeTelegram, clock: Clock) -> Any:
    """`async with start_app(RATE_LIMIT_PER_MINUTE=3) as app:` with settings of the test's own."""

    @asynccontextmanager
    async def start(wait_ready: bool = True, **extra: Any) -> AsyncIterator[FastAPI]:
        app = create_app(make_settings(tmp_path, fake, **extra), clock=clock)
        async with running(app):
            if wait_ready:
                await app.state.services.telegram.ready.wait()
            yield app

    return start
