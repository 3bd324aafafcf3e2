"""The shipped migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

import calendar_assistant.channels.web.accounts
import calendar_assistant.storage.inbox  # noqa: F401  (its table joins Base.metadata)
from calendar_assistant.storage import Database
from calendar_assistant.storage.models import Base

OWN_TABLES = {
    "users",
    "user_settings",
    "events",
    "reminders",
    "dialogue_states",
    "undo_log",
    "inbox",
    "web_sign_in_links",
    "web_session_epochs",
}


def _table_of(diff: Any) -> str | None:
    """The table a diff entry is about (entries are tuples, or lists of tuples)."""
    entry = diff[0] if isinstance(diff, list) else diff
    for item in entry[1:]:
        name = getattr(item, "name", None) if not isinstance(item, str) else None
        table = getattr(item, "table", None)
        if table is not None:
            return str(table.name)
        if name is not None and hasattr(item, "columns"):
            return str(name)
        if isinstance(item, str) and item in OWN_TABLES:
            return item
    return None


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, Base.metadata) if _table_of(d) in OWN_TABLES]


async def test_models_and_migrations_agree(database: Database) -> None:
    async with database.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
