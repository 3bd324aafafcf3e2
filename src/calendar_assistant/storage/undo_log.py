"""The undo log: what each change did, newest first, so «отмени последнее» can revert it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from calendar_assistant.storage.database import Database
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
        async with self._db.transaction() as session:
            row = UndoLogRow(user_id=user_id, description=description, entries=entries)
            session.add(row)
            await session.flush()
            keep = (
                select(UndoLogRow.id)
                .where(UndoLogRow.user_id == user_id)
                .order_by(UndoLogRow.id.desc())
                .limit(MAX_ENTRIES_PER_USER)
            )
            await session.execute(
                delete(UndoLogRow).where(
                    UndoLogRow.user_id == user_id, UndoLogRow.id.not_in(keep.scalar_subquery())
                )
            )
            return row.id

    async def latest(self, user_id: int) -> UndoEntry | None:
        """The newest entry, left in place."""
        async with self._db.session() as session:
            row = await session.scalar(
                select(UndoLogRow)
                .where(UndoLogRow.user_id == user_id)
                .order_by(UndoLogRow.id.desc())
                .limit(1)
            )
            return None if row is None else _entry(row)

    async def pop_latest(self, user_id: int) -> UndoEntry | None:
        """Take the newest entry off the log (in one transaction) and return it."""
        async with self._db.transaction() as session:
            row = await session.scalar(
                select(UndoLogRow)
                .where(UndoLogRow.user_id == user_id)
                .order_by(UndoLogRow.id.desc())
                .limit(1)
                .with_for_update()
            )
            if row is None:
                return None
            entry = _entry(row)
            await session.delete(row)
            return entry

    async def count(self, user_id: int) -> int:
        async with self._db.session() as session:
            rows = await session.scalars(select(UndoLogRow.id).where(UndoLogRow.user_id == user_id))
            return len(rows.all())


def _entry(row: UndoLogRow) -> UndoEntry:
    return UndoEntry(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        description=row.description,
        entries=list(row.entries),
    )
