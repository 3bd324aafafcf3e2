"""Inbound.command: a request the channel already typed (a menu command) is acted on as it is,
through the same path as an understood one; its text is not read."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.account_commands import menu_request
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, UserRepository
from support import MOSCOW, local_desk

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)
ANNA = UserRef(key="test:anna")


def _assistant(database: Database, tmp_path: Path) -> Assistant:
    return Assistant(
        database,
        assistant_config(Settings(data_dir=tmp_path)),
        lambda uid: LocalCalendar(database, uid),
    )


async def _events(database: Database) -> list[str]:
    record = await UserRepository(database).get(ANNA.key)
    assert record is not None
    listed = await LocalCalendar(database, record.id).list_events(NOW, NOW + timedelta(days=7))
    return [event.title for event in listed]


async def test_the_command_is_acted_on_and_the_text_is_not_read(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    said = Inbound("Запланируй обед завтра в 13:00", command=Command(intent=Intent.HELP))
    replies = await assistant.handle(ANNA, said, NOW)
    assert replies[0].text.startswith("Я веду ваш календарь.")
    assert await _events(database) == []  # the words asked for a lunch: nothing written


async def test_a_menu_command_drops_an_open_question_instead_of_answering_it(
    database: Database, tmp_path: Path
) -> None:
    """«Когда?» is open; /today lists today, it is not read as the day of the meeting."""
    assistant = _assistant(database, tmp_path)
    asked = await assistant.handle(ANNA, Inbound("Запланируй встречу с командой"), NOW)
    assert asked[0].text.endswith("?")
    today = menu_request("today", "ru", NOW, MOSCOW)
    listed = await assistant.handle(ANNA, Inbound("/today", command=today), NOW)
    assert listed[0].text == "вт, 24 ноября: ничего не запланировано."
    late = await assistant.handle(ANNA, Inbound("в 15:00"), NOW)
    assert "Встреча с командой" not in late[0].text  # the question was dropped
    assert await _events(database) == []


async def test_the_desk_passes_a_typed_request_straight_on(
    database: Database, tmp_path: Path
) -> None:
    """A message carrying a Command is not an account command, whatever its text says."""
    desk = local_desk(database, _assistant(database, tmp_path))
    week = menu_request("week", "ru", NOW, MOSCOW)
    replies = await desk.handle(ANNA, Inbound("/forget", command=week), NOW)
    assert replies[0].text == "пн, 23 ноября – вс, 29 ноября: ничего не запланировано."
    assert replies[0].buttons == ()
