"""REDIS_URL set but Redis unavailable: the web chat keeps answering, one warning per outage.

The real app answers through httpx's ASGI transport. Redis is either a closed local port
(nothing listening) or the real Redis behind a small TCP proxy that the test closes (an
outage mid-run) and opens again (Redis is used again after the back-off).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis
from structlog.testing import capture_logs

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.telegram import free_port
from support import BERLIN

REDIS = ("127.0.0.1", 6379)
DB = 13  # flushed by these tests only
COMPONENTS = {"locks", "rate_limiter", "questions"}


def _settings(tmp_path: Path, redis_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone=BERLIN.key,
        default_language="en",
        redis_url=redis_url,
        redis_retry_seconds=0.3,
    )


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            await web_session.local(client)  # the local user of a laptop install
            yield client


def _app(settings: Settings) -> FastAPI:
    return create_app(settings, clock=lambda: datetime(2026, 11, 24, 14, 0, tzinfo=BERLIN))


async def _dialogue(http: httpx.AsyncClient, title: str) -> None:
    """Create, ask to delete (a button question), press Yes: every Redis part is used.

    A generous time limit: without the fallback a failed lock leaves the request hanging.
    """
    async with asyncio.timeout(60):
        response = await http.post("/api/chat", json={"text": f"{title} tomorrow at 1pm"})
        assert response.status_code == 200
        assert title in str(response.json()["replies"][0]["text"])
        asked = (await http.post("/api/chat", json={"text": f"Delete {title}"})).json()
        yes = next(b for row in asked["replies"][0]["buttons"] for b in row if b["label"] == "Yes")
        done = await http.post("/api/chat", json={"button": yes["payload"]})
    assert done.status_code == 200
    assert title in str(done.json()["replies"][0]["text"])


def _events(logs: list[dict[str, Any]], event: str) -> list[str]:
    return sorted(str(e["component"]) for e in logs if e["event"] == event)


async def _outages(http: httpx.AsyncClient) -> dict[str, float]:
    text = (await http.get("/metrics")).text
    found = {}
    for line in text.splitlines():
        if line.startswith("assistant_redis_outages_total{"):
            component = line.split('component="')[1].split('"')[0]
            found[component] = float(line.rsplit(" ", 1)[1])
    return found


async def test_a_closed_port_degrades_to_in_process_with_one_warning(tmp_path: Path) -> None:
    settings = _settings(tmp_path, f"redis://127.0.0.1:{free_port()}/{DB}")
    with capture_logs() as logs:
        async for http in _client(_app(settings)):
            await _dialogue(http, "Lunch with Anna")
            await asyncio.sleep(0.4)  # past the back-off: Redis is tried again, still down
            await _dialogue(http, "Dinner with Boris")
            assert await _outages(http) == dict.fromkeys(COMPONENTS, 1.0)
    assert _events(logs, "redis_unavailable") == sorted(COMPONENTS)  # once each, not per message
    assert _events(logs, "redis_available_again") == []


class Proxy:
    """A TCP proxy to Redis that can be closed (connections cut, port refused) and reopened."""

    def __init__(self) -> None:
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*REDIS)
        self._writers.update((writer, up_writer))
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
            self._writers.discard(writer)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis(host=REDIS[0], port=REDIS[1], db=DB)
    try:
        await client.ping()
    except Exception as error:
        await client.aclose()
        pytest.skip(f"no Redis at {REDIS}: {error}")
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


async def _keys(redis: Redis, kind: str) -> list[bytes]:
    return [k async for k in redis.scan_iter(f"calendar-assistant:{kind}*")]


async def test_redis_going_down_and_coming_back(tmp_path: Path, redis: Redis) -> None:
    proxy = Proxy()
    await proxy.open()
    settings = _settings(tmp_path, f"redis://127.0.0.1:{proxy.port}/{DB}")
    with capture_logs() as logs:
        async for http in _client(_app(settings)):
            await _dialogue(http, "Lunch with Anna")
            assert await _keys(redis, "rate:")  # Redis is used
            await proxy.close()
            await redis.flushdb()
            await _dialogue(http, "Dinner with Boris")
            await _dialogue(http, "Call with Clara")
            assert await redis.dbsize() == 0  # nothing reached Redis meanwhile
            assert _events(logs, "redis_unavailable") == sorted(COMPONENTS)
            await proxy.open()
            await asyncio.sleep(0.4)  # past the back-off
            await _dialogue(http, "Tea with Dora")
            assert await _keys(redis, "rate:")  # Redis is used again
            assert _events(logs, "redis_available_again") == sorted(COMPONENTS)
            assert await _outages(http) == dict.fromkeys(COMPONENTS, 1.0)
    await proxy.close()
    assert _events(logs, "redis_unavailable") == sorted(COMPONENTS)
