"""One linear migration history: one head, upgrade → downgrade → upgrade with data in the
tables on SQLite and PostgreSQL, databases at the old forked heads carried on, and the
explicit `calendar-assistant migrate` step."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

import calendar_assistant.storage.database as database_module
from calendar_assistant.storage import Database, StorageError
from calendar_assistant.storage.database import head_revision

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
#: The five heads the history had before it was made linear (each on top of 0001).
OLD_HEADS = (
    "0002_accounts",
    "0002_channels",
    "0002_speech",
    "0002_web_outbox",
    "0003_busy_indexes",
)


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option(
        "script_location", str(Path(database_module.__file__).with_name("migrations"))
    )
    return ScriptDirectory.from_config(config)


def test_the_history_is_one_line_with_one_head() -> None:
    script = _script()
    assert script.get_heads() == [head_revision()]
    chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert chain[0] == "0001"
    for revision in script.walk_revisions():
        assert not revision.branch_labels
        assert isinstance(revision.down_revision, str | None)  # never a merge of two
    assert set(OLD_HEADS) < set(chain)


async def _fill(database: Database) -> None:
    """A row in every table a user's data lives in, at head."""
    if await _count(database, "users"):
        await _empty(database)
    statements = [
        "INSERT INTO users (id, key, display_name, created_at) VALUES (1, 'telegram:1', 'A', :t)",
        "INSERT INTO events (id, user_id, calendar_id, event_id, title, start_utc, end_utc, "
        "timezone, all_day, exdates, attendees, reminders, version, created_at, updated_at) "
        "VALUES ('1', 1, 'local', 'e1', 'Обед', :t, :t, 'Europe/Moscow', :f, '[]', '[]', "
        "'[]', 1, :t, :t)",
        "INSERT INTO chat_links (user_id, channel, chat_id, linked_at) VALUES (1, 'telegram', '1', :t)",
        "INSERT INTO web_outbox (user_id, chat_id, text, due_utc, queued_at) "
        "VALUES (1, 'web', 'r', :t, :t)",
        "INSERT INTO inbox (channel, external_id, chat_key, payload, state, attempts, "
        "received_at) VALUES ('telegram', '7', '1', '{}', 'queued', 0, :t)",
    ]
    async with database.transaction() as session:
        for statement in statements:
            await session.execute(text(statement), {"t": NOW, "f": False})


async def _empty(database: Database) -> None:
    async with database.transaction() as session:
        for table in ("inbox", "web_outbox", "chat_links", "events", "users"):
            await session.execute(text(f"DELETE FROM {table}"))


async def _count(database: Database, table: str) -> int:
    async with database.session() as session:
        return int(await session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


async def test_upgrade_downgrade_upgrade_round_trips_with_data(database: Database) -> None:
    await _fill(database)
    chain = [r.revision for r in reversed(list(_script().walk_revisions()))]
    # Step down one revision at a time with data in the tables, to the first.
    for revision in reversed(chain[:-1]):
        assert await database.migrate_to(revision, down=True) == revision
    assert await _count(database, "users") == 1
    assert await _count(database, "events") == 1
    assert await database.migrate_to("head") == head_revision()
    assert await _count(database, "events") == 1  # what 0001 holds survived the round trip
    await _fill_again(database)
    assert await database.migrate_to("base", down=True) is None
    assert await database.migrate_to("head") == head_revision()
    await _fill(database)  # every table is back, empty, and takes data


async def _fill_again(database: Database) -> None:
    """The tables the downgrade dropped are back and take data again."""
    async with database.transaction() as session:
        await session.execute(
            text(
                "INSERT INTO inbox (channel, external_id, chat_key, payload, state, attempts, "
                "received_at) VALUES ('telegram', '8', '1', '{}', 'queued', 0, :t)"
            ),
            {"t": NOW},
        )
    assert await _count(database, "inbox") == 1


async def test_a_database_at_the_old_heads_is_carried_on(database: Database) -> None:
    await database.migrate_to("0002_web_outbox", down=True)
    async with database.transaction() as session:
        await session.execute(text("DELETE FROM alembic_version"))
        for head in OLD_HEADS:
            await session.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head}
            )
    assert await database.migrate_to("head") == head_revision()
    assert await _count(database, "inbox") == 0  # the new table was created


async def test_old_heads_that_are_not_a_start_of_the_history_are_refused(
    database: Database,
) -> None:
    await database.migrate_to("0001", down=True)
    async with database.transaction() as session:
        await session.execute(text("DELETE FROM alembic_version"))
        for head in ("0002_accounts", "0002_web_outbox"):
            await session.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head}
            )
    try:
        with pytest.raises(StorageError, match="not a start"):
            await database.migrate_to("head")
    finally:  # the PostgreSQL database is the session's: leave it at head for the next test
        async with database.transaction() as session:
            await session.execute(text("DELETE FROM alembic_version"))
            await session.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
        await database.migrate_to("head")


async def test_without_auto_migrate_an_old_schema_is_refused_with_the_command_to_run(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    with pytest.raises(StorageError, match="calendar-assistant migrate"):
        await Database.open(url, migrate=False)
    database = await Database.open(url)
    await database.close()
    database = await Database.open(url, migrate=False)  # at head now: opens
    assert await database.revision() == head_revision()
    await database.close()


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATA_DIR": str(data), "AUTO_MIGRATE": "false"}
    return subprocess.run(
        [sys.executable, "-m", "calendar_assistant.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_migrate_command(tmp_path: Path) -> None:
    shown = _cli("migrate", "--show", data=tmp_path)
    assert shown.returncode == 3
    assert f"needs {head_revision()}" in shown.stdout
    done = _cli("migrate", data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"from none to {head_revision()}" in done.stdout
    assert _cli("migrate", "--show", data=tmp_path).returncode == 0
    back = _cli("migrate", "--downgrade", "0001", data=tmp_path)
    assert "to 0001" in back.stdout
    events = _cli("events", "--from", "2026-11-24", "--to", "2026-11-25", data=tmp_path)
    assert events.returncode != 0
    assert "calendar-assistant migrate" in events.stderr
