"""Round 15 of the time grammar and titles, as whole requests (both languages): the clock of
now on another day, «в будни» as a repetition, the next half hour as a window, years said
in words, and command verbs typed with one letter wrong kept out of titles."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)  # Tuesday


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Планёрка в будни в 9", "Планёрка"),
        ("Зарядка в рабочие дни в 7 утра", "Зарядка"),
        ("standup on weekdays at 9", "Standup"),
    ],
)
def test_weekdays_are_a_weekly_repetition(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title
    assert command.recurrence is not None
    assert command.recurrence == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("созвон с Олегом в это же время завтра", "Созвон с Олегом"),
        ("созвон с Олегом завтра в это же время", "Созвон с Олегом"),
        ("call with Oleg this time tomorrow", "Call with Oleg"),
    ],
)
def test_this_time_tomorrow_is_the_clock_of_now_tomorrow(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.title == title
    assert command.start == NOW + timedelta(days=1)


def test_a_move_to_the_same_time_keeps_the_events_time() -> None:
    """«в это же время» in a move is the event's own time, never the clock of now."""
    command = parse("перенеси встречу с Анной на завтра в это же время", now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.day == date(2026, 11, 25)
    assert command.changes is None or command.changes.start is None


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("dentist 9 tomorrow morning", datetime(2026, 11, 25, 9, 0, tzinfo=MSK)),
        ("dinner with Sam 8 friday evening", datetime(2026, 11, 27, 20, 0, tzinfo=MSK)),
        (
            "meeting on march fifth twenty twenty seven at 3pm",
            datetime(2027, 3, 5, 15, 0, tzinfo=MSK),
        ),
        (
            "встреча 5 марта две тысячи двадцать седьмого года в 15:00",
            datetime(2027, 3, 5, 15, 0, tzinfo=MSK),
        ),
    ],
)
def test_new_events_at_hours_and_years_said_in_words(text: str, start: datetime) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.start == start


@pytest.mark.parametrize(
    "text", ["what's on in the next half hour", "что у меня в ближайшие полчаса"]
)
def test_the_next_half_hour_is_a_window_from_now(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start == NOW
    assert command.range_end == NOW + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Поставте встречу с Анной завтра в 10", "Встреча с Анной"),
        ("Добавте созвон с Петром в среду в 11", "Созвон с Петром"),
        ("Запланиру встречу с командой в пятницу в 15", "Встреча с командой"),
        ("запланирй созвон с юристом завтра в 11", "Созвон с юристом"),
        ("Создйа встречу с Ириной завтра в 9", "Встреча с Ириной"),
        ("Пожалуйста, поставте планёрку на понедельник в 10", "Планёрка"),
        ("Schedul a meeting with Anna tomorrow at 10", "Meeting with Anna"),
        ("shedule lunch with Bob on friday at 1", "Lunch with Bob"),
        ("creat an event dinner with Kim friday at 7", "Dinner with Kim"),
        # a word the dictionary knows is a word of its own, one letter from a verb or not
        ("Поставщик завтра в 10", "Поставщик"),
        ("Plans with Anna on friday at 7", "Plans with Anna"),  # "plan" + s is a noun
    ],
)
def test_a_command_verb_typed_with_one_typo_stays_out_of_the_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title
