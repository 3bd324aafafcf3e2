"""The open-question book on both of its stores: process memory and a real Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from calendar_assistant.channels.questions import (
    InProcessStore,
    QuestionBook,
    QuestionStore,
    RedisStore,
    Verdict,
)
from calendar_assistant.channels.redis_fallback import RedisFallback
from calendar_assistant.domain.messages import Button, Reply

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[QuestionStore]:
    if request.param == "memory":
        yield InProcessStore()
        return
    probe = Redis.from_url(REDIS_URL)  # not the store: it would fall back to memory
    try:
        await probe.ping()
    except Exception as error:
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    finally:
        await probe.aclose()
    guard = RedisFallback("questions")
    redis = RedisStore(REDIS_URL, guard=guard)
    yield redis
    await redis.close()
    assert not guard.down  # Redis answered every call: the test ran on Redis, not memory


def _question() -> list[Reply]:
    yes_no = (Button("Да", "acct:forget-yes"), Button("Нет", "acct:forget-no"))
    return [Reply("Удалить всё?", (yes_no,))]


async def test_bind_take_once_foreign_and_replaced(store: QuestionStore) -> None:
    book = QuestionBook(store)
    asker, other = f"web:{uuid.uuid4().hex}", f"web:{uuid.uuid4().hex}"
    (bound,) = await book.bind(asker, "chat", _question())
    yes, no = (b.payload for b in bound.buttons[0])
    assert "forget" not in yes  # the real payload never leaves the server
    assert (await book.take(other, "chat", yes)).verdict is Verdict.FOREIGN
    assert (await book.take(asker, "another-chat", yes)).verdict is Verdict.CLOSED
    taken = await book.take(asker, "chat", yes)
    assert taken.payload == "acct:forget-yes"
    assert (await book.take(asker, "chat", no)).verdict is Verdict.CLOSED  # once
    (again,) = await book.bind(asker, "chat", _question())
    await book.bind(asker, "chat", [Reply("что-то ещё")])  # a newer turn closes it
    assert (await book.take(asker, "chat", again.buttons[0][0].payload)).payload is None
    for forged in ("acct:forget-yes", "q:", "q:x:1", "q:x:99999", "q:AAAAAAAAAAAA:0"):
        assert (await book.take(asker, "chat", forged)).payload is None
