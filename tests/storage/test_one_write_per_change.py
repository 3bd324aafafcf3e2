"""`Database.together()`: on a SQLite file the writes of one change (an event, its undo
record, the dialogue state) are one transaction, begun at the first write and committed
when the block ends; other writers wait for it, and nothing waits on it forever."""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import bindparam, delete

from calendar_assistant.storage import (
    Database,
    DialogueStateRepository,
    ReminderRepository,
    StorageError,
    UndoLogRepository,
    UserRepository,
)
from calendar_assistant.storage.lanes import Work
from calendar_assistant.storage.models import DialogueStateRow


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'calendar.sqlite3'}")
    try:
        yield database
    finally:
        await database.close()


def _committed_states(db: Database) -> int:
    """The dialogue states another connection (another program) sees."""
    with sqlite3.connect(db.location) as other:
        return int(other.execute("SELECT count(*) FROM dialogue_states").fetchone()[0])


async def test_the_writes_of_a_change_are_one_transaction(db: Database) -> None:
    user = await UserRepository(db).get_or_create("test:one")
    states, undo = DialogueStateRepository(db), UndoLogRepository(db)
    seen: list[str] = []
    db.add_statement_listener(seen.append)
    async with db.together():
        await states.save(user.id, {"n": 1})
        await undo.push(user.id, "create", [{"n": 1}])
        assert _committed_states(db) == 0  # not yet visible to anyone else
        assert await states.load(user.id) == {"n": 1}  # but to the change itself
        assert (await undo.latest(user.id)) is not None
        assert "COMMIT" not in seen
    assert seen.count("COMMIT") == 1
    assert _committed_states(db) == 1
    assert await states.load(user.id) == {"n": 1}


async def test_a_failing_unit_of_work_undoes_only_itself(db: Database) -> None:
    user = await UserRepository(db).get_or_create("test:savepoint")
    states = DialogueStateRepository(db)
    remove = delete(DialogueStateRow).where(DialogueStateRow.user_id == bindparam("user_id"))

    def remove_then_fail(work: Work) -> None:
        assert work.execute(remove, {"user_id": user.id}) == 1
        raise RuntimeError("halfway")

    async with db.together():
        await states.save(user.id, {"n": 1})
        with pytest.raises(RuntimeError, match="halfway"):
            await db.write(remove_then_fail)
        assert await states.load(user.id) == {"n": 1}
    assert await states.load(user.id) == {"n": 1}


async def test_a_block_that_raises_keeps_nothing(db: Database) -> None:
    user = await UserRepository(db).get_or_create("test:raises")
    states = DialogueStateRepository(db)

    async def change_then_fail() -> None:
        async with db.together():
            await states.save(user.id, {"n": 1})
            raise RuntimeError("after the write")

    with pytest.raises(RuntimeError, match="after the write"):
        await change_then_fail()
    assert await states.load(user.id) is None
    async with db.together():  # the connection is free again
        await states.save(user.id, {"n": 2})
    assert await states.load(user.id) == {"n": 2}


async def test_another_writer_waits_for_the_change_and_then_commits(db: Database) -> None:
    """A write from outside the block (another message) while the block holds the lock
    waits on the write lane, off the loop, and commits after the block."""
    users = UserRepository(db)
    first, second = [await users.get_or_create(key) for key in ("test:a", "test:b")]
    states = DialogueStateRepository(db)
    async with db.together():
        await states.save(first.id, {"n": 1})
        other = asyncio.create_task(states.save(second.id, {"n": 2}), context=contextvars.Context())
        await asyncio.sleep(0.05)
        assert not other.done()  # waiting for our lock
        assert _committed_states(db) == 0
    await asyncio.wait_for(other, 5)
    assert _committed_states(db) == 2


async def test_an_engine_transaction_inside_commits_the_change_first(db: Database) -> None:
    """A transaction on the engine (another connection) inside the block would wait for the
    block's own lock: the block's writes are committed before it instead."""
    user = await UserRepository(db).get_or_create("test:engine")
    states, reminders = DialogueStateRepository(db), ReminderRepository(db)
    seen: list[str] = []
    db.add_statement_listener(seen.append)
    async with asyncio.timeout(3), db.together():
        await states.save(user.id, {"n": 1})
        await reminders.add(user.id, "call", datetime(2027, 1, 1, 9, tzinfo=UTC))
        await states.save(user.id, {"n": 2})
    assert seen.count("COMMIT") == 3
    assert await states.load(user.id) == {"n": 2}
    assert len(await reminders.list_for_user(user.id)) == 1


async def test_a_change_that_finds_the_lock_taken_waits_and_then_commits(
    db: Database,
) -> None:
    """Another program holds the write lock (`BEGIN IMMEDIATE`) when the change writes:
    each write waits its turn on the write lane, as outside the block, and nothing fails."""
    user = await UserRepository(db).get_or_create("test:locked")
    states, undo = DialogueStateRepository(db), UndoLogRepository(db)
    holder = sqlite3.connect(db.location, check_same_thread=False, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, holder.execute, "ROLLBACK")
    try:
        async with db.together():
            await states.save(user.id, {"n": 1})
            await undo.push(user.id, "create", [{"n": 1}])
    finally:
        holder.close()
    assert await states.load(user.id) == {"n": 1}
    assert (await undo.latest(user.id)) is not None


async def test_a_lost_transaction_is_reported_not_half_kept(db: Database) -> None:
    """When SQLite ends the held transaction itself (a full disk, an I/O error) the writes
    before are gone: the block ends with a StorageError instead of claiming them."""
    user = await UserRepository(db).get_or_create("test:lost")
    states = DialogueStateRepository(db)

    def rolled_back_under_us(work: Work) -> None:
        lanes = db._lanes
        assert lanes is not None
        connection = lanes.writes._connection
        assert connection is not None
        connection.execute("ROLLBACK")  # what SQLite does after SQLITE_FULL or SQLITE_IOERR
        raise sqlite3.OperationalError("database or disk is full")

    async def change() -> None:
        async with db.together():
            await states.save(user.id, {"n": 1})
            with pytest.raises(StorageError):
                await db.write(rolled_back_under_us)
            with pytest.raises(StorageError):  # every later write fails at once
                await states.save(user.id, {"n": 3})
            with pytest.raises(StorageError):
                await states.load(user.id)

    with pytest.raises(StorageError):
        await change()
    assert _committed_states(db) == 0  # not even the write after the loss
    assert await states.load(user.id) is None
    async with db.together():
        await states.save(user.id, {"n": 2})
    assert await states.load(user.id) == {"n": 2}
