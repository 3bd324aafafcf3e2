"""An inbox update's handling and its kept reply are one transaction (PostgreSQL).

The real server process on a database of its own, the fake Bot API.

- A crash between the calendar change and the kept reply acts once: the test holds a lock
  on `undo_log` (the write that follows the new event), so every update in hand stops right
  after its event was inserted and before its reply is kept; the server is killed there
  (kill -9, no shutdown code), the lock let go, and a new process handles the inbox. The
  killed process's events were never committed, so the retry stores each meeting once and
  each user hears one reply.
- An update whose storage fails every time (a table renamed away) is retried, then
  dead-lettered, and the user is told nothing was changed, which is true: no event.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from calendar_assistant.storage.database import Database
from fakes.telegram import FakeTelegram
from serving import (
    ServerProcess,
    meeting_updates,
    scalar,
    send_updates,
    server_env,
    tally,
    until_settled,
)

pytestmark = pytest.mark.postgres

USERS = 6

#: The backends that wait for the test's lock on undo_log and have inserted an event.
_STOPPED_AFTER_THE_CHANGE = """
SELECT count(*) FROM pg_locks waiting
WHERE waiting.relation = 'undo_log'::regclass AND NOT waiting.granted
  AND EXISTS (
    SELECT 1 FROM pg_locks written
    WHERE written.pid = waiting.pid AND written.relation = 'events'::regclass
      AND written.mode = 'RowExclusiveLock' AND written.granted
  )
"""


async def _connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        database=parsed.database,
    )


async def _until(check: Callable[[], object], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():  # type: ignore[misc]
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_kill_9_after_the_change_before_the_kept_reply_acts_once(
    tmp_path: Path, fake: FakeTelegram, own_database: str, servers: list[ServerProcess]
) -> None:
    await (await Database.open(own_database)).close()  # migrated before the servers start
    env = server_env(tmp_path, fake, own_database, INBOX_LEASE_SECONDS="2")
    first = ServerProcess(env, tmp_path / "first.log").start()
    servers.append(first)
    await first.wait_ready()
    blocker = await _connect(own_database)
    try:
        holding = blocker.transaction()
        await holding.start()
        await blocker.execute("LOCK TABLE undo_log IN SHARE ROW EXCLUSIVE MODE")
        load = meeting_updates(fake, users=USERS, each=1, first_user=21_000)
        assert (await send_updates([first.webhook], load)).statuses == {200: USERS}

        async def all_changed() -> bool:
            return int(await blocker.fetchval(_STOPPED_AFTER_THE_CHANGE)) == USERS

        await _until(all_changed, within=60)  # every event inserted, no reply kept yet
        first.kill()
        assert fake.calls_of("sendMessage") == []
        await holding.rollback()
    finally:
        await blocker.close()
    second = ServerProcess(env, tmp_path / "second.log").start()
    servers.append(second)
    await second.wait_ready()
    assert await until_settled(own_database, USERS, within=60) == {"done": USERS}
    counted = tally(fake, load)
    assert (counted.replies, counted.lost, counted.duplicated) == (USERS, 0, 0)
    assert await scalar(own_database, "SELECT count(*) FROM events") == USERS
    assert await scalar(own_database, "SELECT count(*) FROM undo_log") == USERS
    assert await scalar(own_database, "SELECT min(attempts) FROM inbox") == 2


async def test_an_update_failing_in_storage_every_time_is_dead_lettered_and_told(
    tmp_path: Path, fake: FakeTelegram, own_database: str, servers: list[ServerProcess]
) -> None:
    await (await Database.open(own_database)).close()
    admin = await _connect(own_database)
    try:
        await admin.execute("ALTER TABLE undo_log RENAME TO undo_log_away")
    finally:
        await admin.close()
    env = server_env(tmp_path, fake, own_database, INBOX_MAX_ATTEMPTS="2")
    server = ServerProcess(env, tmp_path / "server.log").start()
    servers.append(server)
    await server.wait_ready()
    load = meeting_updates(fake, users=1, each=1, first_user=22_000)
    assert (await send_updates([server.webhook], load)).statuses == {200: 1}
    assert await until_settled(own_database, 1, within=60) == {"dead": 1}
    await fake.until(lambda: len(fake.calls_of("sendMessage")) >= 1, within=10)
    chat = load[0][0]["message"]["chat"]["id"]
    assert fake.texts_to(chat) == [
        "Что-то пошло не так, ничего не изменено. Попробуйте ещё раз чуть позже."
    ]
    assert await scalar(own_database, "SELECT count(*) FROM events") == 0
    assert await scalar(own_database, "SELECT attempts FROM inbox") == 2
    assert len(server.log_events("inbox_dead_letter")) == 1
