"""Signing in to the web app in headless Chromium: the link the bot sends on `/web` opens
the sign-in page, whose script redeems it, lands on the chat signed in as the Telegram
user — whose week shows what they wrote in Telegram, before and while the page is open —
and signs out again. A server with a public URL, so nobody is signed in by address.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.telegram import TOKEN, FakeTelegram
from web_browser import chromium, serving

PUBLIC = "http://calendar.example.org"


@pytest.fixture
async def served(tmp_path: Path, fake: FakeTelegram) -> AsyncIterator[str]:
    """A deployment with a bot and a public URL under uvicorn, on the real clock."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone="Europe/Berlin",
        default_language="en",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        public_url=PUBLIC,
        web_calendar_poll_seconds=0.5,
    )
    app = create_app(settings, clock=lambda: datetime.now(ZoneInfo("Europe/Berlin")))
    async with serving(app) as url:
        yield url


async def test_the_link_from_web_signs_in_and_sign_out_leaves(
    served: str, fake: FakeTelegram
) -> None:
    # Written in Telegram before the web app was opened: the week view shows it.
    fake.send_text(77, "Dentist tomorrow at 3pm", language="en")
    await fake.until(lambda: any("Dentist" in t for t in fake.texts_to(77)), within=20)
    fake.send_text(77, "/web", language="en")
    await fake.until(lambda: any("/signin#link=" in t for t in fake.texts_to(77)), within=20)
    link = re.search(r"\S+/signin#link=\S+", fake.texts_to(77)[-1])
    assert link
    url = link.group(0).replace(PUBLIC, served)
    async with chromium() as browser:
        page = await browser.new_page()
        await page.goto(served + "/")
        await page.wait_for_url(served + "/signin")  # no session: the sign-in page
        assert "/web" in await page.locator("#signin").inner_text()
        await page.goto(url)
        await page.wait_for_url(served + "/", timeout=15000)
        await page.locator("#who").filter(has_text="User").wait_for(timeout=15000)
        # The week of "tomorrow" (on a Sunday that is the next week).
        tomorrow = (datetime.now(ZoneInfo("Europe/Berlin")) + timedelta(days=1)).date()
        await page.wait_for_function("window.assistantCalendar !== undefined")
        await page.evaluate(f"window.assistantCalendar.gotoDate('{tomorrow.isoformat()}')")
        week = page.locator("#calendar .fc-event")
        await week.filter(has_text="Dentist").wait_for(timeout=15000)
        # Written in Telegram while the page is open: it appears without a reload.
        fake.send_text(77, "Call with Bob tomorrow at 5pm", language="en")
        await week.filter(has_text="Call with Bob").wait_for(timeout=15000)
        await page.fill("#text", "Team meeting tomorrow at 10am")
        await page.press("#text", "Enter")
        reply = page.locator(".msg.bot").first
        await reply.wait_for(timeout=15000)
        assert "Team meeting" in await reply.inner_text()
        cookies = await page.context.cookies()
        session = next(c for c in cookies if c["name"] == "calendar_session")
        assert session["httpOnly"]
        assert session["sameSite"] == "Lax"
        # The same link again, in a new browser: used up.
        other = await browser.new_page()
        await other.goto(url)
        await other.locator("#status").filter(has_text="send /web again").wait_for()
        await page.click("#signout")
        await page.wait_for_url(served + "/signin", timeout=15000)
        await page.goto(served + "/")  # the session is gone: back to the sign-in page
        await page.wait_for_url(served + "/signin", timeout=15000)
