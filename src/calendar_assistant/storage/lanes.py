"""Statements in one hand-off: the hot reads and writes of a message, compiled once.

Through SQLAlchemy's async layer each statement on SQLite is several hand-offs to
aiosqlite's thread (cursor, execute, fetch, close, and BEGIN/COMMIT around a write), and on
a loaded machine every hand-off waits for a core. A *lane* is a plain `sqlite3` connection
with a thread of its own: a whole unit of work (one read, a snapshot of two, or a write
transaction of a few statements) runs there as one call. Reads and writes run inline on
the loop's thread (`InlineReads`, `InlineWrites`) on connections that never wait, falling
back to a lane (which may wait) only when the file is busy or the write lock taken. Statements are still SQLAlchemy
Core, compiled once per statement object, with their bind and result types applied, so a
row read here equals the row read through the engine.

On PostgreSQL (and for an in-memory SQLite, which a second connection cannot see) the same
unit of work runs on an engine connection through `run_sync`: one code path for callers.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import JSON, ClauseElement, Connection, Dialect, Executable
from sqlalchemy.sql.compiler import SQLCompiler

T = TypeVar("T")

#: Called with each statement's SQL text (and "COMMIT" for each commit): for tests that
#: count what a message costs, whichever way the statements went.
StatementListener = Callable[[str], None]


class Work(Protocol):
    """What a unit of work runs statements with (a lane's or an engine connection's)."""

    def rows(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Any]:
        """Every row, values converted by the column types, columns as attributes."""
        ...

    def raw(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        """Every row as the driver gives it (no result types): for thousands of rows."""
        ...

    def execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> int:
        """Run a change; the number of rows it touched."""
        ...


class _Plan:
    """A statement compiled for SQLite: text, parameter order, bind and result processors."""

    __slots__ = ("binds", "converted", "fixed", "order", "results", "row", "sql", "statement")

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, cast(ClauseElement, statement).compile(dialect=dialect))
        if (
            compiled.positiontup is None
            or compiled.literal_execute_params
            or compiled.post_compile_params
            or getattr(compiled, "insert_prefetch", None)
            or getattr(compiled, "update_prefetch", None)
        ):
            # Expanding IN lists and Python-side defaults need SQLAlchemy's execution.
            raise NotImplementedError("statement needs SQLAlchemy's execution context")
        self.statement = statement
        self.sql = str(compiled)
        self.order = tuple(compiled.positiontup)
        self.binds = {
            name: compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in set(self.order)
        }
        # Values the statement carries itself (a LIMIT, a literal compared with).
        self.fixed = {
            name: bind.effective_value
            for name in set(self.order)
            if not (bind := compiled.binds[name]).required
        }
        columns = compiled._result_columns or []
        self.results = tuple(_result_processor(column.type, dialect) for column in columns)
        # Only the columns that have a processor are touched per row (a window's events:
        # 7 of 15), each by its index.
        self.converted = tuple(
            (index, process) for index, process in enumerate(self.results) if process is not None
        )
        keys = [column.keyname for column in columns]
        self.row: Any = namedtuple("LaneRow", keys, rename=True) if keys else None

    def values(self, parameters: Mapping[str, Any] | None) -> list[Any]:
        given = self.fixed | dict(parameters) if parameters else self.fixed
        binds = self.binds
        return [
            given[name] if (process := binds[name]) is None else process(given[name])
            for name in self.order
        ]

    def convert(self, rows: list[Any]) -> list[Any]:
        make = self.row._make
        converted = self.converted
        if not converted:
            return [make(row) for row in rows]
        result = []
        for row in rows:
            values = list(row)
            for index, process in converted:
                values[index] = process(values[index])
            result.append(make(values))
        return result


def _result_processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's own result processor; for JSON an empty list (what most events'
    exdates, attendees and reminders hold) is made without the JSON parser."""
    process: Callable[[Any], Any] | None = type_._cached_result_processor(dialect, None)
    if process is None or not isinstance(type_, JSON):
        return process
    decode = process

    def json_value(value: Any) -> Any:
        return [] if value == "[]" else decode(value)

    return json_value


class _Plans:
    """Compiled plans by statement object (the hot statements are module constants)."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        self._plans: dict[int, _Plan] = {}

    def of(self, statement: Executable) -> _Plan:
        plan = self._plans.get(id(statement))
        if plan is None or plan.statement is not statement:
            plan = _Plan(statement, self._dialect)
            # Kept only for statements that live on (a module constant); a statement built
            # per call would fill the map, so at most a few hundred are kept.
            if len(self._plans) < 512:
                self._plans[id(statement)] = plan
        return plan


class _LaneWork:
    """`Work` on a lane's sqlite3 connection, inside the lane's thread."""

    def __init__(
        self, connection: sqlite3.Connection, plans: _Plans, listeners: list[StatementListener]
    ) -> None:
        self._connection = connection
        self._plans = plans
        self._listeners = listeners

    def _run(
        self, statement: Executable, parameters: Mapping[str, Any] | None
    ) -> tuple[_Plan, sqlite3.Cursor]:
        plan = self._plans.of(statement)
        for listener in self._listeners:
            listener(plan.sql)
        values = plan.values(parameters)
        try:
            return plan, self._connection.execute(plan.sql, values)
        except sqlite3.Error as error:
            error.statement = plan.sql  # type: ignore[attr-defined]  # see `failed_statement`
            error.parameters = values  # type: ignore[attr-defined]
            raise

    def rows(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Any]:
        plan, cursor = self._run(statement, parameters)
        return plan.convert(cursor.fetchall())

    def raw(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        _, cursor = self._run(statement, parameters)
        rows: Sequence[Sequence[Any]] = cursor.fetchall()
        return rows

    def execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> int:
        _, cursor = self._run(statement, parameters)
        cursor.fetchall()  # a RETURNING clause's rows, if any: the statement runs to its end
        return int(cursor.rowcount)


class EngineWork:
    """`Work` on a sync SQLAlchemy connection (PostgreSQL, in-memory SQLite)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def rows(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Any]:
        rows: Sequence[Any] = self._connection.execute(statement, dict(parameters or {})).all()
        return rows

    def raw(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Sequence[Any]]:
        return self.rows(statement, parameters)

    def execute(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> int:
        result = self._connection.execute(statement, dict(parameters or {}))
        if result.returns_rows:
            result.all()
        return int(getattr(result, "rowcount", 0))


class Lane:
    """One sqlite3 connection and the one thread that uses it (reads, or writes)."""

    def __init__(
        self,
        path: str,
        busy_timeout: float,
        plans: _Plans,
        listeners: list[StatementListener],
        name: str,
    ) -> None:
        self._path = path
        self._busy_timeout = busy_timeout
        self._plans = plans
        self._listeners = listeners
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        # The pragmas the engine's connections get (storage/database.py).
        connection.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    def _call(self, work: Callable[[Work], T], begin: str | None) -> T:
        connection = self._connection
        if connection is None:
            connection = self._connection = self._connect()
        if begin is None:
            return work(_LaneWork(connection, self._plans, self._listeners))
        connection.execute(begin)
        try:
            result = work(_LaneWork(connection, self._plans, self._listeners))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        if begin != "BEGIN":  # a read snapshot's COMMIT writes nothing
            for listener in self._listeners:
                listener("COMMIT")
        return result

    async def run(self, work: Callable[[Work], T], begin: str | None = None) -> T:
        """`work` in this lane's thread; inside `begin` ... COMMIT when given (ROLLBACK if
        it raises). A cancelled caller does not stop the call: the thread finishes it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, work, begin)

    def close(self) -> None:
        def close_connection() -> None:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

        self._executor.submit(close_connection)
        self._executor.shutdown(wait=True)


def failed_statement(error: sqlite3.Error) -> tuple[str | None, Any]:
    """The SQL a lane was running when `error` came, and its parameters: what the engine's
    errors carry too (the statement helps debugging; error tracking redacts the values)."""
    statement = getattr(error, "statement", None)
    return (statement if isinstance(statement, str) else None), getattr(error, "parameters", None)


def _busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class InlineReads(Lane):
    """Reads on the event loop's own thread, on a connection that never waits.

    A message's reads take tenths of a millisecond of CPU, like the parsing around them;
    a hand-off to a thread costs as much again, and on a loaded machine far more (the woken
    thread waits for a core). In WAL mode readers never wait for writers, so a read here
    does not block the loop on anyone; in the rare case the file is busy anyway (recovery,
    a database not in WAL mode) the connection's zero busy timeout fails at once and the
    read goes to the thread lane `fallback`, which may wait.
    """

    def __init__(
        self,
        path: str,
        plans: _Plans,
        listeners: list[StatementListener],
        fallback: Lane,
    ) -> None:
        super().__init__(path, 0.0, plans, listeners, "sqlite-inline")
        self._fallback = fallback

    async def run(self, work: Callable[[Work], T], begin: str | None = None) -> T:
        try:
            return self._call(work, begin)
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
        return await self._fallback.run(work, begin)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._executor.shutdown(wait=True)


class InlineWrites(Lane):
    """Writes on the event loop's own thread when the write lock is free at once.

    A message's write transaction (a dialogue state, an undo record, an event) is a few
    statements and a commit to the WAL (no fsync: `synchronous=NORMAL`), a fraction of a
    millisecond; the hand-off to a thread costs as much, and on a loaded machine more. The
    connection never waits: when another writer holds the lock, `BEGIN IMMEDIATE` fails at
    once and the unit of work runs on the write lane `fallback`, which waits its turn (the
    busy timeout) off the loop. Its automatic checkpoint is off, so the loop never copies
    the WAL back into the database file; one write in `LANE_EVERY` goes to the write lane,
    whose connection does that (SQLite's automatic checkpoint, past 1,000 pages) off the
    loop, so the WAL stays at its usual size.
    """

    LANE_EVERY = 32

    def __init__(
        self,
        path: str,
        plans: _Plans,
        listeners: list[StatementListener],
        fallback: Lane,
    ) -> None:
        super().__init__(path, 0.0, plans, listeners, "sqlite-inline-write")
        self._fallback = fallback
        self._commits = 0
        #: Who holds this connection's open transaction (`hold`), if anyone.
        self.holder: object | None = None

    def _connect(self) -> sqlite3.Connection:
        connection = super()._connect()
        connection.execute("PRAGMA wal_autocheckpoint = 0")
        return connection

    async def run(self, work: Callable[[Work], T], begin: str | None = None) -> T:
        if self.holder is not None:  # a held transaction is not ours to join: wait for it
            return await self._fallback.run(work, begin)
        self._commits += 1
        if self._commits % self.LANE_EVERY == 0:
            return await self._fallback.run(work, begin)
        try:
            return self._call(work, begin)
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
        return await self._fallback.run(work, begin)

    # -- one transaction for several units of work (`Database.together`) ------------------

    def hold(self, holder: object) -> bool:
        """Begin a write transaction that stays open for `holder`'s units of work
        (`run_held`) until `release`. False, and nothing begun, when the write lock is taken
        or it is the write lane's turn (its commit checkpoints the WAL): the holder's units
        of work then run one transaction each, as `run` does."""
        if self.holder is not None or (self._commits + 1) % self.LANE_EVERY == 0:
            return False
        connection = self._connection
        if connection is None:
            connection = self._connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
            return False
        self._commits += 1
        self.holder = holder
        return True

    def run_held(self, work: Callable[[Work], T]) -> T:
        """`work` inside the held transaction, as a savepoint: when it raises, what it wrote
        is undone and the transaction goes on. When SQLite has ended the transaction itself
        (an I/O error, a full disk), `HeldTransactionLost` follows the error."""
        connection = self._held()
        if not connection.in_transaction:  # a SAVEPOINT now would begin (and commit) anew
            raise HeldTransactionLost(None)
        connection.execute("SAVEPOINT unit_of_work")
        try:
            result = work(_LaneWork(connection, self._plans, self._listeners))
        except BaseException as error:
            if not connection.in_transaction:
                raise HeldTransactionLost(error) from error
            connection.execute("ROLLBACK TO unit_of_work")
            connection.execute("RELEASE unit_of_work")
            raise
        connection.execute("RELEASE unit_of_work")
        return result

    def read_held(self, work: Callable[[Work], T]) -> T:
        """`work` as a read inside the held transaction: it sees what the holder wrote."""
        connection = self._held()
        if not connection.in_transaction:
            raise HeldTransactionLost(None)
        return work(_LaneWork(connection, self._plans, self._listeners))

    def release(self, *, commit: bool) -> None:
        """End the held transaction: COMMIT (ROLLBACK when that fails), or ROLLBACK."""
        connection = self._held()
        self.holder = None
        if not connection.in_transaction:  # SQLite ended it already (see `run_held`)
            if commit:
                raise HeldTransactionLost(None)
            return
        if not commit:
            connection.execute("ROLLBACK")
            return
        try:
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        for listener in self._listeners:
            listener("COMMIT")

    def _held(self) -> sqlite3.Connection:
        connection = self._connection
        if connection is None or self.holder is None:
            raise RuntimeError("no transaction is held")
        return connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.holder = None
        self._executor.shutdown(wait=True)


class HeldTransactionLost(Exception):
    """SQLite rolled back a held transaction itself (after an I/O error, a full disk): what
    the holder wrote before is gone too. `error` is what caused it, when known."""

    def __init__(self, error: BaseException | None) -> None:
        super().__init__("the open write transaction was rolled back by SQLite")
        self.error = error


class Lanes:
    """How a SQLite file's units of work run: reads inline (falling back to a read lane),
    writes on a write lane.

    Writes have their own thread, so that a write waiting on another program's lock (up to
    the busy timeout) holds up neither the loop nor reads, which in WAL mode never wait
    for writers.
    """

    def __init__(self, path: str, busy_timeout: float, dialect: Dialect) -> None:
        self.listeners: list[StatementListener] = []
        plans = _Plans(dialect)
        self.waiting_reads = Lane(path, busy_timeout, plans, self.listeners, "sqlite-read")
        self.reads = InlineReads(path, plans, self.listeners, self.waiting_reads)
        self.waiting_writes = Lane(path, busy_timeout, plans, self.listeners, "sqlite-write")
        self.writes = InlineWrites(path, plans, self.listeners, self.waiting_writes)

    def close(self) -> None:
        self.reads.close()
        self.waiting_reads.close()
        self.writes.close()
        self.waiting_writes.close()
