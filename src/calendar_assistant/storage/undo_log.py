"""The undo log: what each change did, newest first, so «отмени последнее» can revert it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.lanes import Work
from calendar_assistant.storage.models import UndoLogRow

# Older entries than this many per user are dropped: undo reaches back a while, not forever.
MAX_ENTRIES_PER_USER = 50


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One undoable change: a description for the reply and what is needed to revert it."""

    id: int
    user_id: int
    created_at: datetime
    description: str
    entries: list[dict[str, Any]]


_TABLE = cast(Table, UndoLogRow.__table__)
_PUSH = (
    insert(_TABLE)
    .values(
        user_id=bindparam("user_id"),
        description=bindparam("description"),
        entries=bindparam("entries"),
    )
    .returning(_TABLE.c.id)
)
_NEWEST = (
    select(_TABLE)
    .where(_TABLE.c.user_id == bindparam("user_id"))
    .order_by(_TABLE.c.id.desc())
    .limit(1)
)
_NEWEST_LOCKED = _NEWEST.with_for_update()
_REMOVE = delete(_TABLE).where(_TABLE.c.id == bindparam("id"))
# Older than the newest MAX_ENTRIES_PER_USER of the user: dropped on each push.
_TRIM = delete(_TABLE).where(
    _TABLE.c.user_id == bindparam("user_id"),
    _TABLE.c.id.not_in(
        select(_TABLE.c.id)
        .where(_TABLE.c.user_id == bindparam("user_id"))
        .order_by(_TABLE.c.id.desc())
        .limit(MAX_ENTRIES_PER_USER)
        .scalar_subquery()
    ),
)


def _push_trimming() -> Any:
    """PostgreSQL: the push and the trim as one statement (one round trip per change). The
    trim sees the log as it was before the push, so it keeps one entry fewer."""
    kept = (
        select(_TABLE.c.id)
        .where(_TABLE.c.user_id == bindparam("user_id"))
        .order_by(_TABLE.c.id.desc())
        .limit(MAX_ENTRIES_PER_USER - 1)
        .scalar_subquery()
    )
    trimmed = (
        delete(_TABLE)
        .where(_TABLE.c.user_id == bindparam("user_id"), _TABLE.c.id.not_in(kept))
        .returning(_TABLE.c.id)
        .cte("trimmed")
    )
    pushed = _PUSH.cte("pushed")
    return select(pushed.c.id).add_cte(trimmed)


_PUSH_TRIMMING = _push_trimming()


class UndoLogRepository:
    """A per-user stack of undo entries (JSON lists written by the conversation layer)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def push(self, user_id: int, description: str, entries: list[dict[str, Any]]) -> int:
        """Record a change; returns its id. Entries must be JSON-serialisable."""
        try:
            json.dumps(entries)
        except (TypeError, ValueError) as error:
            raise ValueError(f"undo entries are not JSON: {error}") from error
        parameters = {"user_id": user_id, "description": description, "entries": entries}

        def push(work: Work) -> int:
            if self._db.dialect == "postgresql":
                return int(work.rows(_PUSH_TRIMMING, parameters)[0].id)
            new_id = int(work.rows(_PUSH, parameters)[0].id)  # inline on SQLite: no round trip
            work.execute(_TRIM, parameters)
            return new_id

        return await self._db.write(push)

    async def latest(self, user_id: int) -> UndoEntry | None:
        """The newest entry, left in place."""
        rows = await self._db.fetch(_NEWEST, {"user_id": user_id})
        return _entry(rows[0]) if rows else None

    async def pop_latest(self, user_id: int) -> UndoEntry | None:
        """Take the newest entry off the log (in one transaction) and return it."""

        def pop(work: Work) -> UndoEntry | None:
            rows = work.rows(_NEWEST_LOCKED, {"user_id": user_id})
            if not rows:
                return None
            work.execute(_REMOVE, {"id": rows[0].id})
            return _entry(rows[0])

        return await self._db.write(pop)

    async def count(self, user_id: int) -> int:
        async with self._db.session() as session:
            rows = await session.scalars(select(UndoLogRow.id).where(UndoLogRow.user_id == user_id))
            return len(rows.all())


def _entry(row: Any) -> UndoEntry:
    """An entry from an ORM row or a Core row of undo_log."""
    return UndoEntry(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        description=row.description,
        entries=list(row.entries),
    )
