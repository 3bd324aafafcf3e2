"""The calendar view beside the chat, in headless Chromium under the app's real
Content-Security-Policy: the local user of a laptop install (loopback) sees the events
stored beforehand, an event made by chat appears in the week view without a reload, and a
phone-sized screen gets a list of the week.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from calendar_assistant.channels.web.signin import LOCAL_USER
from calendar_assistant.config import Settings
from calendar_assistant.domain.events import NewEvent
from support import BERLIN, Clock
from web_browser import chromium

#: Markup in a title must show as text (and never run).
MARKED_UP = "Dentist <b>check</b> <img src=x onerror=document.title='owned'>"


@pytest.fixture
def language() -> str:
    return "en"


@pytest.fixture
def settings(tmp_path: Path, language: str) -> Settings:
    """A laptop install: no public URL, no bot; the local user is signed in on loopback."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone="Europe/Berlin",
        default_language=language,
    )


async def _store(app: FastAPI, new: NewEvent) -> None:
    """Stored through the calendar the assistant uses (not through the chat)."""
    services = app.state.services
    record = await services.front.desk.user(LOCAL_USER)
    await services.runtime.assistant.calendars(record.id).create_event(new)


def _watch(page: Any, problems: list[str]) -> None:
    """Collect script errors and whatever the CSP refuses, but for the one refusal expected:
    FullCalendar's own <style> element (its CSS is served as a file instead)."""
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))

    def console(message: Any) -> None:
        text = message.text
        expected = text.startswith("Applying inline style violates")
        if message.type == "error" and "Content Security Policy" in text and not expected:
            problems.append(text[:200])

    page.on("console", console)


async def _phone(browser: Any, url: str, problems: list[str]) -> None:
    """The same page on a phone-sized screen."""
    # A phone: the week as a list, nothing wider than the screen.
    phone = await browser.new_page(viewport={"width": 390, "height": 844})
    _watch(phone, problems)
    await phone.goto(url + "/")
    await phone.locator(".fc-listWeek-view").wait_for(timeout=15000)
    titles = phone.locator(".fc-list-event-title")
    await titles.first.wait_for(timeout=15000)
    listed = await titles.all_inner_texts()
    assert "Lunch with Anna" in listed
    assert MARKED_UP in listed
    width = await phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    inside = await phone.evaluate(
        "[...document.querySelectorAll('.fc-scroller')].every(s => s.scrollWidth <= s.clientWidth)"
    )
    assert inside, "the list is wider than the phone's screen"
    assert await phone.locator("#text").is_visible()
    assert problems == []


async def test_the_calendar_view_shows_events_and_follows_the_chat(
    served: tuple[str, FastAPI], clock: Clock
) -> None:
    url, app = served
    zone = BERLIN
    # Tuesday 24 November 2026, 14:00: the week view shows Monday 23 to Sunday 29.
    dentist = datetime(2026, 11, 26, 9, 0, tzinfo=zone)
    await _store(app, NewEvent(MARKED_UP, dentist, dentist + timedelta(hours=1), zone.key))
    standup = datetime(2026, 11, 2, 8, 0, tzinfo=zone)
    await _store(
        app,
        NewEvent(
            "Stand-up", standup, standup + timedelta(minutes=15), zone.key, rrule="FREQ=WEEKLY"
        ),
    )
    async with chromium() as browser:
        problems: list[str] = []
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        _watch(page, problems)
        await page.goto(url + "/")
        await page.locator(".fc-timeGridWeek-view").wait_for(timeout=15000)
        # Stored beforehand: on its day, its markup shown as text and nothing run.
        thursday = page.locator('td.fc-timegrid-col[data-date="2026-11-26"] .fc-event')
        await thursday.first.wait_for(timeout=15000)
        assert MARKED_UP in await thursday.first.inner_text()
        assert await page.locator(".fc-event b, .fc-event img").count() == 0
        assert await page.title() == "Calendar assistant"
        # A series shows its occurrence of this week (Monday).
        monday = page.locator('td.fc-timegrid-col[data-date="2026-11-23"] .fc-event')
        assert "Stand-up" in await monday.first.inner_text()
        # FullCalendar's CSS is the vendored file (its own <style> is refused by the CSP).
        assert (
            await page.evaluate("getComputedStyle(document.querySelector('.fc')).display") == "flex"
        )
        # Working hours are shaded: the non-business cells exist in the time grid.
        assert await page.locator(".fc-non-business").count() > 0

        # An event made by chat appears in the week view without a reload.
        await page.fill("#text", "Lunch with Anna tomorrow at 1pm")
        await page.press("#text", "Enter")
        await page.locator(".msg.bot").first.wait_for(timeout=15000)
        wednesday = page.locator(
            'td.fc-timegrid-col[data-date="2026-11-25"] .fc-event:has-text("Lunch with Anna")'
        )
        await wednesday.wait_for(timeout=15000)
        hours = await page.evaluate(
            "window.assistantCalendar.getEvents()"
            ".filter(e => e.title === 'Lunch with Anna').map(e => e.start.getUTCHours())"
        )
        assert hours == [13]  # 1pm on the user's wall clock (UTC-coerced in the view)
        # A new time zone set in the chat: the view follows (13:00 in Berlin is 07:00).
        await page.fill("#text", "/settings zone New York")
        await page.press("#text", "Enter")
        await page.locator(".msg.bot").nth(1).wait_for(timeout=15000)
        await page.wait_for_function(
            "() => window.assistantCalendar.getEvents()"  # a function: the CSP forbids eval
            ".some(e => e.title === 'Lunch with Anna' && e.start.getUTCHours() === 7)",
            timeout=15000,
        )
        await page.wait_for_function(  # the events may be redrawn before the zone option
            "() => window.assistantCalendar.getOption('timeZone') === 'America/New_York'",
            timeout=15000,
        )
        assert await page.evaluate("window.assistantCalendar.getOption('timeZone')") == (
            "America/New_York"
        )
        assert problems == []

        await _phone(browser, url, problems)


@pytest.mark.parametrize("language", ["ru"])
async def test_a_russian_speaker_gets_the_view_in_russian(served: tuple[str, FastAPI]) -> None:
    url, app = served
    start = datetime(2026, 11, 25, 15, 30, tzinfo=BERLIN)
    await _store(app, NewEvent("Созвон", start, start + timedelta(minutes=30), BERLIN.key))
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await page.goto(url + "/")
        event = page.locator('td.fc-timegrid-col[data-date="2026-11-25"] .fc-event')
        await event.first.wait_for(timeout=15000)
        assert "15:30" in await event.first.inner_text()  # the 24-hour clock
        assert "Неделя" in await page.locator(".fc-header-toolbar").inner_text()
