"""Redis is optional at run time: when it stops answering, the server keeps answering.

Every user of Redis (user locks, rate limiter, question store) goes through one
`RedisFallback`: a call goes to Redis; when it fails with a connection error or a timeout
the same call is made on the stand-in instead (in-process; the user locks on PostgreSQL use
the database's advisory locks), ONE warning `redis_unavailable`
is logged for the outage (not one per message) and the outage counter goes up. For
`retry_after` seconds Redis is left alone (no connect timeout per message), then the next
call tries it again; the first call that succeeds logs `redis_available_again`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import structlog
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = structlog.get_logger(__name__)

T = TypeVar("T")

#: What "Redis is unavailable" looks like to redis-py (refused, reset, timed out).
UNAVAILABLE: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)

#: How long a call may wait for an unreachable Redis before the fallback takes over.
SOCKET_TIMEOUT_SECONDS = 2.0


def connect(url: str) -> Redis:
    """A client that gives up within seconds, so a dead Redis never hangs a message."""
    from redis.asyncio import Redis

    return Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
    )


class RedisFallback:
    """Try Redis, else the fallback; warn once per outage; try Redis again after a back-off."""

    def __init__(
        self,
        component: str,
        *,
        retry_after: float = 5.0,
        on_outage: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        fallback: str = "in-process",
    ) -> None:
        self.component = component
        #: What stands in, as the warning names it ("in-process", "database").
        self.fallback = fallback
        self._retry_after = retry_after
        self._on_outage = on_outage
        self._clock = clock
        self._down = False
        self._retry_at = 0.0

    @property
    def down(self) -> bool:
        """Whether the last call found Redis unavailable (for tests and health pages)."""
        return self._down

    async def call(
        self, redis_call: Callable[[], Awaitable[T]], fallback: Callable[[], Awaitable[T]]
    ) -> T:
        if self._down and self._clock() < self._retry_at:
            return await fallback()
        try:
            result = await redis_call()
        except UNAVAILABLE as error:
            self._went_down(error)
            return await fallback()
        if self._down:
            self._down = False
            log.info("redis_available_again", component=self.component)
        return result

    def _went_down(self, error: BaseException) -> None:
        self._retry_at = self._clock() + self._retry_after
        if self._down:
            return  # the same outage: warned already
        self._down = True
        log.warning(
            "redis_unavailable",
            component=self.component,
            error=type(error).__name__,
            fallback=self.fallback,
            retry_seconds=self._retry_after,
        )
        if self._on_outage is not None:
            self._on_outage(self.component)
