"""One user's messages are handled one at a time, in the order they came.

In one process a FIFO queue per user does it; replicas also take a lock per user around
each message, so two replicas never answer one user at once: a Redis lock with `REDIS_URL`,
a PostgreSQL advisory lock without it or while Redis is unavailable (`DatabaseLocks`).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Protocol, TypeVar

import structlog

from calendar_assistant.storage.database import Database

if TYPE_CHECKING:  # the redis extra: imported only when a Redis part is built
    from calendar_assistant.channels.redis_fallback import RedisFallback

log = structlog.get_logger(__name__)

Job = Callable[[], Awaitable[None]]
#: Told of a turn that could not be had, with the error (see OrderedDispatcher.submit).
Failed = Callable[[BaseException], None]
T = TypeVar("T")


class UserLocks(Protocol):
    """Mutual exclusion per user key, possibly across processes."""

    def hold(self, key: str) -> AbstractAsyncContextManager[None]: ...

    async def close(self) -> None: ...


class InProcessLocks:
    """Nothing to share: the per-user queue already serialises a user's messages."""

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        yield

    async def close(self) -> None:
        return None


class DatabaseLocks:
    """A PostgreSQL advisory lock per user, shared by every replica on the database.

    A message handled from the inbox runs in one unit of work (`Database.unit`): its lock
    is `pg_advisory_xact_lock` on that unit's connection, held until the unit commits, so
    it costs one statement and no connection. Elsewhere (the web chat) a session lock on
    a connection kept for the message. SQLite needs none of this (one process).
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    def hold(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._db.advisory_lock(f"calendar-assistant:user-lock:{key}")

    async def close(self) -> None:
        return None


class RedisLocks:
    """A Redis lock per user (`SET NX PX` with a token, released by its owner only).

    While Redis is unavailable `fallback` stands in (see `RedisFallback`): on PostgreSQL
    the database's advisory locks (`DatabaseLocks`), so replicas stay exclusive; otherwise
    the in-process locks (SQLite is one process).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 300.0,
        wait: float = 600.0,
        guard: RedisFallback | None = None,
        fallback: UserLocks | None = None,
    ) -> None:
        from calendar_assistant.channels.redis_fallback import RedisFallback, connect

        self._redis = connect(url)
        self._timeout = timeout
        self._wait = wait
        self._guard = guard if guard is not None else RedisFallback("locks")
        self._fallback: UserLocks = fallback if fallback is not None else InProcessLocks()

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._redis.lock(
            f"calendar-assistant:user-lock:{key}",
            timeout=self._timeout,
            blocking_timeout=self._wait,
        )

        async def in_process() -> bool | None:
            return None

        acquired = await self._guard.call(lock.acquire, in_process)
        if acquired is None:
            async with self._fallback.hold(key):
                yield
            return
        if not acquired:
            raise TimeoutError(f"user {key} stayed locked for {self._wait:.0f} s")
        try:
            yield
        finally:
            try:
                await lock.release()
            except Exception as error:  # expired or Redis gone meanwhile: nothing to release
                log.warning("redis_lock_release_failed", error=type(error).__name__)

    async def close(self) -> None:
        await self._redis.aclose()


class FairSlots:
    """A limit on jobs running at once, shared by every channel and fair between them.

    The database takes only so many writers (two on SQLite): every channel's dispatcher
    draws from one `FairSlots`. Waiters queue per channel, and a freed slot goes to the
    channels in turn (round robin), so a burst of Telegram updates does not make the web
    chat wait behind all of it: a web message waits for at most one job per channel.
    """

    def __init__(self, limit: int) -> None:
        self._free = limit
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {}
        self._last: str | None = None

    @asynccontextmanager
    async def slot(self, channel: str) -> AsyncIterator[None]:
        await self._acquire(channel)
        try:
            yield
        finally:
            self._release()

    @property
    def waiting(self) -> dict[str, int]:
        """How many jobs wait per channel (for tests and metrics)."""
        return {c: len(q) for c, q in self._waiting.items() if q}

    async def _acquire(self, channel: str) -> None:
        if self._free > 0 and not any(self._waiting.values()):
            self._free -= 1
            self._last = channel
            return
        ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(channel, deque()).append(ticket)
        try:
            await ticket
        except asyncio.CancelledError:
            if ticket.done() and not ticket.cancelled():
                self._release()  # the slot was handed over as we were cancelled: pass it on
            else:
                self._waiting[channel].remove(ticket)
            raise

    def _release(self) -> None:
        channels = sorted(c for c, q in self._waiting.items() if q)
        if not channels:
            self._free += 1
            return
        after = [c for c in channels if self._last is None or c > self._last]
        channel = (after or channels)[0]
        self._last = channel
        self._waiting[channel].popleft().set_result(None)


class OrderedDispatcher:
    """Runs jobs concurrently across users and strictly in order within one user."""

    def __init__(
        self,
        locks: UserLocks,
        *,
        max_concurrent: int = 64,
        slots: FairSlots | None = None,
        channel: str = "default",
    ) -> None:
        self._locks = locks
        self._queues: dict[str, deque[tuple[Job, Failed | None, contextvars.Context]]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._slots = slots if slots is not None else FairSlots(max_concurrent)
        self._channel = channel
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, key: str, job: Job, failed: Failed | None = None) -> None:
        """Queue a job behind the user's earlier ones; returns at once. `failed` hears of a
        turn that could not be had (a user lock that never came), so no caller waits forever."""
        queue = self._queues.setdefault(key, deque())
        # The job runs in its submitter's context (the unit of work it belongs to, say),
        # not in that of whoever started the user's queue.
        queue.append((job, failed, contextvars.copy_context()))
        self._idle.clear()
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._drain(key), name=f"user-{key}")

    async def run(self, key: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run `call` in the user's turn and return its result (request/response channels)."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()

        async def job() -> None:
            try:
                done.set_result(await call())
            except Exception as error:
                done.set_exception(error)

        def failed(error: BaseException) -> None:
            if not done.done():
                done.set_exception(error)

        self.submit(key, job, failed)
        return await done

    @property
    def pending(self) -> int:
        return sum(len(q) for q in self._queues.values())

    @property
    def waiting(self) -> int:
        """This dispatcher's jobs not running yet: queued behind their user's earlier ones,
        or waiting for one of the shared slots (what a bound on waiting work counts)."""
        return self.pending + self._slots.waiting.get(self._channel, 0)

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                job, failed, context = queue.popleft()
                try:
                    await asyncio.create_task(self._turn(key, job), context=context)
                except Exception as error:  # the turn itself could not be had
                    log.exception("message_turn_failed", user=key)
                    if failed is not None:
                        failed(error)
        finally:
            self._queues.pop(key, None)
            self._workers.pop(key, None)
            if not self._workers:
                self._idle.set()

    async def _turn(self, key: str, job: Job) -> None:
        async with self._slots.slot(self._channel), self._locks.hold(key):
            await self._run_one(key, job)

    @staticmethod
    async def _run_one(key: str, job: Job) -> None:
        try:
            await job()
        except Exception:
            log.exception("message_job_failed", user=key)

    async def wait_idle(self, within: float | None = None) -> bool:
        """Wait until every queued job ran; False when the timeout came first."""
        try:
            await asyncio.wait_for(self._idle.wait(), within)
        except TimeoutError:
            return False
        return True

    async def close(self, within: float = 10.0) -> None:
        """Finish the queued jobs (a graceful stop loses nothing), then cancel stragglers."""
        if not await self.wait_idle(within):
            for task in list(self._workers.values()):
                task.cancel()
            await asyncio.gather(*self._workers.values(), return_exceptions=True)
