"""The dialogue states in Redis (DIALOGUE_STORE=redis): one key per user, with a TTL.

The same document as the SQL store's (`storage.dialogue_states`), made by the same codec
the conversation gives it, so the CalDAV answers are sealed exactly as in the database.
For deployments that want the dialogue off the database; the price is that the state is
no longer written in the database's transaction with the event and its undo record
(docs/architecture.md, "The dialogue state").

Redis that does not answer is a `StorageError`, as a database that does not answer: the
message gets the short "try again" answer. There is no in-process stand-in here (unlike the
locks and rate limits): an empty state would silently drop the user's open question.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic

from calendar_assistant.storage.database import fail_unit
from calendar_assistant.storage.dialogue_states import DialogueCodec, S
from calendar_assistant.storage.errors import StorageError

if TYPE_CHECKING:  # the redis extra: imported only when this store is built
    from redis.asyncio import Redis

#: Every dialogue key starts with this (the locks' and questions' keys have their own).
PREFIX = "calendar-assistant:dialogue:"
#: How long a call may wait for Redis before the message is answered "try again".
SOCKET_TIMEOUT_SECONDS = 2.0


class RedisUnavailable(StorageError):
    """The dialogue store's Redis did not answer (refused, reset, timed out)."""


class RedisDialogueStore(Generic[S]):
    """`DialogueStore` on Redis: SET with a TTL renewed on each write, DEL for the empty state.

    Each write is one SET of the whole document, so a key holds either the old state or
    the new one, never half of either.
    """

    def __init__(
        self, url: str, codec: DialogueCodec[S], *, ttl: timedelta, prefix: str = PREFIX
    ) -> None:
        from redis.asyncio import Redis

        self._redis: Redis = Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        )
        self._codec = codec
        self._ttl = ttl
        self._prefix = prefix
        self._where = _location(url)

    def key(self, user_id: int) -> str:
        return f"{self._prefix}{user_id}"

    async def opening(self, user_id: int, fetched: dict[str, Any] | None) -> S:
        """The state a message starts with: read from Redis (the row fetched with the user
        is the SQL store's, unused here)."""
        return await self.load(user_id)

    async def load(self, user_id: int) -> S:
        raw = await self._call(self._redis.get(self.key(user_id)))
        return self._codec.decode(None if raw is None else _document(raw))

    async def save(self, user_id: int, state: S) -> None:
        document = self._codec.encode(state)
        if not document:
            await self.clear(user_id)
            return
        try:
            value = json.dumps(document)
        except (TypeError, ValueError) as error:
            raise ValueError(f"dialogue state is not JSON: {error}") from error
        await self._call(self._redis.set(self.key(user_id), value, ex=self._ttl))

    async def clear(self, user_id: int) -> None:
        await self._call(self._redis.delete(self.key(user_id)))

    async def close(self) -> None:
        await self._redis.aclose()

    async def _call(self, call: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            return await call
        except (RedisError, OSError) as error:
            message = f"Redis at {self._where} (DIALOGUE_STORE=redis) unavailable: {error}"
            # Inside a unit of work (the inbox on PostgreSQL) the unit's database writes
            # are rolled back with it and the update tried again: nothing half-written.
            fail_unit(error)
            raise RedisUnavailable(message, location=self._where) from error


def _document(raw: bytes | str) -> dict[str, Any] | None:
    """The stored document; None (no state) when it is not a JSON object."""
    try:
        document = json.loads(raw)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _location(url: str) -> str:
    """The server named in errors, without any password in the URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}{parts.path}"
