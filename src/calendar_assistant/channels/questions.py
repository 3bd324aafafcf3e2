"""Buttons are capabilities of one open question: its asker, in its chat, once.

Before replies leave a channel, `QuestionBook.bind` gives their buttons one new random
question id and replaces every payload by `q:<id>:<n>`; the real payloads stay on the
server. That question becomes the open one of this user in this chat, and the one before it
is closed: only the buttons of the latest reply are live. A press acts only when `take`
finds the question open, asked of the presser in this chat; taking it closes it, so a
re-sent or double press does nothing. Anything else changes nothing and is answered:

- the question was closed, replaced or never existed (a payload typed by hand, such as
  the bare `/forget` confirmation): "this question is no longer open";
- another member of a group chat asked it: "this question was asked by another member",
  which Telegram shows to the presser alone.

Questions live in process memory, or in Redis when REDIS_URL is set (shared by replicas);
they expire with `QUESTION_TTL`. A restart without Redis closes the open questions: a
later press is answered "no longer open", the safe side. A user's turns run one at a time
(the dispatcher, and the Redis user lock across replicas), so look-up and removal need no
further atomicity.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Reply
from calendar_assistant.replies import catalogue

if TYPE_CHECKING:  # the redis extra: imported only when a Redis part is built
    from calendar_assistant.channels.redis_fallback import RedisFallback

QUESTION_TTL_SECONDS = 3600
_PREFIX = "q:"


class Verdict(Enum):
    OPEN = "open"
    CLOSED = "closed"
    FOREIGN = "foreign"


@dataclass(frozen=True, slots=True)
class Question:
    """An open question: who was asked, where, and the payloads behind its buttons."""

    asker: str
    chat: str
    payloads: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps({"asker": self.asker, "chat": self.chat, "payloads": self.payloads})

    @classmethod
    def from_json(cls, text: str | bytes) -> Question:
        data = json.loads(text)
        return cls(str(data["asker"]), str(data["chat"]), tuple(map(str, data["payloads"])))


@dataclass(frozen=True, slots=True)
class Pressed:
    """What a press came to: the real payload when the question was open, else why not."""

    verdict: Verdict
    payload: str | None = None


def closed_text(lang: Lang) -> str:
    return catalogue.text(lang, "questions.closed")


def foreign_text(lang: Lang) -> str:
    return catalogue.text(lang, "questions.foreign")


def refusal(verdict: Verdict, lang: Lang) -> str:
    return foreign_text(lang) if verdict is Verdict.FOREIGN else closed_text(lang)


class QuestionStore(Protocol):
    """Where open questions are kept: by id, and the id open per (user, chat)."""

    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str, ttl: int) -> None: ...

    async def drop(self, *keys: str) -> None: ...

    async def close(self) -> None: ...


class InProcessStore:
    """A dict with expiry times: one process, nothing shared."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, str]] = {}

    async def get(self, key: str) -> str | None:
        found = self._items.get(key)
        if found is None or found[0] < time.monotonic():
            self._items.pop(key, None)
            return None
        return found[1]

    async def put(self, key: str, value: str, ttl: int) -> None:
        if len(self._items) > 100_000:  # drop the expired ones now and then
            now = time.monotonic()
            self._items = {k: v for k, v in self._items.items() if v[0] >= now}
        self._items[key] = (time.monotonic() + ttl, value)

    async def drop(self, *keys: str) -> None:
        for key in keys:
            self._items.pop(key, None)

    async def close(self) -> None:
        return None


class RedisStore:
    """Keys with a TTL in Redis, so every replica sees the same open questions.

    While Redis is unavailable the questions live in process (see `RedisFallback`): a
    button asked during the outage is answered by this replica; one asked before it, or
    pressed on another replica, is answered "no longer open", the safe side.
    """

    def __init__(self, url: str, *, guard: RedisFallback | None = None) -> None:
        from calendar_assistant.channels.redis_fallback import RedisFallback, connect

        self._redis = connect(url)
        self._guard = guard if guard is not None else RedisFallback("questions")
        self._fallback = InProcessStore()

    async def get(self, key: str) -> str | None:
        async def shared() -> str | None:
            value = await self._redis.get(f"calendar-assistant:{key}")
            return None if value is None else value.decode() if isinstance(value, bytes) else value

        return await self._guard.call(shared, lambda: self._fallback.get(key))

    async def put(self, key: str, value: str, ttl: int) -> None:
        async def shared() -> None:
            await self._redis.set(f"calendar-assistant:{key}", value, ex=ttl)

        await self._guard.call(shared, lambda: self._fallback.put(key, value, ttl))

    async def drop(self, *keys: str) -> None:
        async def shared() -> None:
            if keys:
                await self._redis.delete(*(f"calendar-assistant:{k}" for k in keys))

        await self._guard.call(shared, lambda: self._fallback.drop(*keys))

    async def close(self) -> None:
        await self._redis.aclose()


def _current(asker: str, chat: str) -> str:
    return f"question-open:{asker}:{chat}"


class QuestionBook:
    """Binds buttons to their question and checks every press against it."""

    def __init__(self, store: QuestionStore, *, ttl: int = QUESTION_TTL_SECONDS) -> None:
        self._store = store
        self._ttl = ttl

    async def bind(self, asker: str, chat: str, replies: list[Reply]) -> list[Reply]:
        """`replies` with their buttons bound to a new open question (the old one closed)."""
        old = await self._store.get(_current(asker, chat))
        if old is not None:
            await self._store.drop(_current(asker, chat), f"question:{old}")
        payloads = [b.payload for r in replies for row in r.buttons for b in row]
        if not payloads:
            return replies
        qid = secrets.token_urlsafe(9)  # 72 random bits
        question = Question(asker, chat, tuple(payloads))
        await self._store.put(f"question:{qid}", question.to_json(), self._ttl)
        await self._store.put(_current(asker, chat), qid, self._ttl)
        counter = iter(range(len(payloads)))
        bound = []
        for reply in replies:
            rows = tuple(
                tuple(Button(b.label, f"{_PREFIX}{qid}:{next(counter)}") for b in row)
                for row in reply.buttons
            )
            bound.append(replace(reply, buttons=rows))
        return bound

    async def take(self, presser: str, chat: str, data: str) -> Pressed:
        """The real payload if `data` names the open question of `presser` here; it closes."""
        qid, number = _read(data)
        if qid is None:
            return Pressed(Verdict.CLOSED)
        stored = await self._store.get(f"question:{qid}")
        if stored is None:
            return Pressed(Verdict.CLOSED)
        question = Question.from_json(stored)
        if question.chat != chat:
            return Pressed(Verdict.CLOSED)
        if question.asker != presser:
            return Pressed(Verdict.FOREIGN)
        if await self._store.get(_current(presser, chat)) != qid:
            return Pressed(Verdict.CLOSED)
        await self._store.drop(_current(presser, chat), f"question:{qid}")
        if number is None or not 0 <= number < len(question.payloads):
            return Pressed(Verdict.CLOSED)
        return Pressed(Verdict.OPEN, question.payloads[number])

    async def close(self) -> None:
        await self._store.close()


def _read(data: str) -> tuple[str | None, int | None]:
    if not data.startswith(_PREFIX):
        return None, None
    qid, _, number = data.removeprefix(_PREFIX).partition(":")
    if not qid or not number.isdigit() or len(number) > 4:
        return None, None
    return qid, int(number)
