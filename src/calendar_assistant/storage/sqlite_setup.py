"""SQLite connection set-up: the folder of the file, the pragmas on every connection, and
the BEGIN we emit ourselves so that a write takes the lock at its start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine

from calendar_assistant.storage.errors import StorageError

# Execution option that makes a SQLite transaction take the write lock at BEGIN: two writers
# then queue behind the busy timeout instead of failing halfway (and a version check reads
# the row the other writer just committed).
WRITE = "calendar_assistant_write"
# Execution option of one-statement reads on SQLite: no BEGIN, the statement is its own
# (consistent) read transaction. Each BEGIN is several hand-offs to aiosqlite's thread, the
# largest single cost of a short read.
SINGLE_READ = "calendar_assistant_single_read"


def prepare_sqlite_file(database: str) -> str:
    """Create the file's folder; return the absolute path that error messages name."""
    path = Path(database).expanduser()
    location = str(path.resolve())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(
            f"cannot create the folder for the database file {location}: {error.strerror}",
            location=location,
        ) from error
    if path.is_dir():
        raise StorageError(
            f"the database file {location} is a folder, not a file", location=location
        )
    return location


def configure_sqlite(engine: AsyncEngine, busy_timeout: float) -> None:
    """Pragmas on every new connection; BEGIN emitted by us so writes can take the lock."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get(WRITE, False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(SINGLE_READ, False):
            conn.exec_driver_sql("BEGIN")
