"""docs/deploy.md's backup and restore, done for real on the local PostgreSQL: the app
writes users, events and reminders; pg_dump saves them; the schema is wiped; pg_restore
brings back every row and sequence, and the app answers from the restored data."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from support import NOW

pytestmark = pytest.mark.postgres

ADMIN_URL = os.environ.get(
    "CALENDAR_ASSISTANT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def libpq_url(postgres_admin: Callable[[str], None]) -> Iterator[str]:
    """A database of this test's own (`ops_backup_...`), as a plain libpq URL."""
    name = f"ops_backup_{uuid.uuid4().hex[:10]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_URL).set(drivername="postgresql", database=name)
    yield url.render_as_string(hide_password=False)
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def chat_factory(libpq_url: str, tmp_path: Path) -> Callable[[], httpx.AsyncClient]:
    """Clients of a fresh app on that database; the test runs each app's lifespan."""

    def settings() -> Settings:
        return Settings(_env_file=None, data_dir=tmp_path, database_url=libpq_url)  # type: ignore[call-arg]

    def client() -> httpx.AsyncClient:
        app = create_app(settings(), clock=lambda: NOW)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
        )
        http.app = app  # type: ignore[attr-defined]
        return http

    return client


async def say(http: httpx.AsyncClient, text: str) -> str:
    if web_session.CSRF not in http.headers:  # the local user of a laptop install
        await web_session.local(http)
    answer = await http.post("/api/chat", json={"text": text})
    assert answer.status_code == 200, answer.text
    return str(answer.json())


async def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Per table: row count and an md5 of every row; per sequence: its last value."""
    connection = await asyncpg.connect(url)
    try:
        found: dict[str, tuple[int, str]] = {}
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        for (table,) in tables:
            count, digest = await connection.fetchrow(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{table}" t'
            )
            found[table] = (count, digest)
        sequences = await connection.fetch(
            "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences "
            "WHERE schemaname = 'public'"
        )
        for name, value in sequences:
            found[f"sequence {name}"] = (value, "")
        return found
    finally:
        await connection.close()


async def wipe(url: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


async def test_dump_wipe_restore_loses_nothing(
    libpq_url: str, chat_factory: Callable[[], httpx.AsyncClient], tmp_path: Path
) -> None:
    async with chat_factory() as http:
        app = http.app  # type: ignore[attr-defined]
        async with app.router.lifespan_context(app):
            assert "10:00" in await say(http, "Запланируй встречу с командой завтра в 10")
            await say(http, "Напомни позвонить в банк в пятницу в 12")
            await say(http, "Create lunch with Anna on Thursday at 13:30 for 90 minutes")
    before = await fingerprint(libpq_url)
    assert before["events"][0] >= 2
    assert before["users"][0] >= 1
    assert before["reminders"][0] >= 1

    dump = tmp_path / "assistant.dump"
    run("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), libpq_url)
    await wipe(libpq_url)
    assert await fingerprint(libpq_url) == {}
    run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq_url, str(dump))

    assert await fingerprint(libpq_url) == before
    async with chat_factory() as http:
        app = http.app  # type: ignore[attr-defined]
        async with app.router.lifespan_context(app):
            assert (await http.get("/readyz")).status_code == 200
            week = await say(http, "Что у меня на этой неделе?")
            assert "Встреча с командой" in week
