"""The server's operational surface: health, readiness, metrics, docs, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from calendar_assistant.storage.database import head_revision
from support import says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        rate_limit_per_minute=5,
        max_request_bytes=4096,
    )
    server = create_app(settings, clock=lambda: NOW)
    async with server.router.lifespan_context(server):
        yield server


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await web_session.local(client)  # the local user of a laptop install
        yield client


def test_creating_the_app_connects_to_nothing(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "nowhere")  # type: ignore[call-arg]
    create_app(settings)
    assert not (tmp_path / "nowhere").exists()


async def test_health_and_readiness(http: httpx.AsyncClient, app: FastAPI) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    database = app.state.services.runtime.database
    async with database.transaction() as session:
        await session.execute(text("UPDATE alembic_version SET version_num = '0002_channels'"))
    stale = await http.get("/readyz")
    assert stale.status_code == 503
    assert head_revision() in stale.json()["status"]


async def test_metrics_count_messages_by_channel_intent_and_outcome(
    http: httpx.AsyncClient,
) -> None:
    said = await http.post("/api/chat", json={"text": "Запланируй встречу с командой завтра в 10"})
    assert said.status_code == 200
    body = (await http.get("/metrics")).text
    assert (
        'assistant_messages_total{channel="web",intent="create_event",outcome="created"} 1.0'
        in body
    )
    assert "assistant_understanding_seconds_count 1.0" in body
    assert "assistant_handling_seconds_bucket" in body
    assert 'assistant_calendar_call_seconds_count{backend="local"' in body


async def test_openapi_documents_the_routes(http: httpx.AsyncClient) -> None:
    schema = (await http.get("/openapi.json")).json()
    for path in ("/healthz", "/readyz", "/metrics", "/telegram/webhook", "/api/chat"):
        assert path in schema["paths"]
    assert (await http.get("/docs")).status_code == 200


async def test_request_bodies_over_the_limit_are_refused(http: httpx.AsyncClient) -> None:
    big = {"text": "x" * 5000}
    assert (await http.post("/api/chat", json=big)).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b" " * 1000

    streamed = await http.post(
        "/api/chat", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413


async def test_unknown_routes_get_a_short_json_404_and_change_nothing(
    http: httpx.AsyncClient,
) -> None:
    await http.post("/api/chat", json={"text": "Lunch with Anna tomorrow at 1pm"})
    for method, path in (
        ("GET", "/api/nothing-here"),
        ("POST", "/api/calendar/events/../../admin"),
        ("DELETE", "/api/chat"),
        ("GET", "/static/../config.py"),
    ):
        answer = await http.request(method, path)
        assert answer.status_code in (404, 405), (method, path, answer.status_code)
        assert len(answer.content) < 200
        assert "Traceback" not in answer.text
    week = (await http.post("/api/chat", json={"text": "/week"})).json()
    assert "Lunch with Anna" in week["replies"][0]["text"]


async def test_the_web_user_is_rate_limited_politely(http: httpx.AsyncClient) -> None:
    replies = []
    for _ in range(7):
        response = await http.post("/api/chat", json={"text": "/help"})
        replies.append(response.json()["replies"])
    assert all(r for r in replies[:5])
    assert says(replies[5][0]["text"], "ru", "front_door.too_fast")
    assert replies[6] == []


async def test_without_a_bot_the_webhook_is_forbidden(http: httpx.AsyncClient) -> None:
    response = await http.post("/telegram/webhook", json={"update_id": 1})
    assert response.status_code == 403
