"""Shared fixtures: a pinned clock (and a movable one), zones with and without DST, the fake
Telegram Bot API, and real databases.

The values behind them (and a movable clock, users) are in support.py, for modules too.

`database` runs a test on a SQLite file and on PostgreSQL. The PostgreSQL server is the one at
`CALENDAR_ASSISTANT_TEST_POSTGRES_URL` (default: postgres on 127.0.0.1:5432); each test
session creates a fresh, uniquely named database there and drops it afterwards. When the
server cannot be reached the PostgreSQL cases are skipped with the reason, except when the
environment variable CI is "true": then they fail, because CI must run them.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from calendar_assistant.storage.database import Database
from fakes.telegram import FakeTelegram
from support import BERLIN, MOSCOW, NEW_YORK, NOW, Clock

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"

# Outside services a developer may have configured in their shell: the suite must never reach
# them (tests point the real client libraries at fake servers on loopback instead).
_OUTSIDE_SERVICE_VARIABLES = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_API_BASE_URL",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
    "DATABASE_URL",
    "REDIS_URL",
    "DIALOGUE_STORE",  # redis without REDIS_URL would refuse to load the settings
)


def pytest_configure(config: pytest.Config) -> None:
    """Drop outside-service settings from the environment before any test or subprocess."""
    for name in _OUTSIDE_SERVICE_VARIABLES:
        os.environ.pop(name, None)


#: What makes a test slow, for `make check` (which runs `-m "not slow"`; `make test` runs all):
#: PostgreSQL and benchmarks by marker, a real server process, a browser or Whisper by the
#: fixture that starts it (or a virtualenv), and the files and tests that start processes
#: themselves (servers, the command line) or train the intent model.
SLOW_MARKERS = frozenset({"postgres", "benchmark"})
SLOW_FIXTURES = frozenset(
    {
        "postgres_url",
        "postgres_admin",
        "real_server",  # security/: the server in its own process
        "served",  # channels/web: headless chromium
        "whisper_base_folder",  # speech/: the Whisper model
        "whisper",
        "voice",
        "core_venv",  # test_packaging: a fresh virtualenv with the core
    }
)
SLOW_FILES = frozenset(
    {
        "channels/telegram/test_inbox_durability.py",
        "channels/telegram/test_inbox_replicas.py",
        "channels/telegram/test_postgres_restart.py",
        "ops/test_backup_restore.py",
        "test_cli.py",  # a `calendar-assistant` process per test
        "speech/test_command_line.py",  # the same, for transcribe and serve
    }
)
SLOW_TESTS = frozenset(
    {
        # trains the intent model again (minutes)
        "understanding/test_intent_model_current.py::test_retraining_reproduces_the_committed_model",
        "storage/test_migration_history.py::test_the_migrate_command",  # migrate processes
        "test_runtime.py::test_importing_connects_to_nothing",  # a fresh interpreter
    }
)
_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests `slow` (see SLOW_MARKERS, SLOW_FIXTURES, SLOW_FILES, SLOW_TESTS)."""
    for item in items:
        markers = {marker.name for marker in item.iter_markers()}
        fixtures = set(getattr(item, "fixturenames", ()))
        where = item.path.relative_to(_TESTS).as_posix() if item.path.is_relative_to(_TESTS) else ""
        test = f"{where}::{item.name.split('[')[0]}"
        if (
            markers & SLOW_MARKERS
            or fixtures & SLOW_FIXTURES
            or where in SLOW_FILES
            or test in SLOW_TESTS
        ):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def moscow() -> ZoneInfo:
    return MOSCOW


@pytest.fixture
def berlin() -> ZoneInfo:
    return BERLIN


@pytest.fixture
def new_york() -> ZoneInfo:
    return NEW_YORK


@pytest.fixture(params=["Europe/Berlin", "America/New_York"])
def tz(request: pytest.FixtureRequest) -> ZoneInfo:
    """Two zones with DST (changes on 2027-03-28 and 2027-03-14): run a test in both."""
    return ZoneInfo(request.param)


@pytest.fixture
def now(moscow: ZoneInfo) -> datetime:
    """The pinned clock of SPEC.md's examples: Tuesday 2026-11-24 14:00 Moscow time."""
    return NOW.astimezone(moscow)


@pytest.fixture
def clock(now: datetime) -> Clock:
    """The server's clock, starting at `now`: a test moves it instead of waiting."""
    return Clock(now)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """The fake Telegram Bot API on a loopback port (fakes/telegram.py)."""
    with FakeTelegram() as server:
        yield server


def _admin_url() -> str:
    return os.environ.get("CALENDAR_ASSISTANT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _unreachable(reason: str) -> None:
    message = f"PostgreSQL at {make_url(_admin_url()).render_as_string()} unreachable: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI must run the PostgreSQL tests)")
    pytest.skip(message)


def _admin(statement: str) -> None:
    """Run one statement on the server's admin database (in a thread: a loop may be running)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _admin_async(statement)).result()


async def _admin_async(statement: str) -> None:
    import asyncpg

    url = make_url(_admin_url())
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
        timeout=5,
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"calendar_assistant_test_{uuid.uuid4().hex[:12]}"
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except (OSError, TimeoutError, ImportError) as error:
        _unreachable(str(error) or type(error).__name__)
    except Exception as error:
        _unreachable(f"{type(error).__name__}: {error}")
    url = make_url(_admin_url()).set(database=name)
    yield url.render_as_string(hide_password=False)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_admin(postgres_url: str) -> Callable[[str], None]:
    """Run one statement on the server's admin database (e.g. CREATE DATABASE)."""
    return _admin


@pytest.fixture
def own_database(postgres_url: str, postgres_admin: Callable[[str], None]) -> Iterator[str]:
    """A PostgreSQL database of this test's own (`own_<random>`), dropped at the end: for
    server processes that must start on an empty one, or a server that is taken away."""
    name = f"own_{uuid.uuid4().hex[:12]}"
    postgres_admin(f'CREATE DATABASE "{name}"')
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'calendar.sqlite3'}"


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An opened, migrated, empty database: a SQLite file, then PostgreSQL.

    The PostgreSQL database lives for the whole session; every table but Alembic's is emptied
    before each test.
    """
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'calendar.sqlite3'}"
        db = await Database.open(url)
    else:
        url = request.getfixturevalue("postgres_url")
        db = await Database.open(url)
        async with db.transaction() as session:
            tables = await session.scalars(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
                )
            )
            names = ", ".join(tables)
            if names:
                await session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    try:
        yield db
    finally:
        await db.close()
