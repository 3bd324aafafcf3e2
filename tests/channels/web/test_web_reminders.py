"""Web chat reminders are kept in the database until the page fetches them: a restart loses
none, and two replicas polling the same database hand each out exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text

import web_session
from calendar_assistant.channels.web.chat import LOCAL_CHAT
from calendar_assistant.channels.web.outbox import WebOutbox, WebOutboxRow
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.reminders import ReminderRepository
from calendar_assistant.storage.users import UserRepository, UserSettings
from support import Clock


async def _emptied_postgres(url: str) -> str:
    database = await Database.open(url)
    try:
        async with database.transaction() as session:
            await session.execute(text("TRUNCATE users RESTART IDENTITY CASCADE"))
    finally:
        await database.close()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, then the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'web.sqlite3'}"
    return await _emptied_postgres(request.getfixturevalue("postgres_url"))


def _settings(tmp_path: Path, database_url: str, tz: ZoneInfo) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=database_url,
        default_timezone=tz.key,
        default_language="en",
        reminder_poll_seconds=0.05,
    )


@asynccontextmanager
async def _page_of(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app started (as uvicorn would) and a client standing for the page."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            await web_session.local(client)  # the local user of a laptop install
            yield client


async def _say(page: httpx.AsyncClient, message: str) -> str:
    response = await page.post("/api/chat", json={"text": message})
    assert response.status_code == 200
    return str(response.json()["replies"][0]["text"])


async def _fetch(page: httpx.AsyncClient) -> list[str]:
    response = await page.get("/api/chat/outbox")
    assert response.status_code == 200
    return [str(r["text"]) for r in response.json()["replies"]]


async def _fetch_until_some(page: httpx.AsyncClient) -> list[str]:
    for _ in range(100):
        if texts := await _fetch(page):
            return texts
        await asyncio.sleep(0.05)
    raise AssertionError("no reminder reached the page in 5 s")


async def _until_queued(app: FastAPI, count: int) -> None:
    """Wait until the scheduler has put `count` reminders in the outbox (none fetched)."""
    database: Database = app.state.services.runtime.database
    for _ in range(100):
        async with database.session() as session:
            queued = await session.scalar(select(func.count()).select_from(WebOutboxRow))
        if queued == count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the outbox never held {count} reminders")


async def test_a_reminder_due_while_the_server_was_down_reaches_the_page_once_with_a_note(
    tmp_path: Path, database_url: str, tz: ZoneInfo
) -> None:
    clock = Clock(datetime(2026, 11, 24, 14, 0, tzinfo=tz))
    settings = _settings(tmp_path, database_url, tz)
    async with _page_of(create_app(settings, clock=clock)) as page:
        assert "Stretch" in await _say(page, "Remind me today at 3pm to stretch")
    clock.now = datetime(2026, 11, 24, 15, 5, tzinfo=tz)  # the server was stopped at 15:00
    async with _page_of(create_app(settings, clock=clock)) as page:
        texts = await _fetch_until_some(page)
        await asyncio.sleep(0.3)  # several scheduler rounds: nothing more may come
        assert await _fetch(page) == []
    assert texts == [
        "⏰ Reminder: Stretch\n(Late: it was due 24 November, 15:00, while the server was down.)"
    ]
    async with _page_of(create_app(settings, clock=clock)) as page:  # and after one more start
        await asyncio.sleep(0.3)
        assert await _fetch(page) == []


async def test_a_reminder_waiting_for_the_page_survives_a_restart(
    tmp_path: Path, database_url: str, tz: ZoneInfo
) -> None:
    clock = Clock(datetime(2026, 11, 24, 14, 0, tzinfo=tz))
    settings = _settings(tmp_path, database_url, tz)
    app = create_app(settings, clock=clock)
    async with _page_of(app) as page:
        await _say(page, "Remind me today at 3pm to stretch")
        clock.now = datetime(2026, 11, 24, 15, 0, 1, tzinfo=tz)
        await _until_queued(app, 1)  # queued on time; the page does not poll before the stop
    clock.now += timedelta(minutes=10)
    async with _page_of(create_app(settings, clock=clock)) as page:
        assert await _fetch_until_some(page) == ["⏰ Reminder: Stretch"]  # on time: no note
        assert await _fetch(page) == []


async def test_across_the_dst_change_the_late_note_shows_local_time(
    tmp_path: Path, database_url: str
) -> None:
    """New York springs forward at 02:00 on 2027-03-14; a 1:30 reminder read at 3:10 EDT."""
    ny = ZoneInfo("America/New_York")
    clock = Clock(datetime(2027, 3, 13, 20, 0, tzinfo=ny))
    settings = _settings(tmp_path, database_url, ny)
    async with _page_of(create_app(settings, clock=clock)) as page:
        await _say(page, "Remind me tomorrow at 1:30am to check the backup")
    clock.now = datetime(2027, 3, 14, 3, 10, tzinfo=ny)  # 40 real minutes later
    async with _page_of(create_app(settings, clock=clock)) as page:
        texts = await _fetch_until_some(page)
    assert texts == [
        "⏰ Reminder: Check the backup\n"
        "(Late: it was due 14 March, 01:30, while the server was down.)"
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("tz", ["Europe/Berlin"], indirect=True)
async def test_two_replicas_on_postgresql_hand_out_each_reminder_once(
    tmp_path: Path, postgres_url: str, tz: ZoneInfo
) -> None:
    url = await _emptied_postgres(postgres_url)
    clock = Clock(datetime(2026, 11, 24, 14, 0, tzinfo=tz))
    # Rounds are run by the test (both at once, or one replica's alone), not by the timer.
    settings = _settings(tmp_path, url, tz).model_copy(update={"reminder_poll_seconds": 3600})
    first, second = create_app(settings, clock=clock), create_app(settings, clock=clock)
    async with _page_of(first) as page_a, _page_of(second) as page_b:
        await _say(page_a, "Remind me today at 3pm to stretch")
        database: Database = first.state.services.runtime.database
        user = await UserRepository(database).get("web:local")
        assert user is not None
        reminders = ReminderRepository(database)
        expected = {"⏰ Reminder: Stretch"}
        for n in range(60):
            due = clock.now + timedelta(hours=1, milliseconds=100 * n)  # 15:00:00 to 15:00:06
            await reminders.add(user.id, f"task {n}", due)
            expected.add(f"⏰ Reminder: task {n}")
        clock.now = datetime(2026, 11, 24, 15, 0, 30, tzinfo=tz)
        schedulers = [app.state.services.scheduler for app in (first, second)]
        assert sum(await asyncio.gather(*(s.run_once() for s in schedulers))) == 61
        fetched: list[str] = []
        for _ in range(10):
            # The page polls both replicas at once, as it might behind a load balancer.
            pages = (page_a, page_b, page_a, page_b)
            for texts in await asyncio.gather(*(_fetch(p) for p in pages)):
                fetched.extend(texts)
        assert len(fetched) == len(expected)
        assert set(fetched) == expected
        # A reminder the first replica queued reaches a page that polls only the second.
        await _say(page_b, "Remind me today at 3:10pm to drink water")
        clock.now = datetime(2026, 11, 24, 15, 10, 1, tzinfo=tz)
        assert await schedulers[0].run_once() == 1
        assert await _fetch(page_b) == ["⏰ Reminder: Drink water"]
        assert await _fetch(page_a) == []


async def test_concurrent_fetches_through_two_handles_take_each_row_once(
    database_url: str,
) -> None:
    """Two database handles (two replicas, or two processes on one SQLite file) fetching at
    once with a small page size: every queued reminder comes out exactly once."""
    first = await Database.open(database_url)
    second = await Database.open(database_url)
    try:
        now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
        user = await UserRepository(first).get_or_create("web:local", None, UserSettings())
        async with first.transaction() as session:
            for n in range(120):
                await WebOutbox(first).keep(
                    session,
                    reminder_id=n + 1,
                    user_id=user.id,
                    chat_id=LOCAL_CHAT,
                    text=f"r{n}",
                    due=now,
                    now=now,
                )
        outboxes = [WebOutbox(db) for db in (first, second, first, second)]
        fetched: list[str] = []
        for _ in range(10):
            rounds = await asyncio.gather(*(o.take(LOCAL_CHAT, now, limit=7) for o in outboxes))
            fetched.extend(f.text for taken in rounds for f in taken)
        assert sorted(fetched) == sorted(f"r{n}" for n in range(120))
        assert await WebOutbox(first).take(LOCAL_CHAT, now) == []
    finally:
        await first.close()
        await second.close()


async def test_a_reminder_left_unread_for_over_a_day_is_dropped(database_url: str) -> None:
    database = await Database.open(database_url)
    try:
        due = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        user = await UserRepository(database).get_or_create("web:local", None, UserSettings())
        outbox = WebOutbox(database)
        async with database.transaction() as session:
            for n, text_ in enumerate(("old", "fresh")):
                await outbox.keep(
                    session,
                    reminder_id=n + 1,
                    user_id=user.id,
                    chat_id=LOCAL_CHAT,
                    text=text_,
                    due=due + timedelta(hours=2 * n),
                    now=due,
                )
        later = due + timedelta(days=1, hours=1)
        assert [f.text for f in await outbox.take(LOCAL_CHAT, later)] == ["fresh"]
        assert await outbox.take(LOCAL_CHAT, later) == []
        with pytest.raises(ValueError, match="timezone-aware"):
            await outbox.take(LOCAL_CHAT, later.replace(tzinfo=None))
    finally:
        await database.close()


async def test_forget_drops_the_reminders_waiting_for_the_page(
    tmp_path: Path, database_url: str, tz: ZoneInfo
) -> None:
    clock = Clock(datetime(2026, 11, 24, 14, 0, tzinfo=tz))
    app = create_app(_settings(tmp_path, database_url, tz), clock=clock)
    async with _page_of(app) as page:
        await _say(page, "Remind me today at 3pm to stretch")
        clock.now = datetime(2026, 11, 24, 15, 0, 1, tzinfo=tz)
        await _until_queued(app, 1)
        asked = await page.post("/api/chat", json={"text": "/forget"})
        buttons = [b for row in asked.json()["replies"][0]["buttons"] for b in row]
        yes = next(b["payload"] for b in buttons if b["label"].startswith(("Да", "Yes")))
        response = await page.post("/api/chat", json={"button": yes})
        assert response.status_code == 200
        await _until_queued(app, 0)
        assert (await page.get("/api/chat/outbox")).status_code == 401  # the user is gone
        await web_session.local(page)
        assert await _fetch(page) == []
