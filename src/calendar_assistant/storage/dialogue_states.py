"""The pending dialogue of each user (a question asked, a confirmation awaited), as JSON."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Executable, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import DialogueStateRow


class DialogueStateRepository:
    """One JSON document per user; saving replaces it whole."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> dict[str, Any] | None:
        query = select(DialogueStateRow.state).where(DialogueStateRow.user_id == user_id)
        async with self._db.reading() as connection:
            state = (await connection.execute(query)).scalar()
        return None if state is None else dict(state)

    async def save(self, user_id: int, state: dict[str, Any]) -> None:
        """Store `state` (must be JSON-serialisable: checked here, not at commit)."""
        try:
            json.dumps(state)
        except (TypeError, ValueError) as error:
            raise ValueError(f"dialogue state is not JSON: {error}") from error
        async with self._db.transaction() as session:
            if self._db.dialect == "postgresql":
                pg = postgresql.insert(DialogueStateRow).values(user_id=user_id, state=state)
                changes = {"state": pg.excluded.state, "updated_at": func.current_timestamp()}
                upsert: Executable = pg.on_conflict_do_update(
                    index_elements=[DialogueStateRow.user_id], set_=changes
                )
            elif self._db.dialect == "sqlite":
                lite = sqlite.insert(DialogueStateRow).values(user_id=user_id, state=state)
                changes = {"state": lite.excluded.state, "updated_at": func.current_timestamp()}
                upsert = lite.on_conflict_do_update(
                    index_elements=[DialogueStateRow.user_id], set_=changes
                )
            else:  # another database: read the row, then add or change it
                row = await session.get(DialogueStateRow, user_id, with_for_update=True)
                if row is None:
                    session.add(DialogueStateRow(user_id=user_id, state=state))
                else:
                    row.state = state
                return
            # One statement: with an LLM configured this runs after most messages.
            await session.execute(upsert)

    async def clear(self, user_id: int) -> None:
        async with self._db.transaction() as session:
            await session.execute(
                delete(DialogueStateRow).where(DialogueStateRow.user_id == user_id)
            )
