"""/readyz's checks: the database answers and its schema is at the migration head."""

from __future__ import annotations

from sqlalchemy import text

from calendar_assistant.storage.database import Database, head_revision


def migration_heads() -> set[str]:
    """The revision a current database is at (the history is one line: one head)."""
    return {head_revision()}


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
