"""Assistant.handle around the dialogue: stale buttons, expiry, users apart, language, and a
database that cannot be written (a real lock held by another connection)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, UserRepository, UserSettings
from calendar_assistant.understanding.lang_detect import clear_language
from support import MOSCOW, says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)
ANNA = UserRef(key="test:anna")
BORIS = UserRef(key="test:boris", language_hint="en")


def _assistant(database: Database, tmp_path: Path) -> Assistant:
    return Assistant(
        database,
        assistant_config(Settings(data_dir=tmp_path)),
        lambda uid: LocalCalendar(database, uid),
    )


async def _event(database: Database, user: UserRef, title: str, start: datetime) -> LocalCalendar:
    record = await UserRepository(database).get_or_create(user.key, defaults=UserSettings())
    calendar = LocalCalendar(database, record.id)
    await calendar.create_event(NewEvent(title, start, start + timedelta(hours=1), "Europe/Moscow"))
    return calendar


async def test_a_stale_or_foreign_button_does_nothing(database: Database, tmp_path: Path) -> None:
    assistant = _assistant(database, tmp_path)
    calendar = await _event(database, ANNA, "Отчёт", NOW + timedelta(days=1))
    asked = await assistant.handle(ANNA, Inbound("Удали отчёт"), NOW)
    yes = asked[0].buttons[0][0].payload
    stale = await assistant.handle(ANNA, Inbound(button="deadbeef:yes"), NOW)
    assert says(stale[0].text, "ru", "answer.closed")
    foreign = await assistant.handle(ANNA, Inbound(button="<script>"), NOW)
    assert says(foreign[0].text, "ru", "answer.closed")
    assert len(await calendar.list_events(NOW, NOW + timedelta(days=2))) == 1
    done = await assistant.handle(ANNA, Inbound(button=yes), NOW)
    assert says(done[0].text, "ru", "deleted.one")
    again = await assistant.handle(ANNA, Inbound(button=yes), NOW)
    assert says(again[0].text, "ru", "answer.closed")


async def test_a_forgotten_question_expires(database: Database, tmp_path: Path) -> None:
    assistant = _assistant(database, tmp_path)
    calendar = await _event(database, ANNA, "Отчёт", NOW + timedelta(days=1))
    await assistant.handle(ANNA, Inbound("Удали отчёт"), NOW)
    late = await assistant.handle(ANNA, Inbound("да"), NOW + timedelta(hours=2))
    assert "Удалил" not in late[0].text
    assert len(await calendar.list_events(NOW, NOW + timedelta(days=2))) == 1


async def test_users_never_answer_each_others_questions(database: Database, tmp_path: Path) -> None:
    assistant = _assistant(database, tmp_path)
    calendar = await _event(database, ANNA, "Отчёт", NOW + timedelta(days=1))
    await assistant.handle(ANNA, Inbound("Удали отчёт"), NOW)
    other = await assistant.handle(BORIS, Inbound("yes"), NOW)
    assert "Deleted" not in other[0].text
    listed = await assistant.handle(BORIS, Inbound("What's on my calendar tomorrow?"), NOW)
    assert says(listed[0].text, "en", "listed.empty")
    assert len(await calendar.list_events(NOW, NOW + timedelta(days=2))) == 1


async def test_language_of_the_message_else_the_setting(database: Database, tmp_path: Path) -> None:
    assistant = _assistant(database, tmp_path)
    english = await assistant.handle(ANNA, Inbound("What's on my calendar today?"), NOW)
    assert says(english[0].text, "en", "listed.empty")
    unclear = await assistant.handle(ANNA, Inbound("42"), NOW)
    assert says(unclear[0].text, "ru", "problem.not_understood")
    assert clear_language("ok?") == "en"
    assert clear_language("1") is None
    assert clear_language("да") == "ru"


async def test_now_must_be_aware(database: Database, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="aware"):
        await _assistant(database, tmp_path).handle(ANNA, Inbound("привет"), datetime(2026, 11, 24))


async def test_a_locked_database_gets_a_clear_reply_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    database = await Database.open(f"sqlite+aiosqlite:///{path}", busy_timeout=0.2)
    try:
        assistant = _assistant(database, tmp_path)
        first = await assistant.handle(ANNA, Inbound("Запланируй обед завтра в 13"), NOW)
        assert says(first[0].text, "ru", "created.text")
        holder = sqlite3.connect(path, timeout=0.1)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            blocked = await assistant.handle(ANNA, Inbound("Запланируй ужин завтра в 19"), NOW)
            assert says(blocked[0].text, "ru", "problem.backend_failed")
        finally:
            holder.rollback()
            holder.close()
        listed = await assistant.handle(ANNA, Inbound("Какие у меня встречи на завтра?"), NOW)
        assert "1 встреча" in listed[0].text
        assert "Ужин" not in listed[0].text
        undone = await assistant.handle(ANNA, Inbound("Отмени последнее"), NOW)
        assert says(undone[0].text, "ru", "undo.create")
        assert "Обед" in undone[0].text
    finally:
        await database.close()


async def test_the_channel_hint_seeds_a_new_users_language_only(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    first = await assistant.handle(BORIS, Inbound("42"), NOW)
    assert says(first[0].text, "en", "problem.not_understood")
    record = await UserRepository(database).get(BORIS.key)
    assert record is not None
    await UserRepository(database).update_settings(record.id, language="ru")
    later = await assistant.handle(BORIS, Inbound("42"), NOW)
    assert says(later[0].text, "ru", "problem.not_understood")


async def test_a_megabyte_message_is_refused_clearly(database: Database, tmp_path: Path) -> None:
    assistant = _assistant(database, tmp_path)
    replies = await assistant.handle(BORIS, Inbound("meeting " * 125_000), NOW)
    assert "too long (over 4000 characters)" in replies[0].text


async def test_a_change_whose_undo_record_cannot_be_kept_is_taken_back(tmp_path: Path) -> None:
    """The calendar lives in one database, the undo log in another that is locked: the
    event is written, the undo push fails, and the event is removed again."""
    log_db = await Database.open(
        f"sqlite+aiosqlite:///{tmp_path / 'log.sqlite3'}", busy_timeout=0.2
    )
    calendar_db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'cal.sqlite3'}")
    try:
        for db in (log_db, calendar_db):
            await UserRepository(db).get_or_create(ANNA.key, defaults=UserSettings())
        assistant = Assistant(
            log_db,
            assistant_config(Settings(data_dir=tmp_path)),
            lambda uid: LocalCalendar(calendar_db, uid),
        )
        holder = sqlite3.connect(tmp_path / "log.sqlite3", timeout=0.1)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            with capture_logs() as logs:
                replies = await assistant.handle(ANNA, Inbound("Запланируй обед завтра в 13"), NOW)
        finally:
            holder.rollback()
            holder.close()
        assert says(replies[0].text, "ru", "problem.backend_failed")
        assert [e["event"] for e in logs] == ["undo_log_failed"]  # the write had happened
        record = await UserRepository(calendar_db).get(ANNA.key)
        assert record is not None
        calendar = LocalCalendar(calendar_db, record.id)
        assert await calendar.list_events(NOW, NOW + timedelta(days=2)) == []
    finally:
        await log_db.close()
        await calendar_db.close()
