"""Alembic glue: run the migrations under a lock replicas take turns on, read the revision
a database is at, and collapse the rows an old forked history left behind.

Kept apart from `database` because it speaks to Alembic on a plain (sync) connection, while
the handle deals in async engines, units of work and SQLite lanes.
"""

from __future__ import annotations

from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

from calendar_assistant.storage.errors import StorageError

# The logger of the handle that runs the migrations, as before this module was split off.
log = structlog.get_logger("calendar_assistant.storage.database")

_MIGRATIONS = Path(__file__).with_name("migrations")

# PostgreSQL advisory lock key held while migrating: replicas starting together take turns.
_MIGRATION_LOCK = 0x43414C454E444152


#: The revision every branch of the old, forked history started from.
_FIRST = "0001"


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _recorded(connection: Connection) -> set[str]:
    if not inspect(connection).has_table("alembic_version"):
        return set()
    rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
    return {str(row[0]) for row in rows}


def _collapse_old_heads(connection: Connection, script: ScriptDirectory) -> None:
    """A database migrated before the history was made linear records one row per old
    branch (each branch was one revision on `0001`). Those revisions are now one chain in
    the order they were written; the rows become the chain's last applied revision, so the
    upgrade goes on from there. A set that is not a start of the chain is refused."""
    recorded = _recorded(connection)
    if len(recorded) <= 1:
        return
    chain = [revision.revision for revision in reversed(list(script.walk_revisions()))]
    applied = recorded | {_FIRST}
    done = 0
    while done < len(chain) and chain[done] in applied:
        done += 1
    if applied - set(chain[:done]):
        raise StorageError(
            f"the database records migrations {', '.join(sorted(recorded))}, which are not "
            "a start of this version's history; restore a backup or migrate it by hand"
        )
    connection.exec_driver_sql("DELETE FROM alembic_version")
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
        {"revision": chain[done - 1]},
    )
    log.info("migration_history_collapsed", recorded=sorted(recorded), now=chain[done - 1])


def run_migrations(connection: Connection, target: str = "head", *, down: bool = False) -> None:
    """Upgrade (or downgrade) to `target` under a lock replicas take turns on."""
    config = _config(connection)
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({_MIGRATION_LOCK})")
    try:
        _collapse_old_heads(connection, ScriptDirectory.from_config(config))
        if down:
            command.downgrade(config, target)
        else:
            command.upgrade(config, target)
        connection.commit()  # before unlocking: the next replica must see the new tables
    except BaseException:
        connection.rollback()
        raise
    finally:
        if postgres:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_MIGRATION_LOCK})")
            connection.commit()


def head_revision() -> str:
    """The revision this version's schema is at (the history is one line: one head)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migration history has {len(heads)} heads: {heads}")
    return str(heads[0])


def current_revision(connection: Connection) -> str | None:
    """The revisions the database records, joined (None: an empty database)."""
    recorded = _recorded(connection)
    return ", ".join(sorted(recorded)) if recorded else None
