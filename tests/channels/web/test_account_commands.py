"""The account commands through the web chat (the same desk serves Telegram)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from support import says


@pytest.fixture
async def http(tmp_path: Path, tz: ZoneInfo) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone=tz.key,
    )
    # Saturday before the spring DST change of Berlin (03-28) / after New York's (03-14).
    app: FastAPI = create_app(settings, clock=lambda: datetime(2027, 3, 27, 12, 0, tzinfo=tz))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            await web_session.local(client)  # the local user of a laptop install
            yield client


#: The buttons of the last reply, by label (a press sends the payload the page was given).
_shown: dict[str, str] = {}


async def say(http: httpx.AsyncClient, text: str = "", button: str | None = None) -> list[str]:
    body: dict[str, str] = {"text": text}
    if button is not None:
        body["button"] = button
    replies = (await http.post("/api/chat", json=body)).json()["replies"]
    _shown.clear()
    _shown.update({b["label"]: b["payload"] for r in replies for row in r["buttons"] for b in row})
    return [r["text"] for r in replies]


async def press(http: httpx.AsyncClient, label: str) -> list[str]:
    """Press the button of the last reply whose label starts with `label`."""
    payload = next(p for shown, p in _shown.items() if shown.startswith(label))
    return await say(http, button=payload)


async def test_start_asks_for_the_zone_and_keeps_asking_politely(
    http: httpx.AsyncClient, tz: ZoneInfo
) -> None:
    greeting = await say(http, "/start")
    assert tz.key in greeting[0]
    assert says(greeting[0], "ru", "account.hello_keep_calendar_write")
    assert says((await say(http, "Атлантида"))[0], "ru", "account.do_not_know_that")
    # A real request is not swallowed by the question: it goes to the assistant.
    created = await say(http, "Запланируй встречу с командой завтра в 10:00")
    assert "Встреча с командой" in created[0]


async def test_keep_zone_button(http: httpx.AsyncClient, tz: ZoneInfo) -> None:
    await say(http, "/start")
    kept = await press(http, "Оставить")
    assert says(kept[0], "ru", "account.time_zone_zone_key")
    assert tz.key in kept[0]


async def test_settings_show_and_change(http: httpx.AsyncClient) -> None:
    shown = await say(http, "/settings")
    assert "Рабочие часы: 09:00–18:00, пн, вт, ср, чт, пт" in shown[0]
    english = await say(http, "/settings language en")
    assert english[0].startswith("Your settings:")
    assert "Default duration: 60 min" in english[0]
    changed = await say(http, "/settings zone Tokyo")
    assert "Asia/Tokyo (UTC+09:00)" in changed[0]
    assert "Default reminder: 15 min before" in (await say(http, "/settings reminder 15"))[0]
    assert "Default reminder: none" in (await say(http, "/settings reminder off"))[0]
    assert "Default duration: 30 min" in (await say(http, "/settings duration 30"))[0]
    refused = await say(http, "/settings duration 0")
    assert refused[0].startswith("Not possible:")
    assert says((await say(http, "/settings hours late"))[0], "en", "account.could_not_read_that")
    assert "Change:" in (await say(http, "/settings colour blue"))[0]


async def test_the_zone_offset_follows_dst(http: httpx.AsyncClient, tz: ZoneInfo) -> None:
    shown = await say(http, "/settings")
    offset = "UTC+01:00" if tz.key == "Europe/Berlin" else "UTC-04:00"
    assert f"{tz.key} ({offset})" in shown[0]


async def test_information_commands_and_unknown_ones(http: httpx.AsyncClient) -> None:
    assert says((await say(http, "/connect"))[0], "ru", "connect.local_calendar_connected_working")
    assert "/forget" in (await say(http, "/privacy"))[0]
    assert says((await say(http, "/dance"))[0], "ru", "account.do_not_know_command", name="dance")
    assert (await say(http, "/help"))[0]


async def test_forget_can_be_declined(http: httpx.AsyncClient) -> None:
    await say(http, "Запланируй встречу с командой завтра в 10:00")
    asked = await say(http, "/forget")
    assert says(asked[0], "ru", "account.delete_all_data_events")
    assert says((await press(http, "Нет"))[0], "ru", "account.all_right_nothing_deleted")
    assert "Встреча с командой" in (await say(http, "/week"))[0]
    await say(http, "/forget")
    assert says((await press(http, "Да, удалить всё"))[0], "ru", "account.done_all_data_deleted")
    # The user is gone, and with them the session: signing in again starts afresh.
    assert (await http.post("/api/chat", json={"text": "/week"})).status_code == 401
    await web_session.local(http)
    assert "Встреча с командой" not in (await say(http, "/week"))[0]


async def test_the_date_order_is_a_setting_that_overrides_the_zone(
    http: httpx.AsyncClient,
) -> None:
    """3/4 is March 4 for a user in New York and 3 April in Moscow, unless the user says
    otherwise with /settings dates; the reply shows which way dates are read."""
    await say(http, "/settings language en")
    shown = await say(http, "/settings zone New York")
    assert "Dates: 3/4 is March 4 (from your zone)" in shown[0]
    us = await say(http, "Dentist 3/4 at 10am")
    assert "Mar 4" in us[0], us
    await say(http, "undo")
    chosen = await say(http, "/settings dates day")
    assert "Dates: 3/4 is 3 April\n" in chosen[0]
    assert "Apr 3" in (await say(http, "Dentist 3/4 at 10am"))[0]
    await say(http, "undo")
    await say(http, "/settings dates auto")
    await say(http, "/settings language ru")
    russian = await say(http, "/settings пояс Москва")
    assert "Даты: 3/4 — 3 апреля (по поясу)" in russian[0]
    assert "3 апреля" in (await say(http, "Стоматолог 3/4 в 10"))[0]
    await say(http, "Отмени последнее")
    assert "3/4 — 4 марта\n" in (await say(http, "/settings даты месяц"))[0]
    assert "4 марта" in (await say(http, "Стоматолог 3/4 в 10"))[0]
    assert says(
        (await say(http, "/settings даты как-нибудь"))[0], "ru", "account.could_not_read_that"
    )
