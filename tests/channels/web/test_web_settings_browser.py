"""The settings panel in headless Chromium under the app's real Content-Security-Policy:
the local user of a laptop install opens it, changes the zone and the working hours, saves,
and the calendar view beside the chat follows; a refused value shows the server's line; on
a phone-sized screen the panel fits and a change of language turns the panel Russian. With
connected calendars switched on, a real Radicale is connected and disconnected from it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from calendar_assistant.calendars.accounts.credentials import generate_key
from calendar_assistant.config import Settings
from calendar_assistant.domain.events import NewEvent
from calendars.caldav.conftest import LOOPBACK_ALLOWED, PASSWORDS, RadicaleServer
from calendars.caldav.conftest import radicale as radicale  # the real server fixture
from channels.web.test_web_calendar_browser import _store, _watch
from channels.web.test_web_calendar_browser import language as language  # the fixture
from support import BERLIN
from web_browser import chromium


@pytest.fixture
def keyed() -> bool:
    """Whether connected calendars are on (CREDENTIALS_KEYS, loopback CalDAV allowed)."""
    return False


@pytest.fixture
def settings(tmp_path: Path, language: str, keyed: bool) -> Settings:
    extra: dict[str, Any] = {"credentials_keys": generate_key(), **LOOPBACK_ALLOWED}
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone="Europe/Berlin",
        default_language=language,
        **(extra if keyed else {}),
    )


async def _open(page: Any) -> Any:
    await page.click("#settings-open")
    dialog = page.locator("#settings-dialog")
    await dialog.locator("select[name=timezone]").wait_for(timeout=15000)
    return dialog


async def _save(dialog: Any) -> str:
    status = dialog.locator("#settings-status")
    await dialog.locator(".settings-form button[type=submit]").first.click()
    await dialog.page.wait_for_function(
        "() => { const s = document.getElementById('settings-status');"
        " return s && s.textContent && !s.textContent.endsWith('…'); }",
        timeout=15000,
    )
    text: str = await status.inner_text()
    return text


async def _desktop(browser: Any, url: str, problems: list[str]) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    _watch(page, problems)
    await page.goto(url + "/")
    await page.locator(".fc-timeGridWeek-view").wait_for(timeout=15000)
    dialog = await _open(page)
    assert await dialog.is_visible()
    assert await dialog.locator("select[name=timezone]").input_value() == "Europe/Berlin"

    await dialog.locator("select[name=timezone]").select_option("America/New_York")
    await dialog.locator("input[name=hours-start]").fill("07:30")
    await dialog.locator("input[name=hours-end]").fill("15:00")
    assert await _save(dialog) == "Saved."
    # The view follows at once: its zone, and the working hours it shades.
    await page.wait_for_function(
        "() => window.assistantCalendar.getOption('timeZone') === 'America/New_York'"
        " && JSON.stringify(window.assistantCalendar.getOption('businessHours'))"
        ".includes('07:30')",
        timeout=15000,
    )
    # 09:00 in Berlin is 03:00 in New York.
    await page.wait_for_function(
        "() => window.assistantCalendar.getEvents()"
        ".some(e => e.title === 'Dentist' && e.start.getUTCHours() === 3)",
        timeout=15000,
    )

    # A value the rules refuse: the server's line, and nothing saved.
    await dialog.locator("input[name=hours-end]").fill("07:30")
    refused = await _save(dialog)
    assert refused == "working hours must not start and end at the same time"
    assert "settings-error" in (await dialog.locator("#settings-status").get_attribute("class"))
    await page.keyboard.press("Escape")
    assert not await dialog.is_visible()

    # The chat sees what the panel saved.
    await page.fill("#text", "/settings")
    await page.press("#text", "Enter")
    reply = page.locator(".msg.bot").first
    await reply.wait_for(timeout=15000)
    shown = await reply.inner_text()
    assert "Time zone: America/New_York" in shown
    assert "Working hours: 07:30–15:00" in shown
    assert problems == []
    await page.close()


async def _phone(browser: Any, url: str, problems: list[str]) -> None:
    phone = await browser.new_page(viewport={"width": 390, "height": 844})
    _watch(phone, problems)
    await phone.goto(url + "/")
    await phone.locator(".fc-listWeek-view").wait_for(timeout=15000)
    dialog = await _open(phone)
    box = await dialog.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    fits = await phone.evaluate(
        "(() => { const d = document.getElementById('settings-dialog');"
        " return d.scrollWidth <= d.clientWidth; })()"
    )
    assert fits, "the settings panel is wider than the phone's screen"
    await dialog.locator("select[name=timezone]").select_option("Asia/Tokyo")
    await dialog.locator("select").first.select_option("ru")
    assert await _save(dialog) == "Сохранено."
    assert await dialog.locator("h2").inner_text() == "Настройки"
    assert await phone.locator("#settings-open").inner_text() == "Настройки"
    await phone.wait_for_function(
        "() => window.assistantCalendar.getOption('timeZone') === 'Asia/Tokyo'"
        " && window.assistantCalendar.getOption('locale') === 'ru'",
        timeout=15000,
    )
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []


async def test_the_settings_panel_changes_and_the_view_follows(
    served: tuple[str, FastAPI],
) -> None:
    url, app = served
    dentist = datetime(2026, 11, 26, 9, 0, tzinfo=BERLIN)
    await _store(app, NewEvent("Dentist", dentist, dentist + timedelta(hours=1), BERLIN.key))
    async with chromium() as browser:
        problems: list[str] = []
        await _desktop(browser, url, problems)
        await _phone(browser, url, problems)


@pytest.mark.parametrize("keyed", [True])
async def test_a_caldav_calendar_is_connected_and_disconnected_from_the_panel(
    served: tuple[str, FastAPI], radicale: RadicaleServer
) -> None:
    url, _ = served
    radicale.fresh_account("alice")
    async with chromium() as browser:
        problems: list[str] = []
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        _watch(page, problems)
        await page.goto(url + "/")
        dialog = await _open(page)
        forms = dialog.locator(".settings-form")
        await forms.nth(1).locator("select").select_option("other")
        await dialog.locator("input[name=server]").fill(radicale.url)
        await dialog.locator("input[name=username]").fill("alice")
        status = dialog.locator("#settings-status")

        await dialog.locator("input[name=password]").fill("not-the-password")
        await forms.nth(1).locator("button[type=submit]").click()
        await page.wait_for_function(
            "() => document.getElementById('settings-status').textContent"
            ".startsWith('The server refused')",
            timeout=15000,
        )
        assert await dialog.locator("input[name=password]").input_value() == ""

        await dialog.locator("input[name=password]").fill(PASSWORDS["alice"])
        await forms.nth(1).locator("button[type=submit]").click()
        calendars = dialog.locator(".settings-calendars li")
        await page.wait_for_function(
            "() => document.querySelectorAll('.settings-calendars li').length === 2",
            timeout=15000,
        )
        assert (await status.inner_text()).startswith("Connected: alice at 127.0.0.1.")
        assert "CalDAV: alice @ 127.0.0.1" in await calendars.nth(1).inner_text()

        off = calendars.nth(1).locator("button")
        await off.click()  # the first press asks
        assert await off.inner_text() == "Yes, disconnect"
        assert await calendars.count() == 2
        await off.click()
        await page.wait_for_function(
            "() => document.querySelectorAll('.settings-calendars li').length === 1",
            timeout=15000,
        )
        assert (await status.inner_text()).startswith("Disconnected: CalDAV: alice")
        assert problems == []
