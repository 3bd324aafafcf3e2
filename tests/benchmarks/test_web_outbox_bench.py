"""The web chat's outbox poll, which every open page makes every 5 s, mostly finding nothing;
and a fetch handing out 100 reminders waiting (queued before each round, not timed). SQLite.

Run: `.venv/bin/pytest tests/benchmarks/test_web_outbox_bench.py --benchmark-only`.
The figures are reported, never asserted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from calendar_assistant.channels.web.chat import LOCAL_CHAT
from calendar_assistant.channels.web.outbox import Fetched, WebOutbox
from calendar_assistant.storage import Database, UserRepository

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def outbox(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[asyncio.AbstractEventLoop, Database, int]]:
    loop = asyncio.new_event_loop()
    path = tmp_path_factory.mktemp("bench") / "outbox.sqlite3"
    db = loop.run_until_complete(Database.open(f"sqlite+aiosqlite:///{path}"))
    user = loop.run_until_complete(UserRepository(db).get_or_create("web:local"))
    try:
        yield loop, db, user.id
    finally:
        loop.run_until_complete(db.close())
        loop.close()


async def _queue(db: Database, user_id: int, first_id: int) -> None:
    box = WebOutbox(db)
    async with db.transaction() as session:
        for n in range(100):
            await box.keep(
                session,
                reminder_id=first_id + n,
                user_id=user_id,
                chat_id=LOCAL_CHAT,
                text=f"r{n}",
                due=NOW,
                now=NOW,
            )


@pytest.mark.benchmark
def test_an_empty_poll(
    benchmark: BenchmarkFixture, outbox: tuple[asyncio.AbstractEventLoop, Database, int]
) -> None:
    loop, db, _ = outbox
    box = WebOutbox(db)
    assert benchmark(lambda: loop.run_until_complete(box.take(LOCAL_CHAT, NOW))) == []


@pytest.mark.benchmark
def test_fetch_100_waiting(
    benchmark: BenchmarkFixture, outbox: tuple[asyncio.AbstractEventLoop, Database, int]
) -> None:
    loop, db, user_id = outbox
    rounds = iter(range(10**6))
    box = WebOutbox(db)

    def queue() -> None:
        loop.run_until_complete(_queue(db, user_id, 1 + 100 * next(rounds)))

    def take() -> list[Fetched]:
        return loop.run_until_complete(box.take(LOCAL_CHAT, NOW))

    taken = benchmark.pedantic(take, setup=queue, rounds=30)
    assert len(taken) == 100
