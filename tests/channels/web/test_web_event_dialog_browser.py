"""The event dialog in headless Chromium under the app's real Content-Security-Policy:
click an event, move it with the dialog, see it at its new time, undo in the chat and see
it back; delete it and confirm with the chat's buttons; and an event stored elsewhere (not
by this page) appears on the open page without a reload, through the change stamp the
page polls (a short poll interval here).
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
from channels.web.test_web_calendar_browser import MARKED_UP, _watch
from support import BERLIN
from web_browser import chromium


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A laptop install (the local user signed in on loopback), its page polling often."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone="Europe/Berlin",
        default_language="en",
        web_calendar_poll_seconds=0.3,
    )


async def _store(app: FastAPI, title: str, start: datetime, minutes: int = 60) -> None:
    """Stored through the calendar the assistant uses, not by the page."""
    services = app.state.services
    record = await services.front.desk.user(LOCAL_USER)
    calendar = services.runtime.assistant.calendars(record.id)
    await calendar.create_event(
        NewEvent(title, start, start + timedelta(minutes=minutes), BERLIN.key)
    )


def _on(page: Any, day: str, title: str) -> Any:
    return page.locator(f'td.fc-timegrid-col[data-date="{day}"] .fc-event:has-text("{title}")')


async def _starts(page: Any, title: str) -> list[str]:
    """The wall-clock starts the view shows for `title` (UTC-coerced in a named zone)."""
    found: list[str] = await page.evaluate(
        "(title) => window.assistantCalendar.getEvents().filter(e => e.title === title)"
        ".map(e => e.start.toISOString().slice(0, 16))",
        title,
    )
    return found


async def _move_and_undo(page: Any) -> None:
    """Click: the dialog shows the event; move it by the dialog; undo in the chat."""
    sync = _on(page, "2026-11-25", "Team sync")
    await sync.wait_for(timeout=15000)
    await sync.click()
    dialog = page.locator("#event-dialog")
    await dialog.wait_for(state="visible", timeout=5000)
    assert await page.locator("#event-dialog-title").inner_text() == "Team sync"
    assert "Europe/Berlin" in await dialog.locator(".event-facts").inner_text()
    await dialog.get_by_role("button", name="Move").click()
    await dialog.locator('input[name="date"]').fill("2026-11-27")
    await dialog.locator('input[name="time"]').fill("15:30")
    await dialog.get_by_role("button", name="Save").click()
    await _on(page, "2026-11-27", "Team sync").wait_for(timeout=15000)
    assert await _starts(page, "Team sync") == ["2026-11-27T15:30"]
    assert not await dialog.is_visible()
    assert "Team sync" in await page.locator("#log .msg.bot").last.inner_text()
    # Undo in the chat: back where it was.
    await page.fill("#text", "undo")
    await page.press("#text", "Enter")
    await _on(page, "2026-11-25", "Team sync").wait_for(timeout=15000)
    assert await _starts(page, "Team sync") == ["2026-11-25T10:00"]


async def _delete_marked_up(page: Any) -> None:
    """A title with markup is text in the dialog; delete asks in the chat, "yes" deletes."""
    dialog = page.locator("#event-dialog")
    await _on(page, "2026-11-26", "Dentist").click()
    await dialog.wait_for(state="visible", timeout=5000)
    assert await page.locator("#event-dialog-title").inner_text() == MARKED_UP
    assert await page.locator("#event-dialog b, #event-dialog img").count() == 0
    await dialog.get_by_role("button", name="Delete").click()
    question = page.locator("#log .msg.bot").last
    await question.locator(".buttons button").first.wait_for(timeout=15000)
    assert await _on(page, "2026-11-26", "Dentist").count() == 1
    await question.locator(".buttons button").first.click()
    await _on(page, "2026-11-26", "Dentist").wait_for(state="detached", timeout=15000)
    assert await page.title() == "Calendar assistant"


async def _phone(browser: Any, url: str, problems: list[str]) -> None:
    """On a phone-sized screen the dialog fits the screen."""
    phone = await browser.new_page(viewport={"width": 390, "height": 844})
    _watch(phone, problems)
    await phone.goto(url + "/")
    item = phone.locator('.fc-list-event:has-text("Team sync")')
    await item.wait_for(timeout=15000)
    await item.locator(".fc-list-event-title").click()
    shown = phone.locator("#event-dialog")
    await shown.wait_for(state="visible", timeout=5000)
    box = await shown.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 390


async def test_the_dialog_moves_undo_brings_it_back_and_delete_asks(
    served: tuple[str, FastAPI],
) -> None:
    url, app = served
    await _store(app, "Team sync", datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN))
    await _store(app, MARKED_UP, datetime(2026, 11, 26, 9, 0, tzinfo=BERLIN))
    async with chromium() as browser:
        problems: list[str] = []
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        _watch(page, problems)
        await page.goto(url + "/")
        await _move_and_undo(page)
        await _delete_marked_up(page)
        # Stored elsewhere (not by this page): shows without a reload, by the stamp.
        await _store(app, "Call from Telegram", datetime(2026, 11, 24, 16, 0, tzinfo=BERLIN))
        await _on(page, "2026-11-24", "Call from Telegram").wait_for(timeout=15000)
        assert problems == []
        await _phone(browser, url, problems)
        assert problems == []
