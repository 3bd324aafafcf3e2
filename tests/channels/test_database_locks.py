"""Redis unavailable on PostgreSQL: the user locks fall back to the database's advisory
locks, so two replicas still never answer one user at once.

Two "replicas" are two `Database` handles (two connection pools, as two processes have) on
the real PostgreSQL, each with its own dispatcher whose `RedisLocks` point at a closed
port. Each job of the same user notes when it ran; no two may overlap. The same with the
in-process locks overlaps, which shows the check can see it.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from structlog.testing import capture_logs

from calendar_assistant.channels.ordering import (
    DatabaseLocks,
    InProcessLocks,
    OrderedDispatcher,
    RedisLocks,
    UserLocks,
)
from calendar_assistant.channels.redis_fallback import RedisFallback
from calendar_assistant.storage.database import Database

pytestmark = pytest.mark.postgres

JOBS = 4  # per replica, all of one user
HOLD = 0.15  # seconds each job keeps its turn


def _refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # closed when the with ends: refused


@pytest.fixture
async def replicas(postgres_url: str) -> AsyncIterator[list[Database]]:
    databases = [await Database.open(postgres_url) for _ in range(2)]
    try:
        yield databases
    finally:
        for database in databases:
            await database.close()


Span = tuple[float, float]


def _job(spans: list[Span]) -> Callable[[], Awaitable[None]]:
    async def job() -> None:
        started = time.monotonic()
        await asyncio.sleep(HOLD)
        spans.append((started, time.monotonic()))

    return job


async def _run_both(locks: list[UserLocks], databases: list[Database], unit: bool) -> list[Span]:
    """JOBS jobs of one user on each replica at once; when they ran."""
    spans: list[Span] = []

    async def replica(lock: UserLocks, database: Database) -> None:
        dispatcher = OrderedDispatcher(lock)

        async def one() -> None:
            if unit:  # as the inbox runs an update: the lock is the unit's xact lock
                async with database.unit():
                    await dispatcher.run("telegram:42", _job(spans))
            else:
                await dispatcher.run("telegram:42", _job(spans))

        await asyncio.gather(*(one() for _ in range(JOBS)))

    await asyncio.gather(*(replica(lock, db) for lock, db in zip(locks, databases, strict=True)))
    return spans


def _overlaps(spans: list[Span]) -> int:
    ordered = sorted(spans)
    return sum(1 for (_, end), (start, _) in itertools.pairwise(ordered) if start < end)


@pytest.mark.parametrize("unit", [False, True], ids=["session-lock", "in-a-unit"])
async def test_redis_refused_two_replicas_take_turns_on_the_database_lock(
    replicas: list[Database], unit: bool
) -> None:
    url = _refused_url()
    locks: list[UserLocks] = [
        RedisLocks(
            url,
            guard=RedisFallback("locks", retry_after=60, fallback="database"),
            fallback=DatabaseLocks(database),
        )
        for database in replicas
    ]
    try:
        with capture_logs() as logs:
            spans = await _run_both(locks, replicas, unit)
    finally:
        for lock in locks:
            await lock.close()
    assert len(spans) == 2 * JOBS
    assert _overlaps(spans) == 0
    warnings = [e for e in logs if e["event"] == "redis_unavailable"]
    assert [(w["component"], w["fallback"]) for w in warnings] == [("locks", "database")] * 2


async def test_in_process_locks_alone_let_two_replicas_overlap(
    replicas: list[Database],
) -> None:
    """The control: without a shared lock the replicas answer the user at the same time."""
    spans = await _run_both([InProcessLocks(), InProcessLocks()], replicas, unit=False)
    assert _overlaps(spans) > 0


async def test_the_lock_in_a_unit_is_let_go_when_the_unit_rolls_back(
    replicas: list[Database],
) -> None:
    first, second = (DatabaseLocks(database) for database in replicas)
    with pytest.raises(RuntimeError):
        async with replicas[0].unit(), first.hold("telegram:7"):
            raise RuntimeError("the update failed")
    async with asyncio.timeout(5), replicas[1].unit(), second.hold("telegram:7"):
        pass
