"""The composition root: opens the real database, wires the assistant, closes everything."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from calendar_assistant.config import Settings
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import open_runtime
from calendar_assistant.storage.errors import StorageError
from support import BERLIN


def _settings(folder: Path, **values: object) -> Settings:
    return Settings(**{"data_dir": folder, "database_url": None, **values})  # type: ignore[arg-type]


async def test_open_handle_and_close(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "data", default_timezone="Europe/Berlin")
    now = datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN)  # the day before the clocks change
    async with open_runtime(settings) as runtime:
        user = await runtime.user("test:rt", display_name="rt")
        assert user.settings.timezone == "Europe/Berlin"
        replies = await runtime.assistant.handle(
            UserRef(user.key), Inbound(text="Запланируй встречу с командой завтра в 10:00"), now
        )
        assert replies
        assert any("Встреча с командой" in reply.text for reply in replies)
        [event] = await runtime.calendar(user.id).list_events(now, now + timedelta(days=2))
        assert event.start == datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)
        assert event.start.utcoffset() == timedelta(hours=2)
        engine = runtime.database.engine
    assert (tmp_path / "data" / "calendar.sqlite3").is_file()
    assert engine.pool.checkedout() == 0

    async with open_runtime(settings) as again:  # the data outlives the runtime
        user = await again.user("test:rt")
        events = await again.calendar(user.id).list_events(now, now + timedelta(days=2))
        assert [e.title for e in events] == ["Встреча с командой"]


async def test_user_zone_and_language_given_are_saved(tmp_path: Path) -> None:
    async with open_runtime(_settings(tmp_path)) as runtime:
        first = await runtime.user("test:ny")
        assert first.settings.timezone == "Europe/Moscow"
        changed = await runtime.user("test:ny", timezone=ZoneInfo("America/New_York"), lang="en")
        assert (changed.settings.timezone, changed.settings.language) == ("America/New_York", "en")
        assert changed.id == first.id
        again = await runtime.user("test:ny")
        assert again.settings.timezone == "America/New_York"


async def test_each_user_gets_their_own_calendar(tmp_path: Path) -> None:
    start = datetime(2027, 3, 14, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    async with open_runtime(_settings(tmp_path)) as runtime:
        a = await runtime.user("test:a")
        b = await runtime.user("test:b")
        await runtime.calendar(a.id).create_event(
            NewEvent("Mine", start, start + timedelta(hours=1), "America/New_York")
        )
        window = (start - timedelta(days=1), start + timedelta(days=1))
        assert [e.title for e in await runtime.calendar(a.id).list_events(*window)] == ["Mine"]
        assert await runtime.calendar(b.id).list_events(*window) == []


async def test_a_damaged_file_is_a_storage_error_and_stays_as_it_was(tmp_path: Path) -> None:
    tmp_path.joinpath("calendar.sqlite3").write_bytes(b"garbage" * 1000)
    with pytest.raises(StorageError) as caught:
        async with open_runtime(_settings(tmp_path)):
            pass
    assert str(tmp_path / "calendar.sqlite3") in str(caught.value)
    assert tmp_path.joinpath("calendar.sqlite3").read_bytes() == b"garbage" * 1000


async def test_the_database_is_closed_when_the_body_fails(tmp_path: Path) -> None:
    engines: list[AsyncEngine] = []

    async def fail_inside() -> None:
        async with open_runtime(_settings(tmp_path)) as runtime:
            engines.append(runtime.database.engine)
            async with runtime.database.session() as session:
                assert (await session.execute(text("select 1"))).scalar_one() == 1
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_inside()
    assert engines[0].pool.checkedout() == 0


def test_importing_connects_to_nothing(tmp_path: Path) -> None:
    """Import the whole app with a database URL nobody answers: no error, no wait."""
    code = (
        "import calendar_assistant.runtime, calendar_assistant.cli, "
        "calendar_assistant.channels.cli.commands; print('ok')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"


@pytest.mark.postgres
async def test_the_same_runtime_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    """DATABASE_URL picks PostgreSQL; the assistant and calendars work the same on it."""
    plain = postgres_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    settings = _settings(tmp_path, database_url=plain)  # the async driver is added for us
    assert settings.resolved_database_url == postgres_url
    now = datetime(2027, 3, 14, 8, 0, tzinfo=ZoneInfo("America/New_York"))  # DST day
    key = f"test:pg:{uuid.uuid4().hex}"
    async with open_runtime(settings) as runtime:
        assert runtime.database.dialect == "postgresql"
        user = await runtime.user(key, timezone=ZoneInfo("America/New_York"), lang="en")
        replies = await runtime.assistant.handle(
            UserRef(user.key), Inbound(text="Lunch with Anna today at 1pm"), now
        )
        assert any("Lunch with Anna" in reply.text for reply in replies)
        [event] = await runtime.calendar(user.id).list_events(now, now + timedelta(days=1))
        assert event.start == datetime(2027, 3, 14, 13, 0, tzinfo=ZoneInfo("America/New_York"))
        assert event.start.utcoffset() == timedelta(hours=-4)
        assert await runtime.events.ids(user.id) == [event.id]
    assert not (tmp_path / "calendar.sqlite3").exists()  # no SQLite file beside it
