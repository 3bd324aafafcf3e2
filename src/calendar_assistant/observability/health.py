"""/readyz's checks: the database answers and its schema is at every migration head."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

import calendar_assistant.storage.database as database_module
from calendar_assistant.storage.database import Database


def migration_heads() -> set[str]:
    """The revisions a current database is at (one per branch: core, channels, ...)."""
    location = Path(database_module.__file__).with_name("migrations")
    return set(ScriptDirectory(str(location)).get_heads())


async def readiness(database: Database, heads: set[str]) -> tuple[bool, str]:
    """(ready, why not): reachable and migrated to all heads."""
    try:
        async with database.session() as session:
            rows = await session.execute(text("SELECT version_num FROM alembic_version"))
            current = {str(row[0]) for row in rows}
    except Exception as error:
        return False, f"database unreachable: {type(error).__name__}"
    if current != heads:
        missing = ", ".join(sorted(heads - current)) or "none"
        return False, f"migrations not current (missing: {missing})"
    return True, "ready"
