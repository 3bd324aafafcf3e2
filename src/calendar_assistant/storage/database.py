"""The database handle: opens SQLite or PostgreSQL, migrates to head, hands out transactions."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, NoReturn, TypeVar

import structlog
from alembic.util.exc import CommandError
from sqlalchemy import Executable, Select, event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from calendar_assistant.storage.errors import StorageError
from calendar_assistant.storage.lanes import (
    EngineWork,
    HeldTransactionLost,
    Lanes,
    StatementListener,
    Work,
    failed_statement,
)
from calendar_assistant.storage.migrating import current_revision, head_revision, run_migrations
from calendar_assistant.storage.sqlite_setup import (
    SINGLE_READ,
    WRITE,
    configure_sqlite,
    prepare_sqlite_file,
)

__all__ = ["MEMO_SIZE", "Database", "UnitFailed", "fail_unit", "head_revision", "unit_failed"]

T = TypeVar("T")

log = structlog.get_logger(__name__)


#: How many results `Database.memo` keeps.
MEMO_SIZE = 256

_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}


# The first key of the two-key advisory locks per user (`Database.advisory_lock`); the
# second is hashtext(the user's key). Two-key locks never meet the one-key migration lock.
_USER_LOCKS = 0x43414C31  # "CAL1"


#: A pooled PostgreSQL connection unused this long is pinged before it is handed out again.
PING_AFTER_IDLE_SECONDS = 5.0
_IDLE_SINCE = "calendar_assistant_idle_since"


def _watch_pool(engine: AsyncEngine) -> None:
    """Hand out no pooled connection PostgreSQL has let go of, at the cost of a round trip
    only after a pause, instead of `pool_pre_ping`'s three at every checkout.

    A server restart (or a backend terminated) closes the socket, which the driver notices
    on the loop as it happens: such a connection is refused at checkout without asking the
    server, and, as a failed pre-ping does, every connection pooled before it is replaced.
    A connection idle `PING_AFTER_IDLE_SECONDS` or more (quiet traffic, or a network that
    drops a connection silently) is pinged first. What breaks between a checkout and its
    statement fails that statement, as it could with a pre-ping: the callers retry (the
    inbox's writes, a unit of work tried again, Telegram re-sending a webhook not answered
    200).
    """

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        driver = getattr(dbapi_connection, "_connection", None)
        if driver is not None and driver.is_closed():
            raise exc.InvalidatePoolError("the server closed the connection")
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise exc.InvalidatePoolError(f"the ping after a pause failed: {error}") from error

    sync = engine.sync_engine
    event.listen(sync, "checkin", checked_in)
    event.listen(sync, "checkout", checked_out)


class _Tracked:
    """`Work` whose calls go to the functions given (`Database._write_in_unit` notes which
    statements changed something)."""

    def __init__(
        self,
        rows: Callable[..., Sequence[Any]],
        raw: Callable[..., Sequence[Sequence[Any]]],
        execute: Callable[..., int],
    ) -> None:
        self.rows = rows
        self.raw = raw
        self.execute = execute


class _Unit:
    """One transaction that every storage call of a task (and the tasks it starts) joins.

    Its calls share one connection, one at a time (`use`, re-entrant within a task): a
    `transaction()` inside it is a SAVEPOINT, a read sees what the unit wrote. The first
    database error (other than a unique-key conflict, which only undoes its savepoint)
    marks the unit failed: every later call in it raises at once, and the unit rolls back
    whole however the caller went on (a "nothing was changed" answer is then true).
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self.connection: AsyncConnection | None = None
        self.failed: BaseException | None = None
        self.ended = False
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def use(self) -> AsyncIterator[AsyncConnection]:
        task = asyncio.current_task()
        if self._holder is not None and self._holder is task and self.connection is not None:
            try:  # nested in the same task: the same turn
                yield self.connection
            except (exc.DBAPIError, OSError) as error:
                if not isinstance(error, exc.IntegrityError):
                    self.failed = error
                raise
            return
        async with self._lock:
            self._holder = task
            try:
                if self.failed is not None:
                    raise self.database._translate_failed(self.failed)
                if self.ended:  # a task that outlived its unit (cancelled meanwhile)
                    raise UnitFailed("the unit of work has ended", location=self.database.location)
                try:
                    if self.connection is None:
                        self.connection = await self.database._engine.connect()
                        await self.connection.execution_options(**{WRITE: True})
                        await self.connection.begin()
                    yield self.connection
                except (exc.DBAPIError, OSError) as error:
                    if not isinstance(error, exc.IntegrityError):
                        self.failed = error
                    raise
            finally:
                self._holder = None

    async def end(self, *, commit: bool) -> None:
        self.ended = True
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            if commit:
                await connection.commit()
            else:
                with contextlib.suppress(exc.DBAPIError, OSError):
                    await connection.rollback()
        finally:
            with contextlib.suppress(exc.DBAPIError, OSError):
                await connection.close()


_UNIT: ContextVar[_Unit | None] = ContextVar("calendar_assistant_unit", default=None)


class _Batch:
    """The writes of one change on a SQLite file (`Database.together`): one transaction,
    begun at the first write and held until the block ends."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.held = False  # the lanes' inline writer holds our open transaction
        self.failed: BaseException | None = None  # SQLite rolled it back under us
        self.ended = False


_BATCH: ContextVar[_Batch | None] = ContextVar("calendar_assistant_batch", default=None)


def unit_failed() -> bool:
    """Whether the unit of work this task runs in has failed: retrying a storage call in
    it is futile (the whole unit is rolled back and tried again by its owner)."""
    unit = _UNIT.get()
    return unit is not None and unit.failed is not None


def fail_unit(error: BaseException) -> None:
    """Mark the unit of work this task runs in failed (nothing outside one): for a store
    outside the database (the Redis dialogue store) whose write did not happen, so the
    unit's database writes are rolled back whole with it and its owner tries again, as
    for a database error."""
    unit = _UNIT.get()
    if unit is not None and unit.failed is None:
        unit.failed = error


class UnitFailed(StorageError):
    """A unit of work whose storage failed was rolled back whole, whatever its caller
    answered meanwhile; nothing of it is kept."""


@asynccontextmanager
async def _committed(session: AsyncSession) -> AsyncIterator[None]:
    """Commit what the block did to `session`, or roll it back whole when the block raises:
    a change outside a unit and a savepoint inside one end the same way."""
    try:
        yield
    except BaseException:
        await session.rollback()
        raise
    await session.commit()


class Database:
    """One application database. Open it with `await Database.open(url)`; close it when done.

    Reads use `reading()` (a Core connection) or `session()` (an ORM session); changes use
    `transaction()`: one transaction per change, committed whole or rolled back whole.
    """

    def __init__(self, engine: AsyncEngine, location: str) -> None:
        self._engine = engine
        # The same pool; its connections skip BEGIN on SQLite (see `reading`). On PostgreSQL
        # one statement in autocommit is its own transaction, as it would be alone in one
        # at read committed: no BEGIN and ROLLBACK round trips around it.
        self._single_reads = (
            engine.execution_options(**{SINGLE_READ: True})
            if engine.dialect.name == "sqlite"
            else engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        # A SQLite transaction reads one snapshot already; PostgreSQL's default (read
        # committed) would let each statement see newer commits.
        self._snapshot_reads = (
            engine
            if engine.dialect.name == "sqlite"
            else engine.execution_options(isolation_level="REPEATABLE READ")
        )
        self.location = location
        # A SQLite file's read and write lanes (storage/lanes.py): set by `open`.
        self._lanes: Lanes | None = None
        self._listener_hooks: dict[int, tuple[Callable[..., None], Callable[..., None]]] = {}
        #: Results kept by callers of `read_keepable`, with the version they hold
        #: for (at most MEMO_SIZE; emptied when full).
        self.memo: dict[Hashable, tuple[Any, Any]] = {}

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    @classmethod
    async def open(
        cls, url: str, *, busy_timeout: float = 5.0, migrate: bool = True, check: bool = True
    ) -> Database:
        """Connect and run the migrations to head (`migrate`), or else only check that the
        schema is at head (`check`; a container migrates as its own step, see `migrate_to`).

        For SQLite the file's folder is created, WAL, foreign keys and a busy timeout are
        set. A corrupt, unreadable or locked file raises StorageError naming it; it is
        never reset or re-created.
        """
        try:
            parsed = make_url(url)
        except exc.ArgumentError as error:
            raise StorageError(f"not a database URL: {url!r}") from error
        backend = parsed.get_backend_name()
        backend = "postgresql" if backend == "postgres" else backend  # Heroku-style URLs
        if backend not in _ASYNC_DRIVERS:
            raise StorageError(
                f"unsupported database {backend!r} in {parsed.render_as_string()}: "
                "use sqlite:///PATH or postgresql://USER@HOST/DB"
            )
        # Plain URLs (sqlite:///..., postgresql://...) get the async driver we ship.
        parsed = parsed.set(drivername=f"{backend}+{_ASYNC_DRIVERS[backend]}")
        kwargs: dict[str, Any] = {}
        is_sqlite = backend == "sqlite"
        if is_sqlite:
            database = parsed.database or ""
            memory = database in ("", ":memory:") or database.startswith("file::memory:")
            location = ":memory:" if memory else prepare_sqlite_file(database)
            if memory:
                kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"timeout": busy_timeout, "check_same_thread": False}
        else:
            location = parsed.render_as_string(hide_password=True)
            # No `pool_pre_ping` (three round trips per checkout with asyncpg: BEGIN, a
            # ping, ROLLBACK): `_watch_pool` drops a connection the server closed, with no
            # round trip, and pings only one that sat idle (see `_PING_AFTER_IDLE_SECONDS`).
            # Last in, first out: the few connections in use stay warm (their prepared
            # statements cached) and the rest idle, instead of every one used in turn.
            kwargs["pool_use_lifo"] = True
            # A message handled from the inbox holds one connection for its whole unit of
            # work (`unit`): room for the inbox's 16 at once and the webhook's inserts,
            # while three replicas stay under PostgreSQL's default 100 connections. No
            # overflow: a connection beyond the pool was closed when given back, and a
            # burst of webhooks opened and closed one per few updates (85 in a burst of
            # 3,000; each a PostgreSQL backend started and its statements prepared again).
            # Past 30 in use a checkout waits for one given back.
            kwargs["pool_size"] = 30
            kwargs["max_overflow"] = 0
        engine = create_async_engine(parsed, **kwargs)
        if is_sqlite:
            configure_sqlite(engine, busy_timeout)
        else:
            _watch_pool(engine)
        db = cls(engine, location)
        if is_sqlite and location != ":memory:":
            db._lanes = Lanes(location, busy_timeout, engine.dialect)
        try:
            if migrate:
                async with engine.connect() as conn:
                    await conn.execution_options(**{WRITE: True})
                    await conn.run_sync(run_migrations)
                    await conn.commit()
            elif check:
                await db._check_head()
        except CommandError as error:
            await db.close()
            raise StorageError(
                f"the database {location} has a schema this version does not know "
                f"(written by a newer version?): {error}",
                location=location,
            ) from error
        except BaseException as error:
            await db.close()
            raise db._translate(error) from error
        return db

    async def _check_head(self) -> None:
        async with self._engine.connect() as conn:
            current = await conn.run_sync(current_revision)
        head = head_revision()
        if current != head:
            raise StorageError(
                f"the database {self.location} is at migration {current or 'none'}, this "
                f"version needs {head}: run `calendar-assistant migrate` first",
                location=self.location,
            )

    async def revision(self) -> str | None:
        """The migration the schema is at (None: an empty database)."""
        async with self._engine.connect() as conn:
            return await conn.run_sync(current_revision)

    async def migrate_to(self, target: str = "head", *, down: bool = False) -> str | None:
        """Upgrade to `target` (or downgrade, `down`); the revision reached."""
        try:
            async with self._engine.connect() as conn:
                await conn.execution_options(**{WRITE: True})
                await conn.run_sync(run_migrations, target, down=down)
                await conn.commit()
        except CommandError as error:
            raise StorageError(f"cannot migrate {self.location}: {error}") from error
        except BaseException as error:
            raise self._translate(error) from error
        return await self.revision()

    async def close(self) -> None:
        if self._lanes is not None:
            self._lanes.close()
            self._lanes = None
        await self._engine.dispose()

    # ----------------------------------------------------------------- units of work

    async def read(self, work: Callable[[Work], T], *, snapshot: bool = False) -> T:
        """Run `work` (a plain function of `Work`) as one read: on a SQLite file in one
        hand-off to the read lane; `snapshot` puts its statements in one read transaction.

        For the hot reads of a message; `work` must not await or block on anything else.
        """
        lanes = self._lanes
        if lanes is not None:
            batch = self._batch()
            if batch is not None and batch.held:  # sees what the change wrote so far
                return self._in_batch(batch, lambda: lanes.writes.read_held(work))
            return await self._on_lane(lanes.reads.run(work, "BEGIN" if snapshot else None))
        async with self.reading(snapshot=snapshot) as connection:
            return await connection.run_sync(lambda sync: work(EngineWork(sync)))

    async def write(self, work: Callable[[Work], T]) -> T:
        """Run `work` as one transaction, committed whole or rolled back whole (as
        `transaction()`): on a SQLite file in one hand-off to the write lane, which takes
        the write lock at BEGIN (two writers queue behind the busy timeout)."""
        lanes = self._lanes
        if lanes is not None:
            batch = self._batch()
            if batch is not None and (batch.held or self._hold(batch, lanes)):
                return self._in_batch(batch, lambda: lanes.writes.run_held(work))
            return await self._on_lane(lanes.writes.run(work, "BEGIN IMMEDIATE"))
        unit = self._unit()
        if unit is not None:
            return await self._write_in_unit(unit, work)
        async with self.transaction() as session:
            connection = await session.connection()
            return await connection.run_sync(lambda sync: work(EngineWork(sync)))

    async def _write_in_unit(self, unit: _Unit, work: Callable[[Work], T]) -> T:
        """`write` inside a unit of work: on the unit's connection, without the SAVEPOINT
        and RELEASE round trips around it. What cannot be undone alone then fails the
        whole unit (rolled back, and its owner tries again): a database error (a unique-key
        conflict too: PostgreSQL has aborted the transaction), or `work` raising after one
        of its changes ran. `work` raising before any change (having only read) leaves the
        unit as it was."""
        changed = False

        def run(sync: Any) -> T:
            nonlocal changed
            engine_work = EngineWork(sync)

            def rows(statement: Executable, parameters: Mapping[str, Any] | None = None) -> Any:
                nonlocal changed
                changed = changed or not isinstance(statement, Select)
                return engine_work.rows(statement, parameters)

            def execute(statement: Executable, parameters: Mapping[str, Any] | None = None) -> int:
                nonlocal changed
                changed = changed or not isinstance(statement, Select)
                return engine_work.execute(statement, parameters)

            return work(_Tracked(rows, engine_work.raw, execute))

        try:
            async with unit.use() as connection:
                return await connection.run_sync(run)
        except (exc.DBAPIError, OSError) as error:
            if unit.failed is None:
                unit.failed = error  # a unique-key conflict: the transaction is aborted
            if isinstance(error, exc.IntegrityError):
                raise
            raise self._translate(error) from error
        except BaseException as error:
            if changed and unit.failed is None:
                unit.failed = error  # half of `work` ran, and no savepoint can undo it
            raise

    async def write_one(self, work: Callable[[Work], T]) -> T:
        """`write` for a unit of work of ONE statement (an insert, an update by key),
        committed on return as `write`, with fewer round trips on PostgreSQL: outside a
        `unit()` in autocommit, where the statement is its own transaction (no BEGIN and
        COMMIT); inside one on the unit's connection without a savepoint around it, so a
        conflict on a unique key fails the whole unit (nothing to undo it alone).
        Elsewhere it is `write`."""
        if self._lanes is not None or self.dialect != "postgresql":
            return await self.write(work)
        unit = self._unit()
        try:
            if unit is None:
                async with self._single_reads.connect() as connection:
                    return await connection.run_sync(lambda sync: work(EngineWork(sync)))
            async with unit.use() as connection:
                return await connection.run_sync(lambda sync: work(EngineWork(sync)))
        except (exc.DBAPIError, OSError) as error:
            if isinstance(error, exc.IntegrityError):
                if unit is not None and unit.failed is None:
                    unit.failed = error  # the unit's transaction is aborted now
                raise
            raise self._translate(error) from error

    async def read_keepable(self, work: Callable[[Work], T]) -> tuple[bool, T]:
        """`work` as one snapshot read, and whether what it read is committed state, so a
        result made from it may be kept beside a version read in the same snapshot (a
        counter that moves with the data, e.g. `calendar_versions`) and trusted while that
        version holds.

        True on a SQLite file outside a change not yet committed (`together`, whose writes
        may still be rolled back, and which `work` then sees). Elsewhere False: PostgreSQL
        keeps no versions (the triggers are SQLite's), and an in-memory database has no
        lanes.
        """
        lanes = self._lanes
        batch = self._batch()
        keepable = lanes is not None and (batch is None or not batch.held)
        return keepable, await self.read(work, snapshot=True)

    async def fetch(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Any]:
        """Every row of one read statement (see `read`)."""
        return await self.read(lambda work: work.rows(statement, parameters))

    async def _on_lane(self, call: Awaitable[T]) -> T:
        """Await a lane call with the engine's error contract: IntegrityError passes as
        SQLAlchemy's, other driver errors become a StorageError a person can read."""
        try:
            return await call
        except sqlite3.Error as error:
            self._raise_lane_error(error)

    def _raise_lane_error(self, error: sqlite3.Error) -> NoReturn:
        if isinstance(error, sqlite3.IntegrityError):
            raise exc.IntegrityError(*failed_statement(error), error) from error
        wrapped = exc.DBAPIError.instance(*failed_statement(error), error, sqlite3.Error)
        try:  # raised as the engine raises it: SQLAlchemy's error from the driver's
            raise wrapped from error
        except exc.DBAPIError as raised:
            raise self._translate(raised) from raised

    # ----------------------------------------------------------------- one change, one write

    @asynccontextmanager
    async def together(self) -> AsyncIterator[None]:
        """The writes of the block as one transaction on a SQLite file: a change's event,
        its undo record and the dialogue state are one commit, not three.

        The transaction begins at the block's first write (`write`) and is committed when
        the block ends (rolled back whole when it raises); reads after that first write see
        what it wrote. It holds the file's write lock, so the block must not wait on
        anything slow after writing: a session or transaction on the engine commits it
        first (`settle` does so by hand), and other writers meanwhile wait their turn on
        the write lane. When the lock is taken at the first write, every write of the block
        is its own transaction, as outside it. Elsewhere (PostgreSQL, in-memory SQLite, or
        inside a `unit()`) the block changes nothing.
        """
        if self._lanes is None or self._batch() is not None or self._unit() is not None:
            yield
            return
        batch = _Batch(self)
        token = _BATCH.set(batch)
        try:
            try:
                yield
            except BaseException:
                self._end_batch(batch, commit=False)
                raise
            self._end_batch(batch, commit=True)
        finally:
            batch.ended = True
            _BATCH.reset(token)

    async def settle(self) -> None:
        """Commit what the current `together()` block has written so far (its next write
        begins a new transaction): before waiting on something slow, like another server."""
        batch = self._batch()
        if batch is not None and batch.held:
            self._end_batch(batch, commit=True)

    def _batch(self) -> _Batch | None:
        batch = _BATCH.get()
        return batch if batch is not None and batch.database is self and not batch.ended else None

    def _hold(self, batch: _Batch, lanes: Lanes) -> bool:
        try:
            batch.held = lanes.writes.hold(batch)
        except sqlite3.Error as error:
            self._raise_lane_error(error)
        return batch.held

    def _in_batch(self, batch: _Batch, call: Callable[[], T]) -> T:
        """A held-transaction call, with `_on_lane`'s error contract; once the transaction
        is lost every later call raises at once (nothing of the change is kept)."""
        if batch.failed is not None:
            raise self._translate_failed(batch.failed)
        try:
            return call()
        except HeldTransactionLost as lost:
            batch.failed = lost.error or lost
            if isinstance(lost.error, sqlite3.Error):
                self._raise_lane_error(lost.error)
            raise UnitFailed(
                f"a change to the database at {self.location} was rolled back",
                location=self.location,
            ) from lost
        except sqlite3.Error as error:
            self._raise_lane_error(error)

    def _end_batch(self, batch: _Batch, *, commit: bool) -> None:
        lanes = self._lanes
        if not batch.held or lanes is None:
            return
        batch.held = False
        try:
            lanes.writes.release(commit=commit and batch.failed is None)
        except HeldTransactionLost as lost:
            raise self._translate_failed(batch.failed or lost) from lost
        except sqlite3.Error as error:
            self._raise_lane_error(error)
        if commit and batch.failed is not None:
            raise self._translate_failed(batch.failed) from batch.failed

    def remember(self, key: Hashable, version: Any, value: Any) -> None:
        """Keep `value` in `memo` as read at `version` (nothing without a version)."""
        if version is None:
            return
        if len(self.memo) >= MEMO_SIZE:
            self.memo.clear()
        self.memo[key] = (version, value)

    def add_statement_listener(self, listener: StatementListener) -> None:
        """Call `listener` with every statement's SQL (and "COMMIT" per committed write),
        whether it went through the engine or a lane: for tests counting a message's cost."""
        if self._lanes is not None:
            self._lanes.listeners.append(listener)

        def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
            listener(sql)

        def commit(_conn: Any) -> None:
            listener("COMMIT")

        sync = self._engine.sync_engine
        event.listen(sync, "before_cursor_execute", statement)
        event.listen(sync, "commit", commit)
        self._listener_hooks[id(listener)] = (statement, commit)

    def remove_statement_listener(self, listener: StatementListener) -> None:
        """Stop calling `listener` (the same object that was added)."""
        if self._lanes is not None and listener in self._lanes.listeners:
            self._lanes.listeners.remove(listener)
        statement, commit = self._listener_hooks.pop(id(listener))
        sync = self._engine.sync_engine
        event.remove(sync, "before_cursor_execute", statement)
        event.remove(sync, "commit", commit)

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @property
    def atomic_units(self) -> bool:
        """Whether `unit()` makes one transaction (PostgreSQL); on SQLite it is a no-op:
        one process, one writer at a time, and a transaction as long as a message (with its
        LLM and calendar calls) would hold the file's write lock for all of it."""
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[None]:
        """One transaction around everything the block (and the tasks it starts) stores.

        Committed when the block ends, rolled back whole when it raises or when any of its
        storage calls failed (then `UnitFailed` is raised, even if the block went on). A
        unit inside a unit joins the outer one. On SQLite each call stays its own
        transaction (see `atomic_units`).
        """
        if not self.atomic_units or self._unit() is not None:
            yield
            return
        unit = _Unit(self)
        token = _UNIT.set(unit)
        try:
            try:
                yield
            except BaseException:
                await unit.end(commit=False)
                raise
            if unit.failed is not None:
                await unit.end(commit=False)
                raise self._translate_failed(unit.failed) from unit.failed
            try:
                await unit.end(commit=True)
            except (exc.DBAPIError, OSError) as error:
                raise UnitFailed(
                    f"cannot commit to the database at {self.location}: "
                    f"{str(error).splitlines()[0]}",
                    location=self.location,
                ) from error
        finally:
            _UNIT.reset(token)

    @asynccontextmanager
    async def advisory_lock(self, key: str) -> AsyncIterator[None]:
        """PostgreSQL only: a lock on `key` that every process on this database respects.

        Inside a `unit()` it is `pg_advisory_xact_lock` on the unit's own connection, held
        until the unit commits or rolls back (no connection of its own, and released by
        the server if this process dies). Outside a unit a session lock is taken on a
        pooled connection kept for the block and unlocked after it.
        """
        if self.dialect != "postgresql":
            raise StorageError(f"advisory locks need PostgreSQL, not {self.dialect}")
        parameters = {"space": _USER_LOCKS, "key": key}
        if self._unit() is not None:
            async with self.reading() as connection:
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"), parameters
                )
            yield
            return
        try:
            async with self._engine.connect() as connection:
                await connection.execute(
                    text("SELECT pg_advisory_lock(:space, hashtext(:key))"), parameters
                )
                await connection.commit()
                try:
                    yield
                finally:
                    try:
                        await connection.execute(
                            text("SELECT pg_advisory_unlock(:space, hashtext(:key))"), parameters
                        )
                        await connection.commit()
                    except (exc.DBAPIError, OSError) as error:  # gone: the server let go
                        log.warning("advisory_unlock_failed", error=type(error).__name__)
        except (exc.DBAPIError, OSError) as error:
            raise self._translate(error) from error

    def _unit(self) -> _Unit | None:
        unit = _UNIT.get()
        return unit if unit is not None and unit.database is self else None

    def _translate_failed(self, error: BaseException) -> UnitFailed:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        return UnitFailed(
            f"a unit of work on the database at {self.location} failed: {first}",
            location=self.location,
        )

    @asynccontextmanager
    async def _joined(self, unit: _Unit, *, write: bool) -> AsyncIterator[AsyncSession]:
        """A session inside the unit: a SAVEPOINT, released (`write`) or rolled back when
        the session closes (a read: what it loaded stays readable, as outside a unit)."""
        try:
            async with (
                unit.use() as connection,
                AsyncSession(
                    bind=connection,
                    expire_on_commit=False,
                    join_transaction_mode="create_savepoint",
                ) as session,
            ):
                if not write:  # closing undoes the savepoint (and expires nothing)
                    yield session
                    return
                async with _committed(session):
                    yield session
        except (exc.DBAPIError, OSError) as error:
            if isinstance(error, exc.IntegrityError):
                raise
            raise self._translate(error) from error

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A read session (its transaction is rolled back at the end)."""
        await self.settle()  # another connection: it sees only what is committed
        unit = self._unit()
        if unit is not None:
            async with self._joined(unit, write=False) as joined:
                yield joined
            return
        try:
            async with AsyncSession(self._engine, expire_on_commit=False) as session:
                yield session
        except (exc.DBAPIError, OSError) as error:
            if isinstance(error, exc.IntegrityError):
                raise
            raise self._translate(error) from error

    @asynccontextmanager
    async def reading(self, *, snapshot: bool = False) -> AsyncIterator[AsyncConnection]:
        """A plain connection for Core reads: lighter than an ORM session on hot paths.

        Without `snapshot` it is for ONE statement, which SQLite runs as its own read
        transaction (no BEGIN), and PostgreSQL in autocommit (no BEGIN and ROLLBACK round
        trips; one statement sees one snapshot either way); several statements that must
        see the same data ask for `snapshot=True` and get one read transaction around them.
        """
        await self.settle()  # another connection: it sees only what is committed
        unit = self._unit()
        if unit is not None:  # the unit's own connection: it sees what the unit wrote
            try:
                async with unit.use() as connection:
                    yield connection
            except (exc.DBAPIError, OSError) as error:
                raise self._translate(error) from error
            return
        engine = self._snapshot_reads if snapshot else self._single_reads
        try:
            async with engine.connect() as connection:
                yield connection
        except (exc.DBAPIError, OSError) as error:
            raise self._translate(error) from error

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One change: commits when the block ends, rolls back whole when it raises.

        Inside a `unit()` it is a SAVEPOINT of the unit's transaction instead, released when
        the block ends (kept when the unit commits)."""
        await self.settle()  # another connection: it would wait for our write lock
        unit = self._unit()
        if unit is not None:
            async with self._joined(unit, write=True) as joined:
                yield joined
            return
        try:
            async with AsyncSession(self._engine, expire_on_commit=False) as session:
                await session.connection(execution_options={WRITE: True})
                async with _committed(session):
                    yield session
        except (exc.DBAPIError, OSError) as error:
            if isinstance(error, exc.IntegrityError):
                raise
            raise self._translate(error) from error

    def _translate(self, error: BaseException) -> BaseException:
        """A driver error turned into a StorageError a person can read (others pass)."""
        if isinstance(error, StorageError) or not isinstance(error, exc.DBAPIError | OSError):
            return error
        text = str(getattr(error, "orig", None) or error).lower()
        where = self.location
        if self.dialect != "sqlite":
            message = f"cannot use the database at {where}: {str(error).splitlines()[0]}"
        elif "locked" in text or "busy" in text:
            message = f"the database file {where} is locked by another program; try again later"
        elif "not a database" in text or "malformed" in text or "corrupt" in text:
            message = f"the database file {where} is damaged or not a database; it was left as is"
        elif "readonly" in text or "read-only" in text:
            message = f"the database file {where} is read-only"
        elif "unable to open" in text or "disk i/o" in text:
            message = f"cannot open the database file {where}"
        else:
            message = f"the database file {where} failed: {text.splitlines()[0]}"
        return StorageError(message, location=where)
