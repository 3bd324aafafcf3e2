"""Error tracking end to end: the real sentry-sdk inside the running server sends real
envelopes to a fake ingest on a loopback port, scrubbed of what users wrote and own."""

from __future__ import annotations

import asyncio
import io
import json
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import sentry_sdk
import structlog
from fastapi import FastAPI

import web_session
from calendar_assistant.channels.web.sessions import COOKIE
from calendar_assistant.config import Settings
from calendar_assistant.logging_setup import configure_logging
from calendar_assistant.observability.error_tracking import (
    opaque_user_id,
    scrub_text,
    start_error_tracking,
)
from calendar_assistant.runtime import error_tracking_config, logging_config
from calendar_assistant.server import create_app
from fakes.sentry import FakeSentry
from fakes.telegram import TOKEN, FakeTelegram
from support import NOW, says

RELEASE = "calendar-assistant@9.9.9-test"
SALT = "pepper-for-tests"
ASKED = "Запланируй встречу с командой завтра в 10:00"


@pytest.fixture
def ingest() -> Iterator[FakeSentry]:
    with FakeSentry() as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def settings_for(tmp_path: Path, ingest: FakeSentry, telegram: FakeTelegram) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'calendar.sqlite3'}",
        telegram_bot_token=TOKEN,
        telegram_api_base_url=telegram.base_url,
        sentry_dsn=ingest.dsn,
        sentry_environment="staging",
        sentry_release=RELEASE,
        sentry_user_salt=SALT,
    )


def refuse_new_events(database_file: Path) -> None:
    """A hand-made trigger writes to a table since dropped, as a botched manual change
    would: every new event fails, and the error SQLAlchemy raises carries the INSERT's
    parameters (the event's title)."""
    with sqlite3.connect(database_file, timeout=30) as connection:
        connection.execute("CREATE TABLE audit (id INTEGER)")
        connection.execute(
            "CREATE TRIGGER audited AFTER INSERT ON events BEGIN INSERT INTO audit VALUES (1); END"
        )
        connection.execute("DROP TABLE audit")


@pytest.fixture
async def app(tmp_path: Path, ingest: FakeSentry, telegram: FakeTelegram) -> AsyncIterator[FastAPI]:
    settings = settings_for(tmp_path, ingest, telegram)
    # as `calendar-assistant serve` does
    configure_logging(logging_config(settings), stream=io.StringIO())
    server = create_app(settings, clock=lambda: NOW)
    async with server.router.lifespan_context(server):
        await server.state.services.telegram.ready.wait()
        # In a thread: the server's inbox worker may be inside a write on this file, and it
        # needs this event loop to finish it.
        await asyncio.to_thread(refuse_new_events, tmp_path / "calendar.sqlite3")
        yield server
    assert not sentry_sdk.get_client().is_active()  # shutdown detached the SDK
    structlog.reset_defaults()


async def apology(telegram: FakeTelegram, chat: int, count: int = 1) -> str:
    await telegram.until(lambda: len(telegram.texts_to(chat)) >= count, what="the reply")
    return telegram.texts_to(chat)[count - 1]


async def test_a_failing_message_arrives_scrubbed_with_release_and_environment(
    app: FastAPI, ingest: FakeSentry, telegram: FakeTelegram
) -> None:
    telegram.send_text(7, ASKED)
    assert says(await apology(telegram, 7), "ru", "problem.backend_failed")
    [event] = ingest.wait_for_events(1)
    assert event["release"] == RELEASE
    assert event["environment"] == "staging"
    assert event["tags"]["channel"] == "telegram"
    assert event["user"] == {"id": opaque_user_id("telegram:7", SALT.encode())}
    assert event["tags"]["log_event"] == "storage_error"
    chain = {value["type"]: value for value in event["exception"]["values"]}
    assert set(chain) == {"StorageError", "OperationalError"}
    cause = chain["OperationalError"]["value"]
    assert "INSERT INTO events" in cause  # the statement stays: it helps debugging
    assert "[parameters: redacted]" in cause  # its values (the title, the text) go
    raw = json.dumps(event, ensure_ascii=False)
    assert not re.search(r"(?i)встреч|команд", raw), "message text or event title leaked"
    assert TOKEN not in raw
    assert TOKEN.split(":")[1] not in raw
    urls = [c.get("data", {}).get("url", "") for c in event["breadcrumbs"]["values"]]
    # Bot API calls seen in this scope (the inbox worker's own task may have made none) are
    # masked; the token itself is nowhere (above).
    assert all("/bot[redacted]/" in url for url in urls if "/bot" in url)
    frames = [f for v in chain.values() for f in v["stacktrace"]["frames"]]
    assert frames
    assert all("vars" not in frame for frame in frames)


async def test_a_hanging_ingest_does_not_hold_replies(
    app: FastAPI, ingest: FakeSentry, telegram: FakeTelegram
) -> None:
    ingest.hold()
    telegram.send_text(8, ASKED)
    await apology(telegram, 8)
    await telegram.until(lambda: ingest.arrived >= 1, what="the SDK's first send")
    telegram.send_text(9, ASKED)
    telegram.send_text(8, "Что у меня завтра?")
    await apology(telegram, 9)
    await apology(telegram, 8, count=2)
    # Both apologies went out while the ingest still sat on the first report.
    assert ingest.envelopes == []
    ingest.release()
    assert len(ingest.wait_for_events(2)) == 2


def test_without_a_dsn_nothing_starts(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    tracking = start_error_tracking(error_tracking_config(settings))
    assert not tracking.enabled
    assert not sentry_sdk.get_client().is_active()
    tracking.close()


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("no event 'Dentist at 5'", "Dentist"),
        ('KeyError: "Встреча с Анной"', "Анной"),
        (
            "GET https://api.telegram.org/bot123456789:AAH4x_Bq9sdf7SDFsdf7sdfSDF8sdfsdfA/getMe",
            "AAH4x",
        ),
        ("Authorization: Bearer ya29.a0AfH6SMBx-secret", "ya29"),
        ("[SQL: INSERT INTO events (title) VALUES (?)]\n[parameters: ('Обед',)]", "Обед"),
    ],
)
def test_scrubbing_cuts_what_users_wrote_and_tokens(text: str, gone: str) -> None:
    assert gone not in scrub_text(text)


def test_the_user_id_is_keyed_not_a_plain_hash() -> None:
    one = opaque_user_id("telegram:7", b"a")
    assert one == opaque_user_id("telegram:7", b"a")
    assert one != opaque_user_id("telegram:7", b"b")
    assert len(one) == 32


async def test_an_exception_escaping_a_route_arrives_without_the_request_s_secrets(
    tmp_path: Path, ingest: FakeSentry
) -> None:
    """The FastAPI integration's own capture: the query string, cookies and authorization
    stay behind."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'calendar.sqlite3'}",
        sentry_dsn=ingest.dsn,
        sentry_release=RELEASE,
    )
    server = create_app(settings, clock=lambda: NOW)
    async with server.router.lifespan_context(server):
        with sqlite3.connect(tmp_path / "calendar.sqlite3") as connection:
            connection.execute("ALTER TABLE web_outbox RENAME TO web_outbox_lost")
        transport = httpx.ASGITransport(app=server, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            await web_session.local(http)  # the local user of a laptop install
            session = http.cookies[COOKIE]
            http.cookies.clear()
            answer = await http.get(
                "/api/chat/outbox?session=s3cr3t-query",
                headers={
                    "Authorization": "Bearer abc.def.ghi",
                    "Cookie": f"sid=cookie-value; {COOKIE}={session}",
                },
            )
        assert answer.status_code == 500
        [event] = ingest.wait_for_events(1)
    assert event["release"] == RELEASE
    assert event["exception"]["values"][-1]["mechanism"]["handled"] is False
    assert event["request"]["url"] == "http://127.0.0.1/api/chat/outbox"
    assert event["request"]["method"] == "GET"
    raw = json.dumps(event)
    for secret in ("s3cr3t-query", "abc.def.ghi", "cookie-value", session):
        assert secret not in raw
