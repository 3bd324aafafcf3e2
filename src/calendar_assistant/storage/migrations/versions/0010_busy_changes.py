"""Where a calendar changed, beside how often: the kept busy times are mended, not dropped.

`calendar_versions` (0009) tells `LocalCalendar.free_busy` *that* a calendar changed, so
its kept busy times were read again whole: a month of 10,000 events, about 20 ms, after
every create, move or delete in that calendar. `calendar_changes` tells *where*: each
move of the counter logs the time span the changed row covered (before a change and after
it, so a moved event logs both), in the same transaction, by the same triggers. A reader
holding busy times read at version v reads the log after v; a window none of those spans
touches keeps its busy times, and one they touch reads again only the touched part.

- Every move of the counter logs exactly one row, so a reader knows the log is whole
  (as many rows after v as the counter moved) or that older rows were pruned (it then
  reads the window whole). Each calendar keeps its last 64 rows.
- The span is the row's own: a single event's start and end; a series master's start and
  `span_end_utc` (NULL, no end known: up to any time). An override also stands in for the
  master's occurrence it replaces, whose end the row does not say: from the earlier of its
  start and `recurrence_id_utc`, with no end.
- An update now moves the counter twice (the row before, the row after), also when it
  stays in its calendar; a version is only ever compared for equality.

SQLite only, like 0009 (PostgreSQL keeps no busy times between reads).

Revision ID: 0010_busy_changes
Revises: 0009_perf_calendar_versions
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0010_busy_changes"
down_revision = "0009_perf_calendar_versions"
branch_labels = None
depends_on = None

#: How many change rows each calendar keeps: a reader further behind reads whole.
KEPT_CHANGES = 64


def _changed(row: str) -> str:
    """Move `row`'s calendar counter and log the span the row covers, pruning old rows."""
    mine = f"user_id = {row}.user_id AND calendar_id = {row}.calendar_id"
    first = (
        f"CASE WHEN {row}.recurrence_id_utc IS NULL THEN {row}.start_utc "
        f"ELSE min({row}.start_utc, {row}.recurrence_id_utc) END"
    )
    last = f"CASE WHEN {row}.recurrence_id_utc IS NULL THEN {row}.span_end_utc END"
    return (
        "INSERT INTO calendar_versions (user_id, calendar_id, version) "
        f"VALUES ({row}.user_id, {row}.calendar_id, 1) "
        "ON CONFLICT (user_id, calendar_id) DO UPDATE SET version = version + 1; "
        "INSERT INTO calendar_changes (user_id, calendar_id, version, start_utc, end_utc) "
        f"SELECT user_id, calendar_id, version, {first}, {last} "
        f"FROM calendar_versions WHERE {mine}; "
        f"DELETE FROM calendar_changes WHERE {mine} AND version <= "
        f"(SELECT version FROM calendar_versions WHERE {mine}) - {KEPT_CHANGES};"
    )


def _bump(row: str, when: str = "") -> str:
    """0009's trigger body: the counter alone."""
    where = f" WHERE {when}" if when else " WHERE 1"
    return (
        "INSERT INTO calendar_versions (user_id, calendar_id, version) "
        f"SELECT {row}.user_id, {row}.calendar_id, 1{where} "
        "ON CONFLICT (user_id, calendar_id) DO UPDATE SET version = version + 1;"
    )


_MOVED = "NEW.user_id IS NOT OLD.user_id OR NEW.calendar_id IS NOT OLD.calendar_id"
_TRIGGERS = ("events_updated", "events_deleted", "events_inserted")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE calendar_changes ("
        "user_id INTEGER NOT NULL, calendar_id VARCHAR(255) NOT NULL, "
        "version INTEGER NOT NULL, start_utc DATETIME NOT NULL, end_utc DATETIME, "
        "PRIMARY KEY (user_id, calendar_id, version))"
    )
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute(f"CREATE TRIGGER events_inserted AFTER INSERT ON events BEGIN {_changed('NEW')} END")
    op.execute(f"CREATE TRIGGER events_deleted AFTER DELETE ON events BEGIN {_changed('OLD')} END")
    op.execute(
        "CREATE TRIGGER events_updated AFTER UPDATE ON events BEGIN "
        f"{_changed('OLD')} {_changed('NEW')} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute(f"CREATE TRIGGER events_inserted AFTER INSERT ON events BEGIN {_bump('NEW')} END")
    op.execute(f"CREATE TRIGGER events_deleted AFTER DELETE ON events BEGIN {_bump('OLD')} END")
    op.execute(
        "CREATE TRIGGER events_updated AFTER UPDATE ON events BEGIN "
        f"{_bump('OLD')} {_bump('NEW', _MOVED)} END"
    )
    op.execute("DROP TABLE calendar_changes")
