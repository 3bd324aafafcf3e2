"""The web chat's bound (INBOX_MAX_PENDING): past it a message is answered 503 with the busy
sentence (the chat's error shape, `{"detail": ...}`) and Retry-After, and nothing is done
with it; the messages taken are answered once there is room."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.replies import catalogue
from calendar_assistant.server import create_app
from calendar_assistant.storage.models import EventRow
from support import Clock


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone="Europe/Berlin",
        default_language="en",
        inbox_max_pending=2,
    )
    clock = Clock(datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    server = create_app(settings, clock=clock)
    async with server.router.lifespan_context(server):
        yield server


async def test_past_the_bound_the_web_chat_answers_503_busy_with_retry_after(
    app: FastAPI,
) -> None:
    runtime = app.state.services.runtime
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        await web_session.local(http)
        hours = range(9, 14)

        async def say(hour: int) -> httpx.Response:
            text = f"Schedule a meeting with the team tomorrow at {hour}:00"
            return await http.post("/api/chat", json={"text": text})

        # Both of SQLite's slots are taken (as by two long messages): what comes waits.
        async with runtime.slots.slot("test"), runtime.slots.slot("test"):
            pending = [asyncio.create_task(say(hour)) for hour in hours]
            done, _ = await asyncio.wait(pending, timeout=5, return_when=asyncio.FIRST_COMPLETED)
            while len(done) < 3:  # three refused at once, two waiting for a slot
                await asyncio.sleep(0.05)
                done = {task for task in pending if task.done()}
            await asyncio.sleep(0.2)
            assert sum(task.done() for task in pending) == 3
        responses = await asyncio.gather(*pending)
    answered = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 503]
    assert (len(answered), len(refused)) == (2, 3)
    for response in refused:
        assert response.json() == {"detail": catalogue.text("en", "front_door.busy")}
        assert response.headers["Retry-After"] == "10"
    for response in answered:
        assert "Created" in response.json()["replies"][0]["text"]
    metrics = app.state.services.metrics
    assert metrics.updates.labels("web", "busy")._value.get() == 3
    async with runtime.database.session() as session:  # nothing was done for the refused
        assert await session.scalar(select(func.count()).select_from(EventRow)) == 2
