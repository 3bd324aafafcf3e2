"""A chat with a read-only calendar: create, move and delete are each refused with the
read-only reply. The CalDAV (Radicale rights) and Google (accessRole) tests both run it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from calendar_assistant.calendars.base import CalendarBackend
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage.database import Database
from support import MOSCOW, says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)
TOMORROW_TEN = datetime(2026, 11, 25, 10, 0, tzinfo=MOSCOW)
ANNA = UserRef(key="test:anna")
#: The Russian read-only reply (replies/messages/ru.toml, problems.read_only).
READ_ONLY_REPLY = "только для чтения"

#: What the calendar's owner put there before sharing it: the event the chat asks to change.
PLANNING = NewEvent(
    title="Планёрка",
    start=TOMORROW_TEN,
    end=TOMORROW_TEN + timedelta(hours=1),
    timezone="Europe/Moscow",
)


async def ask_read_only(
    database: Database, tmp_path: Path, calendar: Callable[[], CalendarBackend]
) -> None:
    """The calendar holds PLANNING and may not be written: every write is refused at once
    (no question, no confirmation first). `calendar` makes a new backend for each message,
    as the registry does, so nothing learnt by one message helps the next."""
    assistant = Assistant(
        database, assistant_config(Settings(data_dir=tmp_path)), lambda _uid: calendar()
    )
    for text in (
        "Удали планёрку завтра",
        "Перенеси планёрку завтра на 12",
        "Обед с Машей завтра в 13",
        "Добавь встречу с Олегом завтра",  # no time given: refused before asking for one
    ):
        replies = await assistant.handle(ANNA, Inbound(text), NOW)
        assert READ_ONLY_REPLY in replies[0].text, (text, replies[0].text)
        assert not any(reply.buttons for reply in replies), text  # nothing offered to confirm


async def ask(database: Database, tmp_path: Path, calendar: CalendarBackend, text: str) -> str:
    """The first reply to one message."""
    assistant = Assistant(
        database, assistant_config(Settings(data_dir=tmp_path)), lambda _uid: calendar
    )
    return (await assistant.handle(ANNA, Inbound(text), NOW))[0].text


async def confirmed(
    database: Database, tmp_path: Path, calendar: CalendarBackend, text: str
) -> str:
    """The reply after `text` and a press of its "yes" button."""
    assistant = Assistant(
        database, assistant_config(Settings(data_dir=tmp_path)), lambda _uid: calendar
    )
    asked = await assistant.handle(ANNA, Inbound(text), NOW)
    yes = asked[0].buttons[0][0]
    return (await assistant.handle(ANNA, Inbound(button=yes.payload), NOW))[0].text


async def create_in(
    database: Database,
    tmp_path: Path,
    calendar: CalendarBackend,
    text: str = "Обед с Машей завтра в 13",
) -> None:
    """A writable calendar still gets what is asked for."""
    assistant = Assistant(
        database, assistant_config(Settings(data_dir=tmp_path)), lambda _uid: calendar
    )
    replies = await assistant.handle(ANNA, Inbound(text), NOW)
    assert says(replies[0].text, "ru", "created.text"), replies[0].text
