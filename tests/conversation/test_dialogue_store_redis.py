"""The dialogue store's contract on both stores (SQL and Redis), a dialogue carried on by a
second assistant through the same Redis, and Redis lost mid-dialogue.

Redis is the one at 127.0.0.1:6379 (database 12, flushed by these tests only). When it does
not answer the Redis cases are skipped with the reason, except when CI is "true": then they
fail, because CI must run them (as the PostgreSQL tests, tests/conftest.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from calendar_assistant.actions.outcomes import BackendFailed
from calendar_assistant.calendars.accounts.credentials import generate_key
from calendar_assistant.config import Settings
from calendar_assistant.conversation.dialogue_state import (
    ConnectionAnswers,
    DialogueState,
    DialogueStates,
    SettingsPrompt,
    dialogue_store,
    redis_dialogue_store,
)
from calendar_assistant.conversation.state import Pending, Stage, Turn
from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.replies.render import View, render
from calendar_assistant.runtime import Runtime, open_runtime
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.dialogue_states import DialogueStateRepository
from calendar_assistant.storage.errors import StorageError
from calendar_assistant.storage.redis_dialogue_states import PREFIX
from calendar_assistant.storage.users import UserRepository, UserSettings
from fakes.tcp_proxy import TcpProxy
from support import BERLIN

REDIS = ("127.0.0.1", 6379)
DB = 12
URL = f"redis://{REDIS[0]}:{REDIS[1]}/{DB}"
NOW = datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN)
KEYS = generate_key()
TTL = timedelta(days=30)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis(host=REDIS[0], port=REDIS[1], db=DB)
    try:
        await client.ping()
    except Exception as error:
        await client.aclose()
        message = f"no Redis at {REDIS[0]}:{REDIS[1]}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must run the Redis tests)")
        pytest.skip(message)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


def _full_state() -> DialogueState:
    event = Event(
        id="e1",
        timezone=BERLIN.key,
        title="Lunch with Anna",
        start=NOW + timedelta(days=1),
        end=NOW + timedelta(days=1, hours=1),
    )
    command = Command(intent=Intent.DELETE_EVENT, title="Lunch with Anna", lang="en")
    return DialogueState(
        pending=Pending(stage=Stage.CONFIRM, command=command, token="t1", lang="en", asked_at=NOW),
        last_event=(event, NOW),
        turns=(Turn("user", "delete lunch", NOW),),
        settings_prompt=SettingsPrompt("timezone", NOW),
        connection=ConnectionAnswers(
            step="password",
            preset=None,
            lang="en",
            asked_at=NOW,
            url="https://dav.secret-host.example/",
            username="anna.secret",
        ),
    )


@pytest.mark.parametrize("kind", ["sql", "redis"])
async def test_the_store_contract(kind: str, tmp_path: Path, redis: Redis) -> None:
    database = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}")
    store: DialogueStates = (
        dialogue_store(database, KEYS) if kind == "sql" else redis_dialogue_store(URL, KEYS, TTL)
    )
    users = UserRepository(database)
    one = (await users.get_or_create("test:one", None, UserSettings())).id
    two = (await users.get_or_create("test:two", None, UserSettings())).id
    try:
        assert await store.load(404) == DialogueState()  # an unknown user: the empty state
        state = _full_state()
        await store.save(one, state)
        loaded = await store.load(one)
        assert loaded.pending == state.pending
        assert loaded.last_event == state.last_event
        assert loaded.turns == state.turns
        assert loaded.settings_prompt == state.settings_prompt
        assert loaded.connection == state.connection
        raw = await _raw(kind, database, redis, one)
        assert "secret-host" not in raw  # sealed at rest
        assert "anna.secret" not in raw
        assert "Lunch with Anna" in raw  # the rest is the plain document, as in SQL
        if kind == "redis":
            ttl = await redis.ttl(f"{PREFIX}{one}")
            assert TTL.total_seconds() - 60 < ttl <= TTL.total_seconds()
        await store.save(two, DialogueState(settings_prompt=SettingsPrompt("timezone", NOW)))
        await store.clear(one)
        assert await store.load(one) == DialogueState()
        assert (await store.load(two)).settings_prompt is not None  # another user's stays
        await store.save(two, DialogueState())  # the empty state is no row / no key
        assert await _raw(kind, database, redis, two) == ""
    finally:
        await store.close()
        await database.close()


async def _raw(kind: str, database: Database, redis: Redis, user_id: int) -> str:
    """What the store holds at rest for the user, as text ("" for nothing)."""
    if kind == "redis":
        value = await redis.get(f"{PREFIX}{user_id}")
        return "" if value is None else value.decode()
    document: dict[str, Any] | None = await DialogueStateRepository(database).load(user_id)
    return "" if document is None else json.dumps(document)


def _settings(tmp_path: Path, redis_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        default_timezone=BERLIN.key,
        default_language="en",
        credentials_keys=KEYS,
        redis_url=redis_url,
        dialogue_store="redis",
    )


async def _say(runtime: Runtime, text: str) -> str:
    replies: list[Reply] = await runtime.desk.handle(
        UserRef("test:anna", language_hint="en"), Inbound(text=text), NOW
    )
    return "\n".join(reply.text for reply in replies)


async def test_a_question_asked_by_one_assistant_is_answered_through_another(
    tmp_path: Path, redis: Redis
) -> None:
    settings = _settings(tmp_path, URL)
    async with open_runtime(settings) as first, open_runtime(settings) as second:
        await _say(first, "Lunch with Anna tomorrow at 13:00")
        asked = await _say(first, "delete lunch with Anna")
        keys = [key async for key in redis.scan_iter(f"{PREFIX}*")]
        assert len(keys) == 1, asked
        assert b"stage" in (await redis.get(keys[0]) or b"")  # the open question, in Redis
        user = await first.user("test:anna")
        assert await DialogueStateRepository(first.database).load(user.id) is None  # not in SQL
        answered = await _say(second, "yes")
        events = await second.calendar(user.id).list_events(NOW, NOW + timedelta(days=2))
        assert events == [], (asked, answered)


async def test_redis_lost_mid_dialogue_gets_try_again_and_keeps_the_question(
    tmp_path: Path, redis: Redis
) -> None:
    async with TcpProxy(REDIS[0], REDIS[1]) as proxy:
        settings = _settings(tmp_path, f"redis://127.0.0.1:{proxy.port}/{DB}")
        async with open_runtime(settings) as runtime:
            await _say(runtime, "Lunch with Anna tomorrow at 13:00")
            await _say(runtime, "delete lunch with Anna")
            [key] = [key async for key in redis.scan_iter(f"{PREFIX}*")]
            before = await redis.get(key)
            proxy.cut()
            answer = await _say(runtime, "yes")
            try_again = render(BackendFailed("storage"), View(lang="en", zone=BERLIN, now=NOW))
            assert answer == try_again.text, answer
            assert await redis.get(key) == before  # nothing half-written, the question kept
            user = await runtime.user("test:anna")
            events = await runtime.calendar(user.id).list_events(NOW, NOW + timedelta(days=2))
            assert [e.title for e in events] == ["Lunch with Anna"]  # nothing was done
            proxy.restore()
            await _say(runtime, "yes")  # Redis back: the same question is answered
            events = await runtime.calendar(user.id).list_events(NOW, NOW + timedelta(days=2))
            assert events == []


def test_redis_dialogue_store_needs_redis_url(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="DIALOGUE_STORE=redis needs REDIS_URL"):
        Settings(_env_file=None, data_dir=tmp_path, dialogue_store="redis")  # type: ignore[call-arg]


async def test_unreachable_redis_is_a_storage_error(tmp_path: Path) -> None:
    from fakes.telegram import free_port

    store = redis_dialogue_store(f"redis://127.0.0.1:{free_port()}/0", KEYS, TTL)
    try:
        with pytest.raises(StorageError, match="DIALOGUE_STORE=redis"):
            await store.load(1)
    finally:
        await store.close()


@pytest.mark.postgres
async def test_redis_failing_inside_a_unit_rolls_the_unit_back(postgres_url: str) -> None:
    """The inbox on PostgreSQL: a Redis failure fails the unit, so its database writes
    (here a new user) are not kept and the update is tried again."""
    from calendar_assistant.storage.database import UnitFailed
    from fakes.telegram import free_port

    database = await Database.open(postgres_url)
    store = redis_dialogue_store(f"redis://127.0.0.1:{free_port()}/0", KEYS, TTL)
    users = UserRepository(database)
    prompt = DialogueState(settings_prompt=SettingsPrompt("timezone", NOW))

    async def message() -> None:
        async with database.unit():
            record = await users.get_or_create("test:unit-rolled-back", None, UserSettings())
            with pytest.raises(StorageError):
                await store.save(record.id, prompt)

    try:
        with pytest.raises(UnitFailed):
            await message()
        assert await users.get("test:unit-rolled-back") is None
    finally:
        await store.close()
        await database.close()
