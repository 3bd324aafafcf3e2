"""A change counter per calendar on SQLite, kept by triggers on `events`.

`LocalCalendar.free_busy` keeps the busy times it read (a month of a full calendar costs
tens of milliseconds to read again) and must know when they no longer hold. SQLite's
`data_version` moves with any commit to the file (a dialogue state, another user's event),
so every message that wrote anything made the next read a real one. `calendar_versions`
moves only when a row of that user's calendar is inserted, updated or deleted, by any path
(the ORM, the lanes, a cascade, another program), in the same transaction as the change.

Rows are never deleted (a user's deletion bumps them too): a counter that started again
from 1 could meet a version kept from before. PostgreSQL keeps no memo (replicas share
the database, the memo is per process), so the table and triggers are SQLite's only.

Revision ID: 0009_perf_calendar_versions
Revises: 0008_dialogue_state
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0009_perf_calendar_versions"
down_revision = "0008_dialogue_state"
branch_labels = None
depends_on = None


def _bump(row: str, when: str = "") -> str:
    where = f" WHERE {when}" if when else " WHERE 1"
    return (
        "INSERT INTO calendar_versions (user_id, calendar_id, version) "
        f"SELECT {row}.user_id, {row}.calendar_id, 1{where} "
        "ON CONFLICT (user_id, calendar_id) DO UPDATE SET version = version + 1;"
    )


_MOVED = "NEW.user_id IS NOT OLD.user_id OR NEW.calendar_id IS NOT OLD.calendar_id"


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE calendar_versions ("
        "user_id INTEGER NOT NULL, calendar_id VARCHAR(255) NOT NULL, "
        "version INTEGER NOT NULL, PRIMARY KEY (user_id, calendar_id))"
    )
    op.execute(f"CREATE TRIGGER events_inserted AFTER INSERT ON events BEGIN {_bump('NEW')} END")
    op.execute(f"CREATE TRIGGER events_deleted AFTER DELETE ON events BEGIN {_bump('OLD')} END")
    op.execute(
        "CREATE TRIGGER events_updated AFTER UPDATE ON events BEGIN "
        f"{_bump('OLD')} {_bump('NEW', _MOVED)} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("events_updated", "events_deleted", "events_inserted"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE calendar_versions")
