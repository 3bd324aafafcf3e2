"""The dialogue state of each user, one JSON document per user in `dialogue_states`.

`DialogueStateRepository` reads and writes the document; `SqlDialogueStore` is the store the
conversation uses: it turns its typed state into that document and back through a codec the
conversation gives it (the types live above storage, and the codec encrypts what must not be
kept in clear). The document is read with the user in the one statement every message
starts with, and it is shared by every replica through the database. The same document can
live in Redis instead (`storage.redis_dialogue_states`, DIALOGUE_STORE=redis).
"""

from __future__ import annotations

import json
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Executable, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import DialogueStateRow
from calendar_assistant.storage.users import see_state, seen_state, state_unknown


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


S = TypeVar("S")


class DialogueCodec(Protocol[S]):
    """A typed dialogue state as a JSON document and back; an empty document is no state."""

    def encode(self, state: S) -> dict[str, Any]: ...

    def decode(self, document: dict[str, Any] | None) -> S: ...


class DialogueStore(Protocol[S]):
    """Where each user's dialogue state lives between messages (any replica, any restart)."""

    async def opening(self, user_id: int, fetched: dict[str, Any] | None) -> S:
        """The state a message starts with; `fetched` is the row read with the user (the
        SQL store's document, so the SQL store needs no second query)."""
        ...

    async def load(self, user_id: int) -> S: ...

    async def save(self, user_id: int, state: S) -> None: ...

    async def clear(self, user_id: int) -> None: ...

    async def close(self) -> None: ...


class DialogueStateRepository:
    """One JSON document per user; saving replaces it whole."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> dict[str, Any] | None:
        known, state = seen_state(self._db, user_id)  # read with the user for this message
        if known:
            return state
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
        state_unknown(self._db, user_id)  # and so it stays if the write fails
        await self._db.write(lambda work: work.execute(upsert, parameters))
        see_state(self._db, user_id, state)

    async def clear(self, user_id: int) -> None:
        known, state = seen_state(self._db, user_id)
        if known and state is None:  # read for this message: there is none to delete
            return
        parameters = {"user_id": user_id}
        state_unknown(self._db, user_id)
        await self._db.write(lambda work: work.execute(_CLEAR, parameters))
        see_state(self._db, user_id, None)


class SqlDialogueStore(Generic[S]):
    """`DialogueStore` on the `dialogue_states` table: saving an empty state deletes the row."""

    def __init__(self, repository: DialogueStateRepository, codec: DialogueCodec[S]) -> None:
        self._repository = repository
        self._codec = codec

    def read(self, document: dict[str, Any] | None) -> S:
        """The state in a document read elsewhere (with the user, in one statement)."""
        return self._codec.decode(document)

    async def opening(self, user_id: int, fetched: dict[str, Any] | None) -> S:
        return self._codec.decode(fetched)

    async def load(self, user_id: int) -> S:
        return self._codec.decode(await self._repository.load(user_id))

    async def save(self, user_id: int, state: S) -> None:
        document = self._codec.encode(state)
        if document:
            await self._repository.save(user_id, document)
        else:
            await self._repository.clear(user_id)

    async def clear(self, user_id: int) -> None:
        await self._repository.clear(user_id)

    async def close(self) -> None:
        """Nothing to close: the database is closed by its owner."""
