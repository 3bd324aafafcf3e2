"""What one message costs the database: the dialogue state written only when it changed, so a
read-only message costs no write transaction; one statement reads the user and the state.
Statements and commits are counted on the real database, whichever way they went (the
engine or a SQLite lane)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database

ANNA = UserRef(key="test:anna")


@pytest.fixture(params=["Europe/Berlin", "America/New_York"])
def now(request: pytest.FixtureRequest) -> datetime:
    """Noon two days before each zone's DST change."""
    zone = ZoneInfo(request.param)
    day = 26 if request.param == "Europe/Berlin" else 12
    return datetime(2027, 3, day, 12, 0, tzinfo=zone)


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    """Every statement's SQL and a "COMMIT" per committed write, in order."""
    seen: list[str] = []

    def record(sql: str) -> None:
        seen.append(sql)

    database.add_statement_listener(record)
    yield seen
    database.remove_statement_listener(record)


async def test_an_unchanged_dialogue_state_is_not_written_again(
    database: Database, tmp_path: Path, now: datetime, statements: list[str]
) -> None:
    settings = Settings(data_dir=tmp_path, default_timezone=str(now.tzinfo))
    assistant = Assistant(
        database, assistant_config(settings), lambda uid: LocalCalendar(database, uid)
    )
    created = await assistant.handle(ANNA, Inbound("Встреча с Иваном завтра в 15:00"), now)
    assert "Иван" in created[0].text
    assert "COMMIT" in statements  # the new event is remembered ("it" next time)
    statements.clear()
    for text in ("Что ты умеешь?", "Какие у меня встречи на завтра?", "Что ты умеешь?"):
        await assistant.handle(ANNA, Inbound(text), now)
    assert "COMMIT" not in statements
    # A later unrelated message changes nothing either: the remembered event keeps the time
    # it was dealt with (an unrelated turn does not renew what "it" means).
    await assistant.handle(ANNA, Inbound("Что ты умеешь?"), now + timedelta(minutes=5))
    assert "COMMIT" not in statements
    # And "it" still means the meeting: the state read with the user is the one used.
    moved = await assistant.handle(ANNA, Inbound("Перенеси её на 17:00"), now)
    assert "17:00" in moved[0].text


def _reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


async def test_what_one_message_costs_the_database(
    database: Database, tmp_path: Path, now: datetime, statements: list[str]
) -> None:
    """A message reads the user with the dialogue state in one statement; a read-only
    request adds only the calendar read; a create writes the event, its undo record and the
    dialogue state, on SQLite all in one transaction; its undo reads the record and writes
    once."""
    settings = Settings(data_dir=tmp_path, default_timezone=str(now.tzinfo))
    assistant = Assistant(
        database, assistant_config(settings), lambda uid: LocalCalendar(database, uid)
    )
    await assistant.handle(ANNA, Inbound("Что ты умеешь?"), now)  # the user is created
    statements.clear()
    await assistant.handle(ANNA, Inbound("Что ты умеешь?"), now)
    assert len(statements) == 1
    assert "dialogue_states" in statements[0]
    assert "users" in statements[0]
    statements.clear()
    await assistant.handle(ANNA, Inbound("Какие у меня встречи на завтра?"), now)
    # On SQLite the calendar's version is read with the window (its events are kept).
    kept = database.dialect == "sqlite"
    assert len(statements) == 2 + kept
    assert "FROM events" in statements[-1]
    statements.clear()
    await assistant.handle(ANNA, Inbound("Какие у меня встречи на завтра?"), now)
    # Asked again, nothing changed: on SQLite the version says the kept events hold.
    assert len(statements) == 2
    assert ("FROM events" in statements[-1]) is not kept
    statements.clear()
    created = await assistant.handle(ANNA, Inbound("Обед с Анной завтра в 13:00"), now)
    assert "Обед" in created[0].text
    # user+state; the time's events (conflicts; no free/busy for a free time); the event
    # (a new id: no read first), the undo record (insert and trim: one statement on
    # PostgreSQL), the dialogue state: on SQLite one write transaction
    # (`Database.together`), on PostgreSQL one each outside the inbox's unit of work.
    writes = 1 if database.dialect == "sqlite" else 3
    assert statements.count("COMMIT") == writes
    assert statements[-1] == "COMMIT"
    assert len(_reads(statements)) == 2 + kept  # the conflicts' window: the version too
    assert len(statements) == 2 + kept + (4 if kept else 3) + writes
    statements.clear()
    listed = await assistant.handle(ANNA, Inbound("Какие у меня встречи на завтра?"), now)
    assert "Обед" in listed[0].text  # the change was in the window: read again
    assert "FROM events" in statements[-1]
    statements.clear()
    undone = await assistant.handle(ANNA, Inbound("Отмени последнее"), now)
    assert "Обед" in undone[0].text
    # user+state, the newest record; the event removed, the record taken off (read and
    # delete), the state ("it" forgotten) written: one write transaction on SQLite.
    assert statements.count("COMMIT") == writes
    assert statements[-1] == "COMMIT"
    assert len(_reads(statements)) == 3
    assert len(statements) == 3 + 3 + writes


async def test_a_database_held_by_another_program_makes_the_reply_wait_not_fail(
    tmp_path: Path,
) -> None:
    """Another program holds SQLite's write lock (`BEGIN IMMEDIATE` on its own connection)
    for a second: a create waits for it, off the loop, and then answers as usual; held
    past the busy timeout, the reply says to try again and nothing is half-written."""
    import asyncio
    import sqlite3

    now = datetime(2027, 3, 26, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    settings = Settings(data_dir=tmp_path, default_timezone="Europe/Berlin")
    path = tmp_path / "calendar.sqlite3"
    for busy_timeout, held, answered in ((5.0, 1.0, True), (0.3, 1.5, False)):
        db = await Database.open(f"sqlite+aiosqlite:///{path}", busy_timeout=busy_timeout)
        try:
            assistant = Assistant(
                db, assistant_config(settings), lambda uid, db=db: LocalCalendar(db, uid)
            )
            await assistant.handle(ANNA, Inbound("Что ты умеешь?"), now)  # the user exists
            holder = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            asyncio.get_running_loop().call_later(held, holder.execute, "ROLLBACK")
            try:
                reply = await assistant.handle(ANNA, Inbound("Обед с Анной завтра в 13:00"), now)
            finally:
                await asyncio.sleep(held)
                holder.close()
            listed = await assistant.handle(ANNA, Inbound("Какие у меня встречи на завтра?"), now)
            if answered:
                assert "Обед" in reply[0].text
                assert "Обед" in listed[0].text
            else:
                assert "Обед" not in reply[0].text  # the storage reply: try again later
                assert "Обед" not in listed[0].text  # and nothing of it was kept
                again = await assistant.handle(ANNA, Inbound("Отмени последнее"), now)
                assert "Обед" not in again[0].text  # no undo record of it either
        finally:
            await db.close()
        path.unlink()
        for extra in ("-wal", "-shm"):
            path.with_name(path.name + extra).unlink(missing_ok=True)
