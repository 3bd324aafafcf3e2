"""`Database.unit()`: everything a block stores as one transaction on PostgreSQL (what the
inbox wraps around an update's handling and its kept answer); on SQLite each call stays
its own transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import exc, func, select, text

from calendar_assistant.storage.database import Database, UnitFailed, unit_failed
from calendar_assistant.storage.errors import StorageError
from calendar_assistant.storage.inbox import Inbox, InboxRow
from calendar_assistant.storage.lanes import Work

pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _row(external_id: str) -> InboxRow:
    return InboxRow(
        channel="test",
        external_id=external_id,
        chat_key="c",
        payload="{}",
        state="queued",
        attempts=0,
        received_at=NOW,
    )


async def _stored(database: Database) -> list[str]:
    async with database.reading() as connection:
        rows = await connection.execute(select(InboxRow.external_id).order_by(InboxRow.id))
        return [str(value) for (value,) in rows]


@pytest.fixture
async def postgres(postgres_url: str) -> AsyncIterator[Database]:
    database = await Database.open(postgres_url)
    async with database.transaction() as session:
        await session.execute(text("TRUNCATE inbox RESTART IDENTITY"))
    try:
        yield database
    finally:
        await database.close()


async def _crash_in_unit(database: Database, body: Callable[[], Awaitable[object]]) -> None:
    """A unit whose block raises after `body` stored its part."""
    async with database.unit():
        await body()
        raise RuntimeError("crashed after the change")


async def _bad_query(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(text("SELECT * FROM no_such_table"))


async def test_a_unit_is_kept_whole_when_it_ends(postgres: Database) -> None:
    inbox = Inbox(postgres, "me")
    async with postgres.unit():
        assert await inbox.add("test", "1", "c", "{}", NOW)
        assert await inbox.add("test", "2", "c", "{}", NOW)
        async with postgres.session() as session:  # a read in the unit sees its writes
            assert await session.scalar(select(func.count()).select_from(InboxRow)) == 2
        outside = await asyncio.create_task(_outside(postgres))
        assert outside == 0  # nothing committed yet
    assert await _stored(postgres) == ["1", "2"]


async def _outside(database: Database) -> int:
    """A count from a connection of its own (a task without the unit's context)."""
    async with database.engine.connect() as connection:
        return int((await connection.execute(text("SELECT count(*) FROM inbox"))).scalar_one())


async def test_a_block_that_raises_keeps_nothing(postgres: Database) -> None:
    inbox = Inbox(postgres, "me")
    with pytest.raises(RuntimeError):
        await _crash_in_unit(postgres, partial(inbox.add, "test", "1", "c", "{}", NOW))
    assert await _stored(postgres) == []


async def test_a_storage_error_the_block_swallowed_still_rolls_back_whole(
    postgres: Database,
) -> None:
    """As the front door turns a storage error into "nothing was changed": that answer is
    true, because the unit keeps nothing of the message, and its owner hears of it."""
    inbox = Inbox(postgres, "me")

    async def swallowing() -> None:
        async with postgres.unit():
            await inbox.add("test", "1", "c", "{}", NOW)
            with pytest.raises(StorageError):
                await _bad_query(postgres)
            assert unit_failed()
            with pytest.raises(UnitFailed):  # every later call fails at once
                await inbox.add("test", "2", "c", "{}", NOW)

    with pytest.raises(UnitFailed):
        await swallowing()
    assert not unit_failed()
    assert await _stored(postgres) == []


async def test_a_unique_key_conflict_undoes_only_its_savepoint(postgres: Database) -> None:
    async with postgres.unit():
        async with postgres.transaction() as session:
            session.add(_row("1"))
        with pytest.raises(exc.IntegrityError):
            async with postgres.transaction() as session:
                session.add(_row("1"))
        assert not unit_failed()
        async with postgres.transaction() as session:
            session.add(_row("2"))
    assert await _stored(postgres) == ["1", "2"]


async def test_tasks_started_in_a_unit_share_it_one_call_at_a_time(postgres: Database) -> None:
    inbox = Inbox(postgres, "me")

    async def add(n: int) -> None:
        await inbox.add("test", str(n), "c", "{}", NOW)

    async def eight() -> None:
        await asyncio.gather(*(add(n) for n in range(8)))
        assert len(await _stored(postgres)) == 8

    with pytest.raises(RuntimeError):
        await _crash_in_unit(postgres, eight)
    assert await _stored(postgres) == []
    async with postgres.unit():
        await asyncio.gather(*(add(n) for n in range(8)))
    assert sorted(await _stored(postgres)) == [str(n) for n in range(8)]


async def test_a_unit_in_a_unit_joins_it(postgres: Database) -> None:
    inbox = Inbox(postgres, "me")

    async def inner() -> None:
        async with postgres.unit():
            await inbox.add("test", "1", "c", "{}", NOW)

    with pytest.raises(RuntimeError):  # the outer one decides
        await _crash_in_unit(postgres, inner)
    assert await _stored(postgres) == []


async def test_on_sqlite_each_call_stays_its_own_transaction(sqlite_url: str) -> None:
    database = await Database.open(sqlite_url)
    try:
        assert not database.atomic_units
        inbox = Inbox(database, "me")
        with pytest.raises(RuntimeError):
            await _crash_in_unit(database, partial(inbox.add, "test", "1", "c", "{}", NOW))
        assert await _stored(database) == ["1"]
    finally:
        await database.close()


async def test_rows_read_in_a_unit_stay_readable_after_their_block(postgres: Database) -> None:
    """A session in a unit ends without expiring what it loaded (as outside one)."""
    async with postgres.transaction() as session:
        session.add(_row("1"))
    async with postgres.transaction() as session:
        await session.execute(text("UPDATE inbox SET state = 'dead', last_error = 'x'"))
    async with postgres.unit():
        letters = await Inbox(postgres, "me").dead_letters()
        async with postgres.transaction() as session:
            added = _row("2")
            session.add(added)
            await session.flush()
        assert (added.id, added.external_id) == (2, "2")  # so is what a change wrote
    assert [(letter.external_id, letter.last_error) for letter in letters] == [("1", "x")]


_INSERT = text(
    "INSERT INTO inbox (channel, external_id, chat_key, payload, state, attempts, received_at)"
    " VALUES ('test', :external_id, 'c', '{}', 'queued', 0, now())"
)


async def test_a_write_in_a_unit_takes_no_savepoint_and_fails_it_when_half_done(
    postgres: Database,
) -> None:
    """`write` in a unit runs on the unit's connection without SAVEPOINT and RELEASE round
    trips; what a savepoint would have undone alone fails the whole unit instead."""
    seen: list[str] = []
    listener = seen.append
    postgres.add_statement_listener(listener)

    def insert_then_fail(work: Work) -> None:
        work.execute(_INSERT, {"external_id": "half"})
        raise RuntimeError("halfway")

    def read_then_fail(work: Work) -> None:
        work.rows(select(InboxRow.id))
        raise LookupError("nothing to change")

    try:
        async with postgres.unit():
            await postgres.write(lambda work: work.execute(_INSERT, {"external_id": "1"}))
            with pytest.raises(LookupError):  # only read: nothing to undo, the unit goes on
                await postgres.write(read_then_fail)
            assert not unit_failed()
            await postgres.write(lambda work: work.execute(_INSERT, {"external_id": "2"}))
        assert not any("SAVEPOINT" in sql for sql in seen)
        assert await _stored(postgres) == ["1", "2"]

        async def half_done() -> None:
            async with postgres.unit():
                await postgres.write(lambda work: work.execute(_INSERT, {"external_id": "3"}))
                with pytest.raises(RuntimeError):
                    await postgres.write(insert_then_fail)
                assert unit_failed()

        async def conflicting() -> None:  # a unique-key conflict: the transaction is aborted
            async with postgres.unit():
                with pytest.raises(exc.IntegrityError):
                    await postgres.write(lambda work: work.execute(_INSERT, {"external_id": "1"}))
                assert unit_failed()

        with pytest.raises(UnitFailed):
            await half_done()
        with pytest.raises(UnitFailed):
            await conflicting()
        assert await _stored(postgres) == ["1", "2"]
    finally:
        postgres.remove_statement_listener(listener)
