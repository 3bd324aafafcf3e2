"""The pending dialogue of each user (a question asked, a confirmation awaited), as JSON."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Executable, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import DialogueStateRow


def _upsert(insert: Any) -> Executable:
    """INSERT ... ON CONFLICT (user_id) DO UPDATE in the dialect's words, built once."""
    table = DialogueStateRow.__table__
    new = insert(table).values(user_id=bindparam("user_id"), state=bindparam("state"))
    changes = {"state": new.excluded.state, "updated_at": func.current_timestamp()}
    upsert: Executable = new.on_conflict_do_update(index_elements=[table.c.user_id], set_=changes)
    return upsert


# One statement per write: with an LLM configured a state is written after most messages.
_UPSERTS = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
_LOAD = select(DialogueStateRow.state).where(DialogueStateRow.user_id == bindparam("user_id"))
_CLEAR = delete(DialogueStateRow).where(DialogueStateRow.user_id == bindparam("user_id"))


class DialogueStateRepository:
    """One JSON document per user; saving replaces it whole."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> dict[str, Any] | None:
        rows = await self._db.fetch(_LOAD, {"user_id": user_id})
        state = rows[0].state if rows else None
        return None if state is None else dict(state)

    async def save(self, user_id: int, state: dict[str, Any]) -> None:
        """Store `state` (must be JSON-serialisable: checked here, not at commit)."""
        try:
            json.dumps(state)
        except (TypeError, ValueError) as error:
            raise ValueError(f"dialogue state is not JSON: {error}") from error
        upsert = _UPSERTS[self._db.dialect]
        parameters = {"user_id": user_id, "state": state}
        await self._db.write(lambda work: work.execute(upsert, parameters))

    async def clear(self, user_id: int) -> None:
        parameters = {"user_id": user_id}
        await self._db.write(lambda work: work.execute(_CLEAR, parameters))
