"""A running server with its bot pointed at the fake Bot API, and a clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from calendar_assistant.storage.database import Database
from fakes.telegram import TOKEN, FakeTelegram
from support import Clock


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The server's database: a SQLite file, then the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'calendar.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    database = await Database.open(url)
    try:
        async with database.transaction() as session:
            await session.execute(text("TRUNCATE users, inbox RESTART IDENTITY CASCADE"))
    finally:
        await database.close()
    return url


def make_settings(tmp_path: Path, fake: FakeTelegram, database_url: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": database_url,
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
def start_app(tmp_path: Path, fake: FakeTelegram, clock: Clock, database_url: str) -> Any:
    """`async with start_app(RATE_LIMIT_PER_MINUTE=3) as app:` with settings of the test's own."""

    @asynccontextmanager
    async def start(wait_ready: bool = True, **extra: Any) -> AsyncIterator[FastAPI]:
        app = create_app(make_settings(tmp_path, fake, database_url, **extra), clock=clock)
        async with running(app):
            if wait_ready:
                await app.state.services.telegram.ready.wait()
            yield app

    return start
