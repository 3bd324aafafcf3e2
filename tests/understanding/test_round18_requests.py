"""Round 18, as whole requests in both languages: "let me know of <event> <day>" and
«дай знать / сообщи / предупреди о …» ask for a reminder of that event (named without the
asking words), time off kept in the calendar asked about in a period is a look for it, and
a clock said alone offers making the event first (both readings are asked, nothing done)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=MSK)  # Wednesday


@pytest.mark.parametrize(
    ("text", "title", "day"),
    [
        ("let me know of the dentist on thursday", "Dentist", date(2026, 12, 3)),
        ("let me know of my flight on sunday", "Flight", date(2026, 12, 6)),
        ("дай знать о собрании в пятницу", "Собрание", date(2026, 12, 4)),
        ("сообщи о вебинаре завтра", "Вебинар", date(2026, 12, 3)),
        ("предупреди меня о собеседовании в понедельник", "Собеседование", date(2026, 12, 7)),
        ("сообщи мне про обед с командой в пятницу", "Обед с командой", date(2026, 12, 4)),
    ],
)
def test_being_told_of_an_event_is_a_reminder_of_it(text: str, title: str, day: date) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == title
    assert command.day == day


def test_telling_someone_else_stays_the_tasks_name() -> None:
    command = parse("сообщи Ивану о встрече завтра в 10", now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == "Сообщи Ивану о встрече"


@pytest.mark.parametrize(
    ("text", "title", "month"),
    [
        ("when are my holidays next month", "Holidays", 1),
        ("когда у меня отпуск в марте", "Отпуск", 3),
    ],
)
def test_time_off_in_a_period_is_looked_for(text: str, title: str, month: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title == title
    assert command.target.range_start is not None
    assert command.target.range_start.month == month


@pytest.mark.parametrize("text", ["5:30 pm", "at noon", "в 9 утра", "в 15:00"])
def test_a_clock_alone_offers_the_event_first(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert [r.intent for r in command.readings] == [Intent.CREATE_EVENT, Intent.LIST_EVENTS]


@pytest.mark.parametrize("text", ["tomorrow afternoon", "завтра после обеда", "friday morning"])
def test_a_day_alone_offers_the_listing_first(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert [r.intent for r in command.readings] == [Intent.LIST_EVENTS, Intent.CREATE_EVENT]
