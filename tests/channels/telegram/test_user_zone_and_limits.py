"""Reading zones as people give them; the rate limiter's windows; per-user ordering."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from calendar_assistant.channels.ordering import InProcessLocks, OrderedDispatcher, RedisLocks
from calendar_assistant.channels.rate_limit import (
    InProcessRateLimiter,
    RedisRateLimiter,
    Verdict,
)
from calendar_assistant.conversation.zones import read_zone, zone_at


@pytest.mark.parametrize(
    ("said", "zone"),
    [
        ("Берлин", "Europe/Berlin"),
        ("в Москве", "Europe/Moscow"),
        ("Нью-Йорк", "America/New_York"),
        ("new york", "America/New_York"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("UTC+3", "Etc/GMT-3"),
        ("GMT-5", "Etc/GMT+5"),
        ("+0", "UTC"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
    ],
)
def test_zones_as_people_say_them(said: str, zone: str) -> None:
    found = read_zone(said)
    assert found is not None
    assert found.key == zone


@pytest.mark.parametrize("said", ["", "xyz", "UTC+15", "+05:30", "завтра в 10", "a" * 100])
def test_what_is_not_a_zone(said: str) -> None:
    assert read_zone(said) is None


def test_locations_give_zones_with_dst() -> None:
    berlin = zone_at(52.52, 13.405)
    new_york = zone_at(40.7128, -74.006)
    assert berlin is not None
    assert new_york is not None
    assert berlin.key == "Europe/Berlin"
    assert new_york.key == "America/New_York"
    assert zone_at(95.0, 0.0) is None


async def test_the_in_process_limit_answers_once_then_stays_silent() -> None:
    limiter = InProcessRateLimiter(per_minute=2)
    now = datetime(2027, 3, 28, 0, 59, 10, tzinfo=UTC)
    verdicts = [await limiter.check("telegram:1", now) for _ in range(4)]
    assert verdicts == [Verdict.ALLOWED, Verdict.ALLOWED, Verdict.LIMITED, Verdict.SILENCED]
    assert await limiter.check("telegram:2", now) is Verdict.ALLOWED
    assert await limiter.check("telegram:1", now + timedelta(minutes=1)) is Verdict.ALLOWED


async def test_one_users_jobs_run_in_order_while_users_run_in_parallel() -> None:
    dispatcher = OrderedDispatcher(InProcessLocks())
    seen: list[tuple[str, int]] = []

    def job(user: str, n: int, pause: float) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await asyncio.sleep(pause)
            seen.append((user, n))

        return run

    for n in range(5):
        dispatcher.submit("a", job("a", n, 0.02 * (5 - n)))
        dispatcher.submit("b", job("b", n, 0.001))
    assert await dispatcher.wait_idle(5)
    assert [n for u, n in seen if u == "a"] == [0, 1, 2, 3, 4]
    assert [n for u, n in seen if u == "b"] == [0, 1, 2, 3, 4]
    assert seen.index(("b", 4)) < seen.index(("a", 1))  # b did not wait for a


REDIS_URL = os.environ.get("CALENDAR_ASSISTANT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


async def _redis_or_skip() -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:
        message = f"Redis at {REDIS_URL} unreachable: {type(error).__name__}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must run the Redis tests)")
        pytest.skip(message)
    finally:
        await client.aclose()


async def test_two_replicas_never_answer_one_user_at_once_with_redis() -> None:
    await _redis_or_skip()
    locks = [RedisLocks(REDIS_URL), RedisLocks(REDIS_URL)]
    replicas = [OrderedDispatcher(lock) for lock in locks]
    inside = 0
    most = 0

    async def job() -> None:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1

    user = f"telegram:{os.getpid()}"
    for _ in range(10):
        for replica in replicas:
            replica.submit(user, job)
    for replica in replicas:
        assert await replica.wait_idle(20)
    for lock in locks:
        await lock.close()
    assert most == 1


async def test_replicas_share_the_rate_limit_in_redis() -> None:
    await _redis_or_skip()
    first = RedisRateLimiter(REDIS_URL, per_minute=3)
    second = RedisRateLimiter(REDIS_URL, per_minute=3)
    now = datetime.now(UTC)
    user = f"web:{os.getpid()}:{now.timestamp()}"
    verdicts = [await limiter.check(user, now) for limiter in (first, second) * 3]
    await first.close()
    await second.close()
    assert verdicts.count(Verdict.ALLOWED) == 3
    assert verdicts[3] is Verdict.LIMITED


async def test_a_user_lock_that_never_comes_fails_the_message_instead_of_hanging_it() -> None:
    """A lock held elsewhere past the wait: `run` raises (the caller answers or retries),
    the user's later messages still run once the lock is free."""
    await _redis_or_skip()
    holder, waiter = RedisLocks(REDIS_URL), RedisLocks(REDIS_URL, wait=0.3)
    dispatcher = OrderedDispatcher(waiter)
    ran: list[str] = []

    async def note() -> str:
        ran.append("job")
        return "done"

    try:
        async with holder.hold("stuck-user"):
            # The lock's own error, not the test's time-out: the caller heard of it.
            with pytest.raises(TimeoutError, match="stayed locked"):
                await asyncio.wait_for(dispatcher.run("stuck-user", note), timeout=30)
        assert ran == []
        assert await asyncio.wait_for(dispatcher.run("stuck-user", note), timeout=30) == "done"
        assert ran == ["job"]
    finally:
        await holder.close()
        await waiter.close()
