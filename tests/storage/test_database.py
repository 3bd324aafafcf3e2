"""Opening the database: migrations, SQLite settings, and clear errors for files we cannot use."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from calendar_assistant import storage
from calendar_assistant.config import Settings
from calendar_assistant.storage import Database, ReminderRepository, StorageError, UserRepository


def _heads() -> set[str]:
    """Every head revision shipped in the package (feature branches may add their own)."""
    config = Config()
    config.set_main_option("script_location", str(Path(storage.__file__).with_name("migrations")))
    return set(ScriptDirectory.from_config(config).get_heads())


def _url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def test_open_creates_the_folder_and_migrates(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "calendar.sqlite3"
    db = await Database.open(_url(path))
    try:
        assert path.is_file()
        async with db.session() as session:
            versions = set(await session.scalars(text("SELECT version_num FROM alembic_version")))
            tables = set(
                await session.scalars(text("SELECT name FROM sqlite_master WHERE type='table'"))
            )
        assert versions == _heads()
        assert {
            "users",
            "user_settings",
            "events",
            "reminders",
            "dialogue_states",
            "undo_log",
        } <= tables
    finally:
        await db.close()


async def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "calendar.sqlite3"
    async with await Database.open(_url(path)) as db:
        await UserRepository(db).get_or_create("cli:demo", "Demo")
    async with await Database.open(_url(path)) as db:
        user = await UserRepository(db).get("cli:demo")
    assert user is not None
    assert user.display_name == "Demo"


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    db = await Database.open(_url(tmp_path / "c.sqlite3"), busy_timeout=2.5)
    async with db, db.session() as session:
        assert await session.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await session.scalar(text("PRAGMA foreign_keys")) == 1
        assert await session.scalar(text("PRAGMA busy_timeout")) == 2500


async def test_the_default_settings_url_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    async with await Database.open(settings.resolved_database_url) as db:
        assert db.dialect == "sqlite"
    assert (tmp_path / "xdg" / "calendar-assistant" / "calendar.sqlite3").is_file()


async def test_in_memory_sqlite_works(tmp_path: Path) -> None:
    async with await Database.open("sqlite+aiosqlite:///:memory:") as db:
        user = await UserRepository(db).get_or_create("mem:1")
        assert (await UserRepository(db).get("mem:1")) == user


async def test_a_failed_change_is_rolled_back_whole(database: Database) -> None:
    users = UserRepository(database)

    async def change_that_fails() -> None:
        async with database.transaction() as session:
            await session.execute(text("INSERT INTO users (key) VALUES ('half:1')"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await change_that_fails()
    assert await users.get("half:1") is None


async def test_a_corrupt_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "calendar.sqlite3"
    garbage = b"this is not a database, it is a shopping list\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StorageError) as caught:
        await Database.open(_url(path))
    message = str(caught.value)
    assert str(path) in message
    assert "damaged" in message
    assert path.read_bytes() == garbage


async def test_a_database_with_a_damaged_header_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "calendar.sqlite3"
    async with await Database.open(_url(path)) as db:
        await UserRepository(db).get_or_create("cli:demo")
    data = bytearray(path.read_bytes())
    data[0:16] = b"NOT SQLITE AT AL"
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="damaged"):
        await Database.open(_url(path))
    assert path.read_bytes() == bytes(data)


async def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "calendar.sqlite3"
    async with await Database.open(_url(path)) as db, db.transaction() as session:
        await session.execute(text("DELETE FROM alembic_version"))
        await session.execute(text("INSERT INTO alembic_version VALUES ('9999_future')"))
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer version"):
        await Database.open(_url(path))
    assert path.read_bytes() == before


async def test_a_folder_where_the_file_should_be_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "calendar.sqlite3"
    path.mkdir()
    with pytest.raises(StorageError, match="folder") as caught:
        await Database.open(_url(path))
    assert str(path) in str(caught.value)


async def test_a_folder_that_cannot_be_created_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder")
    with pytest.raises(StorageError, match="cannot create the folder"):
        await Database.open(_url(blocker / "sub" / "calendar.sqlite3"))


def test_a_bad_url_is_reported() -> None:
    with pytest.raises(StorageError, match="not a database URL"):
        asyncio.run(Database.open("definitely not a url"))


async def test_plain_urls_get_the_async_driver(tmp_path: Path) -> None:
    async with await Database.open(f"sqlite:///{tmp_path / 'plain.sqlite3'}") as db:
        assert db.engine.url.drivername == "sqlite+aiosqlite"
        assert await UserRepository(db).get_or_create("plain:1")


@pytest.mark.postgres
async def test_a_postgres_scheme_url_opens(postgres_url: str) -> None:
    plain = postgres_url.replace("postgresql+asyncpg://", "postgres://")
    async with await Database.open(plain) as db:
        assert db.engine.url.drivername == "postgresql+asyncpg"


@pytest.mark.postgres
async def test_replicas_starting_together_migrate_once(
    postgres_url: str, postgres_admin: Callable[[str], None]
) -> None:
    name = f"calendar_assistant_race_{uuid.uuid4().hex[:8]}"
    await asyncio.to_thread(postgres_admin, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
        opened = await asyncio.gather(*(Database.open(url) for _ in range(4)))
        for db in opened:
            await db.close()
    finally:
        await asyncio.to_thread(postgres_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
async def test_a_pooled_connection_the_server_closed_is_replaced_without_a_failure(
    postgres_url: str, postgres_admin: Callable[[str], None]
) -> None:
    """No `pool_pre_ping`: a backend terminated (as by a restart) while its connection sat
    in the pool is refused at checkout, the pool renewed, and the next read just works."""
    async with await Database.open(postgres_url) as db:
        users = UserRepository(db)
        await users.get("pool:1")
        async with db.reading() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await asyncio.to_thread(postgres_admin, f"SELECT pg_terminate_backend({pid})")
        for _ in range(100):  # the driver sees the socket close on the loop
            await asyncio.sleep(0.01)
        assert await users.get("pool:1") is None
        async with db.reading() as connection:
            again = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert again != pid


async def test_an_unsupported_database_is_reported() -> None:
    with pytest.raises(StorageError, match="unsupported database 'mysql'"):
        await Database.open("mysql://root@127.0.0.1/calendar")


async def test_an_unreachable_server_is_reported() -> None:
    with pytest.raises(StorageError, match=r"127\.0\.0\.1:1"):
        await Database.open("postgresql+asyncpg://postgres@127.0.0.1:1/none")


_HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def _hold_lock(path: Path) -> subprocess.Popen[str]:
    """Start a process that locks `path` exclusively until it reads a line."""
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked"
    return process


@pytest.fixture
def lock_holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """Another process holding an exclusive lock on a fresh database file."""
    path = tmp_path / "locked.sqlite3"
    process = _hold_lock(path)
    try:
        yield path, process
    finally:
        if process.poll() is None:
            assert process.stdin is not None
            process.stdin.write("\n")
            process.stdin.flush()
            process.wait(timeout=10)


async def test_a_locked_file_is_reported(lock_holder: tuple[Path, subprocess.Popen[str]]) -> None:
    path, _ = lock_holder
    with pytest.raises(StorageError, match="locked") as caught:
        await Database.open(_url(path), busy_timeout=0.2)
    assert str(path) in str(caught.value)


async def test_a_write_blocked_by_another_program_is_reported_and_loses_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "calendar.sqlite3"
    db = await Database.open(_url(path), busy_timeout=0.2)
    try:
        user = await UserRepository(db).get_or_create("cli:demo")
        reminders = ReminderRepository(db)
        kept = await reminders.add(user.id, "call mum", datetime(2027, 1, 1, 9, tzinfo=UTC))
        process = _hold_lock(path)
        assert process.stdout is not None
        assert process.stdin is not None
        try:
            with pytest.raises(StorageError, match="locked"):
                await reminders.add(user.id, "lost?", datetime(2027, 1, 2, 9, tzinfo=UTC))
        finally:
            process.stdin.write("\n")
            process.stdin.flush()
            process.wait(timeout=10)
        assert await reminders.list_for_user(user.id) == [kept]
        await reminders.add(user.id, "after the lock", datetime(2027, 1, 3, 9, tzinfo=UTC))
        assert len(await reminders.list_for_user(user.id)) == 2
    finally:
        await db.close()


async def test_a_snapshot_read_sees_one_state_and_a_single_read_sees_the_latest(
    database: Database,
) -> None:
    """Several statements in `reading(snapshot=True)` see the data as it was at the first;
    a plain `reading()` (one statement per block, no BEGIN on SQLite) sees each commit."""
    users = UserRepository(database)
    await users.get_or_create("test:first")
    count = text("SELECT count(*) FROM users")
    async with database.reading(snapshot=True) as connection:
        before = (await connection.execute(count)).scalar_one()
        await users.get_or_create("test:second")  # committed by another connection
        assert (await connection.execute(count)).scalar_one() == before
    async with database.reading() as connection:
        assert (await connection.execute(count)).scalar_one() == before + 1
        await users.get_or_create("test:third")
        assert (await connection.execute(count)).scalar_one() == before + 2


async def test_a_unit_of_work_reads_rows_equal_to_the_engines_and_sees_one_snapshot(
    database: Database,
) -> None:
    """`read` (one hand-off to the SQLite lane; run_sync on PostgreSQL) binds through the
    column types and converts results as the engine does; with `snapshot` its statements
    see one state of the database."""
    from sqlalchemy import bindparam, select

    from calendar_assistant.storage.models import ReminderRow, UTCDateTime

    users = UserRepository(database)
    user = await users.get_or_create("test:plain")
    reminders = ReminderRepository(database)
    due = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    await reminders.add(user.id, "one", due)
    statement = select(ReminderRow.__table__).where(
        ReminderRow.user_id == bindparam("user_id"),
        ReminderRow.due_utc > bindparam("since", type_=UTCDateTime()),
    )
    since = {"user_id": user.id, "since": due - timedelta(minutes=1)}
    rows = await database.fetch(statement, since)
    async with database.reading() as connection:
        engine_rows = (await connection.execute(statement, since)).all()
    assert [tuple(row) for row in rows] == [tuple(row) for row in engine_rows]
    assert rows[0].due_utc == due
    assert rows[0].due_utc.tzinfo is not None
    # Compared as stored (text on SQLite): the bound time must be written the same way.
    assert await database.fetch(statement, {**since, "since": due}) == []
    counts = await database.read(
        lambda work: [len(work.rows(statement, since)), len(work.raw(statement, since))],
        snapshot=True,
    )
    assert counts == [1, 1]


async def test_a_write_commits_whole_or_not_at_all(database: Database) -> None:
    from sqlalchemy import bindparam, delete, func, select

    from calendar_assistant.storage.lanes import Work
    from calendar_assistant.storage.models import ReminderRow

    user = await UserRepository(database).get_or_create("test:write")
    reminders = ReminderRepository(database)
    for text_ in ("one", "two"):
        await reminders.add(user.id, text_, datetime(2027, 1, 1, tzinfo=UTC))
    count = select(func.count()).select_from(ReminderRow)
    remove = delete(ReminderRow).where(ReminderRow.text == bindparam("text"))

    def half_then_fail(work: Work) -> None:
        assert work.execute(remove, {"text": "one"}) == 1
        raise RuntimeError("halfway")

    with pytest.raises(RuntimeError, match="halfway"):
        await database.write(half_then_fail)
    assert (await database.fetch(count))[0][0] == 2
    assert await database.write(lambda work: work.execute(remove, {"text": "two"})) == 1
    assert (await database.fetch(count))[0][0] == 1


async def test_a_committed_read_may_be_kept(database: Database) -> None:
    """`read_keepable`: one snapshot read, keepable on a SQLite file (where versions are
    kept by triggers) but not inside a change not yet committed, whose writes it sees;
    never elsewhere."""
    from sqlalchemy import func, select

    from calendar_assistant.storage.models import UserRow

    users = UserRepository(database)
    await users.get_or_create("test:first")
    count = select(func.count()).select_from(UserRow)
    keepable, rows = await database.read_keepable(lambda work: work.rows(count))
    assert rows[0][0] == 1
    assert keepable is (database.dialect == "sqlite")
    async with database.together():
        await database.write(lambda work: work.execute(UserRow.__table__.delete()))
        keepable, rows = await database.read_keepable(lambda work: work.rows(count))
        assert rows[0][0] == 0
        assert not keepable


async def test_lane_reads_report_a_damaged_file_as_a_storage_error(tmp_path: Path) -> None:
    from sqlalchemy import select

    from calendar_assistant.storage.models import UserRow

    path = tmp_path / "calendar.sqlite3"
    db = await Database.open(_url(path))
    try:
        async with db.reading() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            await raw.execute("ALTER TABLE users RENAME TO users_gone")
        with pytest.raises(StorageError, match="failed"):
            await db.fetch(select(UserRow.key))
    finally:
        await db.close()


async def test_a_read_that_finds_the_file_busy_is_run_again_on_the_read_lane(
    tmp_path: Path,
) -> None:
    """Reads run inline on the loop's thread with no busy wait; one that finds the file busy
    (SQLITE_BUSY: recovery, a database not in WAL mode) runs again on the read lane's
    thread, which may wait, instead of failing. Another error is not retried."""
    import sqlite3
    import threading

    from sqlalchemy import select

    from calendar_assistant.storage.lanes import Work
    from calendar_assistant.storage.models import UserRow

    db = await Database.open(_url(tmp_path / "calendar.sqlite3"))
    try:
        await UserRepository(db).get_or_create("test:busy")
        threads: list[str] = []

        def busy_once(work: Work) -> list[str]:
            threads.append(threading.current_thread().name)
            if len(threads) == 1:
                raise sqlite3.OperationalError("database is locked")
            return [row.key for row in work.rows(select(UserRow.key))]

        assert await db.read(busy_once) == ["test:busy"]
        assert threads[0] == threading.current_thread().name  # inline first
        assert threads[1].startswith("sqlite-read")  # then the lane

        def broken(_work: Work) -> None:
            raise sqlite3.OperationalError("no such table: nothing")

        with pytest.raises(StorageError, match="no such table"):
            await db.read(broken)
    finally:
        await db.close()


async def test_a_write_that_finds_the_lock_taken_waits_its_turn_off_the_loop(
    tmp_path: Path,
) -> None:
    """Writes run inline when the write lock is free at once; when another program holds
    it, the write waits on the write lane (the busy timeout) while the loop goes on, and
    commits once the lock is released."""
    import sqlite3
    import threading

    from calendar_assistant.storage import DialogueStateRepository

    path = tmp_path / "calendar.sqlite3"
    db = await Database.open(_url(path), busy_timeout=5.0)
    try:
        user = await UserRepository(db).get_or_create("test:writer")
        states = DialogueStateRepository(db)
        await states.save(user.id, {"n": 1})  # inline: the lock was free
        holder = sqlite3.connect(path, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.3, holder.rollback)
        release.start()
        ticks: list[int] = []

        async def tick() -> None:
            while len(ticks) < 3:
                ticks.append(1)
                await asyncio.sleep(0.02)

        ticking = asyncio.create_task(tick())
        await states.save(user.id, {"n": 2})
        release.join()
        await ticking
        assert ticks == [1, 1, 1]  # the loop ran while the write waited
        assert await states.load(user.id) == {"n": 2}
        holder.close()
    finally:
        await db.close()


async def test_inline_writes_keep_the_wal_at_its_usual_size(tmp_path: Path) -> None:
    """Writes made on the loop never checkpoint there; one in `LANE_EVERY` goes to the write
    lane, whose commit checkpoints: 400 new events leave a WAL of a few MB, not one that
    grows with every write (each event is about 9 pages, 36 kB, of WAL)."""
    from calendar_assistant.calendars.local import LocalCalendar
    from calendar_assistant.domain.events import NewEvent

    path = tmp_path / "calendar.sqlite3"
    db = await Database.open(_url(path))
    try:
        user = await UserRepository(db).get_or_create("test:wal")
        calendar = LocalCalendar(db, user.id)
        start = datetime(2027, 1, 4, 9, tzinfo=UTC)
        for index in range(400):
            begin = start + timedelta(hours=index)
            await calendar.create_event(
                NewEvent(
                    title=f"e{index}",
                    start=begin,
                    end=begin + timedelta(minutes=30),
                    timezone="UTC",
                )
            )
        wal = path.with_name(path.name + "-wal").stat().st_size
        assert wal < 8_000_000, wal
    finally:
        await db.close()
