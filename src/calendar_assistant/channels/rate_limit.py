"""A per-user message rate limit: a fixed one-minute window, in process or in Redis.

The Redis client is imported only when a Redis limiter is built, so the terminal (the core,
without the redis extra) counts in process with the same front door.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from calendar_assistant.channels.redis_fallback import RedisFallback


class Verdict(Enum):
    ALLOWED = "allowed"
    #: The first message over the limit in a window: answer it politely once.
    LIMITED = "limited"
    #: Further messages in the same window: dropped without a word (no reply flood).
    SILENCED = "silenced"


def _verdict(count: int, limit: int) -> Verdict:
    if count <= limit:
        return Verdict.ALLOWED
    return Verdict.LIMITED if count == limit + 1 else Verdict.SILENCED


class RateLimiter(Protocol):
    async def check(self, key: str, now: datetime) -> Verdict: ...

    async def close(self) -> None: ...


class InProcessRateLimiter:
    """Counts per user and minute in memory; old windows are dropped as time moves on."""

    def __init__(self, per_minute: int) -> None:
        self._limit = per_minute
        self._window = -1
        self._counts: dict[str, int] = {}

    async def check(self, key: str, now: datetime) -> Verdict:
        window = int(now.timestamp() // 60)
        if window != self._window:
            self._window = window
            self._counts.clear()
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return _verdict(count, self._limit)

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    """The same window shared by replicas: INCR on a key that expires with its minute.

    While Redis is unavailable each replica counts in process (see `RedisFallback`).
    """

    def __init__(self, url: str, per_minute: int, *, guard: RedisFallback | None = None) -> None:
        from calendar_assistant.channels.redis_fallback import RedisFallback, connect

        self._redis = connect(url)
        self._limit = per_minute
        self._guard = guard if guard is not None else RedisFallback("rate_limiter")
        self._fallback = InProcessRateLimiter(per_minute)

    async def check(self, key: str, now: datetime) -> Verdict:
        async def shared() -> Verdict:
            window = int(now.timestamp() // 60)
            name = f"calendar-assistant:rate:{key}:{window}"
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, 120)
                count, _ = await pipe.execute()
            return _verdict(int(count), self._limit)

        return await self._guard.call(shared, lambda: self._fallback.check(key, now))

    async def close(self) -> None:
        await self._redis.aclose()
