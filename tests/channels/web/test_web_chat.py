"""The web chat: the JSON API behind the page, and the page itself in headless Chromium."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from support import Clock
from web_browser import chromium, serving


@pytest.fixture
def clock(tz: ZoneInfo) -> Clock:
    """A Tuesday afternoon in Berlin or New York (both zones with DST)."""
    return Clock(datetime(2026, 11, 24, 14, 0, tzinfo=tz))


@pytest.fixture
def settings(tmp_path: Path, tz: ZoneInfo) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone=tz.key,
        default_language="en",
        reminder_poll_seconds=0.1,
    )


@pytest.fixture
async def app(settings: Settings, clock: Clock) -> AsyncIterator[FastAPI]:
    server = create_app(settings, clock=clock)
    async with server.router.lifespan_context(server):
        yield server


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The local user of a laptop install: loopback, no public URL, signed in by asking."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        await web_session.local(client)
        yield client


async def say(http: httpx.AsyncClient, **body: str) -> list[dict[str, object]]:
    response = await http.post("/api/chat", json=body)
    assert response.status_code == 200
    replies: list[dict[str, object]] = response.json()["replies"]
    return replies


async def test_a_dialogue_with_buttons_through_the_api(http: httpx.AsyncClient) -> None:
    created = await say(http, text="Lunch with Anna tomorrow at 1pm")
    assert "Lunch with Anna" in str(created[0]["text"])
    asked = await say(http, text="Delete lunch with Anna")
    buttons = [b for row in asked[0]["buttons"] for b in row]  # type: ignore[attr-defined]
    yes = next(b for b in buttons if b["label"] == "Yes")
    done = await say(http, button=yes["payload"])
    assert "Lunch with Anna" in str(done[0]["text"])
    listed = await say(http, text="/today")
    assert "Lunch" not in str(listed[0]["text"])


async def test_reminders_for_the_web_user_wait_in_the_outbox(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    await say(http, text="Remind me today at 3pm to stretch")
    clock.now = clock.now.replace(hour=15) + timedelta(seconds=1)
    for _ in range(50):
        outbox = (await http.get("/api/chat/outbox")).json()["replies"]
        if outbox:
            break
        await asyncio.sleep(0.1)
    assert [r["text"] for r in outbox] == ["⏰ Reminder: Stretch"]
    assert (await http.get("/api/chat/outbox")).json()["replies"] == []


@pytest.fixture
async def served(settings: Settings, clock: Clock) -> AsyncIterator[str]:
    """The app under a real uvicorn on a loopback port."""
    async with serving(create_app(settings, clock=clock)) as url:
        yield url


@pytest.mark.parametrize("tz", ["Europe/Berlin"], indirect=True)
async def test_the_page_creates_an_event_in_headless_chromium(served: str) -> None:
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(served + "/")
        await page.fill("#text", "Team meeting tomorrow at 10am")
        await page.press("#text", "Enter")
        reply = page.locator(".msg.bot").first
        await reply.wait_for(timeout=15000)
        shown = await reply.inner_text()
        assert "Team meeting" in shown
        assert "10:00" in shown
        # A button in the page answers a question the same way.
        await page.fill("#text", "Delete the team meeting")
        await page.press("#text", "Enter")
        button = page.locator(".msg.bot .buttons button").first
        await button.wait_for(timeout=15000)
        await button.click()
        await page.locator(".msg.bot").nth(2).wait_for(timeout=15000)
        assert "Team meeting" in await page.locator(".msg.bot").nth(2).inner_text()
