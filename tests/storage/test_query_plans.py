"""The hot reads use their indexes, on SQLite and on the real PostgreSQL (EXPLAIN).

A week's events and a month's busy times run on almost every message, the reminder poll
every few seconds: a plan that walks the table instead would only show as a slow server
once calendars are big. On PostgreSQL sequential scans are switched off for the check, so
the answer is "can this statement use the index" and not "is a scan cheaper on an almost
empty table" (the planner's right choice there).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Executable

from calendar_assistant.calendars.local.queries import (
    CHANGES_QUERY,
    LIST_QUERY,
    SERIES_ROWS_QUERY,
    SINGLE_TIMES_QUERY,
    VERSION_QUERY,
)
from calendar_assistant.storage import Database
from calendar_assistant.storage.inbox import _CLAIM_IN_ONE, _CLAIMABLE
from calendar_assistant.storage.lanes import _Plan
from calendar_assistant.storage.reminders import DUE_QUERY

START = datetime(2026, 12, 1, tzinfo=UTC)
WINDOW = {
    "user_id": 1,
    "calendar_id": "local",
    "window_start": START,
    "window_end": START + timedelta(days=31),
}
#: statement, its parameters, an index its plan must name
CASES: list[tuple[str, Executable, dict[str, Any], str]] = [
    ("single events' busy times", SINGLE_TIMES_QUERY, WINDOW, "ix_events_busy_single"),
    ("series rows of a window", SERIES_ROWS_QUERY, WINDOW, "ix_events_busy_series"),
    ("a window's events", LIST_QUERY, WINDOW, "ix_events_"),
    ("reminders due", DUE_QUERY, {"now": START, "limit": 100}, "ix_reminders_due"),
]


def _explain(connection: Connection, statement: Executable, parameters: dict[str, Any]) -> str:
    plan = _Plan(statement, connection.dialect)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rows = connection.exec_driver_sql("EXPLAIN " + plan.sql, tuple(plan.values(parameters)))
    return "\n".join(str(row[0]) for row in rows)


@pytest.mark.parametrize(("what", "statement", "parameters", "index"), CASES)
async def test_the_hot_reads_use_their_indexes(
    database: Database, what: str, statement: Executable, parameters: dict[str, Any], index: str
) -> None:
    if database.dialect == "sqlite":
        plan = _Plan(statement, database.engine.dialect)
        with sqlite3.connect(database.location) as connection:
            rows = connection.execute("EXPLAIN QUERY PLAN " + plan.sql, plan.values(parameters))
            text = "\n".join(str(row[-1]) for row in rows)
        assert "SCAN events" not in text, (what, text)
        assert "SCAN reminders" not in text, (what, text)
    else:
        async with database.engine.begin() as connection:
            text = await connection.run_sync(_explain, statement, parameters)
        assert "Seq Scan" not in text, (what, text)
    assert index in text, (what, text)


@pytest.mark.parametrize(
    ("statement", "parameters", "table"),
    [
        (VERSION_QUERY, {"user_id": 1, "calendar_id": "local"}, "calendar_versions"),
        (CHANGES_QUERY, {"user_id": 1, "calendar_id": "local", "since": 5}, "calendar_changes"),
    ],
)
async def test_the_calendar_version_and_its_changes_are_read_by_key(
    tmp_path: Path, statement: Executable, parameters: dict[str, Any], table: str
) -> None:
    """Every kept read asks these first (SQLite only, migrations 0009 and 0010): by the
    primary key, never a walk over every calendar's rows."""
    database = await Database.open(f"sqlite:///{tmp_path / 'calendar.sqlite3'}")
    try:
        plan = _Plan(statement, database.engine.dialect)
        with sqlite3.connect(database.location) as connection:
            rows = connection.execute("EXPLAIN QUERY PLAN " + plan.sql, plan.values(parameters))
            text = "\n".join(str(row[-1]) for row in rows)
    finally:
        await database.close()
    assert f"SEARCH {table} USING INDEX sqlite_autoindex_{table}_1" in text, text


_BACKLOG = """
INSERT INTO inbox (channel, external_id, chat_key, payload, state, attempts, received_at,
                   finished_at)
SELECT 'telegram', 'u' || n, 'chat' || (n % 1000), '{"text": "..."}',
       CASE WHEN n <= 3000 THEN 'done' ELSE 'queued' END, CASE WHEN n <= 3000 THEN 1 ELSE 0 END,
       now(), CASE WHEN n <= 3000 THEN now() END
FROM generate_series(1, 6000) AS n
"""


def _rows_read(node: dict[str, Any]) -> int:
    """Rows the scans of a plan (EXPLAIN ANALYZE, JSON) produced or filtered out."""
    own = 0
    if "Scan" in node["Node Type"]:
        own = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
    return own + sum(_rows_read(child) for child in node.get("Plans", []))


async def test_a_claim_reads_what_it_takes_not_the_backlog(database: Database) -> None:
    """A burst acknowledged faster than it is handled leaves thousands of updates queued;
    each claim (every few milliseconds then) must read about the rows it takes, not the
    backlog nor the finished rows (migration 0012): 3,000 done and 3,000 queued rows over
    1,000 chats, statistics read as the server's would be, a claim of 16."""
    claim = {"now": START, "limit": 16, "max_attempts": 5}
    if database.dialect == "sqlite":
        plan = _Plan(_CLAIMABLE, database.engine.dialect)
        with sqlite3.connect(database.location) as connection:
            rows = connection.execute("EXPLAIN QUERY PLAN " + plan.sql, plan.values(claim))
            text = "\n".join(str(row[-1]) for row in rows)
        assert "SCAN inbox" not in text, text
        assert "ix_inbox_open" in text, text
        assert "ix_inbox_chat_open" in text, text
        return
    async with database.engine.begin() as pg:
        await pg.exec_driver_sql(_BACKLOG)
        await pg.exec_driver_sql("ANALYZE inbox")

        def explain(sync: Connection) -> dict[str, Any]:
            plan = _Plan(_CLAIM_IN_ONE, sync.dialect)
            parameters = {**claim, "new_owner": "test", "new_lease_until": START}
            rows = sync.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + plan.sql, tuple(plan.values(parameters))
            )
            found: dict[str, Any] = rows.scalar_one()[0]["Plan"]
            return found

        found = await pg.run_sync(explain)
        await pg.rollback()
    assert found["Actual Rows"] == 16, found
    assert _rows_read(found) <= 200, found
