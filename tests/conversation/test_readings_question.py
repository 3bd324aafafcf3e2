"""Never act on a guess (issue 10): words that do not settle the request get one short
question with a button per likely reading; pressing one acts on that reading, and nothing
is written before. Runs the real assistant on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, UserRepository, UserSettings
from support import MOSCOW, local_desk, says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)
ANNA = UserRef(key="test:anna", language_hint="ru")
BEN = UserRef(key="test:ben", language_hint="en")


def _assistant(database: Database, tmp_path: Path) -> Assistant:
    return Assistant(
        database,
        assistant_config(Settings(_env_file=None, data_dir=tmp_path)),
        lambda uid: LocalCalendar(database, uid),
    )


async def _calendar(database: Database, user: UserRef) -> LocalCalendar:
    record = await UserRepository(database).get_or_create(user.key, defaults=UserSettings())
    return LocalCalendar(database, record.id)


def _buttons(reply: Reply) -> list[tuple[str, str]]:
    return [(b.label, b.payload) for row in reply.buttons for b in row]


async def _everything(calendar: LocalCalendar) -> list[object]:
    return list(await calendar.list_events(NOW - timedelta(days=30), NOW + timedelta(days=30)))


async def test_time_alone_asks_show_or_create_and_show_writes_nothing(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    asked = (await assistant.handle(ANNA, Inbound("завтра после обеда"), NOW))[0]
    assert asked.text.startswith("Показать, что у вас")
    assert asked.text.endswith("или создать событие?")
    buttons = _buttons(asked)
    assert buttons[0][0].startswith("Показать, что у вас")
    assert buttons[1][0] == "Создать событие"
    shown = (await assistant.handle(ANNA, Inbound(button=buttons[0][1]), NOW))[0]
    assert says(shown.text, "ru", "listed.empty")  # the listing of an empty afternoon
    assert await _everything(await _calendar(database, ANNA)) == []
    stale = (await assistant.handle(ANNA, Inbound(button=buttons[1][1]), NOW))[0]
    assert says(stale.text, "ru", "answer.closed")  # one question, one answer


async def test_choosing_create_goes_on_to_ask_the_name_then_creates(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    asked = (await assistant.handle(ANNA, Inbound("завтра после обеда"), NOW))[0]
    create = _buttons(asked)[1][1]
    named = (await assistant.handle(ANNA, Inbound(button=create), NOW))[0]
    assert await _everything(await _calendar(database, ANNA)) == []  # not yet: no name
    assert "?" in named.text
    done = (await assistant.handle(ANNA, Inbound("Обед с командой"), NOW))[0]
    events = await (await _calendar(database, ANNA)).list_events(NOW, NOW + timedelta(days=2))
    assert [e.title for e in events] == ["Обед с командой"]
    assert "Обед с командой" in done.text


async def test_english_question_and_a_typed_number_answers_it(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    asked = (await assistant.handle(BEN, Inbound("tomorrow afternoon"), NOW))[0]
    assert asked.text.startswith("Show what you have")
    assert asked.text.endswith("or create an event?")
    shown = (await assistant.handle(BEN, Inbound("1"), NOW))[0]
    assert "nothing" in shown.text.lower()
    assert await _everything(await _calendar(database, BEN)) == []


async def test_a_clock_alone_offers_the_event_first_and_writes_nothing(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    asked = (await assistant.handle(BEN, Inbound("four pm"), NOW))[0]
    labels = [label for label, _ in _buttons(asked)]
    assert labels[0] == "Create an event", asked.text
    assert labels[1].startswith("Show what you have"), labels
    assert await _everything(await _calendar(database, BEN)) == []
    shown = (await assistant.handle(BEN, Inbound("2"), NOW))[0]
    assert "nothing" in shown.text.lower()
    assert await _everything(await _calendar(database, BEN)) == []


async def test_neither_drops_the_question(database: Database, tmp_path: Path) -> None:
    assistant = _assistant(database, tmp_path)
    asked = (await assistant.handle(BEN, Inbound("tomorrow afternoon"), NOW))[0]
    neither = [p for label, p in _buttons(asked) if label == "Neither"]
    assert neither
    dropped = (await assistant.handle(BEN, Inbound(button=neither[0]), NOW))[0]
    assert dropped.text
    assert await _everything(await _calendar(database, BEN)) == []


async def test_a_question_about_the_schedule_never_creates(
    database: Database, tmp_path: Path
) -> None:
    assistant = _assistant(database, tmp_path)
    for text in ("what is my afternoon schedule tomorrow", "any meeting on friday"):
        replies = await assistant.handle(BEN, Inbound(text), NOW)
        assert "Created" not in replies[0].text
    assert await _everything(await _calendar(database, BEN)) == []


async def test_typed_account_words_run_the_command_and_forget_still_confirms(
    database: Database, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assistant = Assistant(
        database, assistant_config(settings), lambda uid: LocalCalendar(database, uid)
    )
    desk = local_desk(database, assistant)
    asked = (await desk.handle(BEN, Inbound("delete all the data you keep about me"), NOW))[0]
    assert says(asked.text, "en", "account.delete_all_data_events")
    assert [b.payload for row in asked.buttons for b in row] == [
        "acct:forget-yes",
        "acct:forget-no",
    ]
    assert await UserRepository(database).get(BEN.key) is not None  # nothing deleted yet
    shown = (await desk.handle(BEN, Inbound("open my settings"), NOW))[0]
    assert says(shown.text, "en", "account.settings_shown")
