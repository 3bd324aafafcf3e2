"""Round 20: requests written as a new user would, none from any set.

An ordinal spelled out before a thing ranks the thing ("the second floor", "on second
thought"): it names no day of the month. Correcting oneself ("scratch that", «хотя нет»)
and "instead" are no part of the event's name.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=MSK)


def _looked_for(text: str, intent: Intent | None = None) -> str | None:
    """The title of the event the text looks for (read as `intent`, when one is given)."""
    command = parse(text, now=NOW, tz=MSK)
    if intent is not None:
        assert command.intent is intent
    assert command.target is not None
    return command.target.title


def _new_title(text: str, intent: Intent) -> str | None:
    """The title of the new event or reminder the text asks for, read as `intent`."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is intent
    return command.title


@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        (
            "meeting with the team on the second floor tomorrow at 3",
            "Meeting with the team on the second floor",
            datetime(2026, 12, 3, 15, 0, tzinfo=MSK),
        ),
        (
            "lunch at the 3rd street diner on friday at 1",
            "Lunch at the 3rd street diner",
            datetime(2026, 12, 4, 13, 0, tzinfo=MSK),
        ),
        (
            "fire drill on the third floor thursday at 11",
            "Fire drill on the third floor",
            datetime(2026, 12, 3, 11, 0, tzinfo=MSK),
        ),
    ],
)
def test_an_ordinal_before_a_thing_ranks_it_and_names_no_day(
    text: str, title: str, start: datetime
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title
    assert command.start == start


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("dinner on the third at 7", 3),
        ("How does the 3rd look?", 3),
        ("on the 14th book a table at the steakhouse for 7", 14),
        ("lunch on the second at noon", 2),
        ("move the dentist to the 21st instead", 21),
    ],
)
def test_an_ordinal_said_as_a_date_stays_one(text: str, day: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    when = command.start or command.range_start or command.day
    assert when is not None
    assert when.day == day


def test_on_second_thought_is_no_date_and_no_name() -> None:
    command = parse("on second thought, cancel the dentist", now=NOW, tz=MSK)
    assert command.intent is Intent.DELETE_EVENT
    assert command.target is not None
    assert command.target.title == "Dentist"
    assert command.target.range_start is None


@pytest.mark.parametrize(
    ("text", "intent", "title"),
    [
        ("no wait, move the call to 5", Intent.UPDATE_EVENT, "Call"),
        ("scratch that, cancel the gym", Intent.DELETE_EVENT, "Gym"),
        ("sorry, push the standup to 10:30", Intent.UPDATE_EVENT, "Standup"),
        ("do the review on Tuesday instead", Intent.UPDATE_EVENT, "Review"),
        ("хотя нет, отмени стоматолога", Intent.DELETE_EVENT, "Стоматолог"),
        ("созвон с Лондоном давай лучше во вторник", Intent.UPDATE_EVENT, "Созвон с Лондоном"),
        ("стоп, удали тренировку в субботу", Intent.DELETE_EVENT, "Тренировка"),
    ],
)
def test_correcting_oneself_is_no_part_of_the_event_looked_for(
    text: str, intent: Intent, title: str
) -> None:
    assert _looked_for(text, intent) == title


@pytest.mark.parametrize(
    "text", ["scratch that, make it 4pm", "let's meet at noon instead", "давай лучше на завтра"]
)
def test_a_correction_with_no_name_is_of_the_event_just_dealt_with(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.target is None or (command.target.title is None and command.target.previous)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("when did I last see the dentist", "Dentist"),
        ("when was my last massage", "Massage"),
        ("when was the last time I saw Anna", "Anna"),
        ("what was my previous meeting with the client", "Meeting with the client"),
        ("find the last meeting I had with the CEO", "Meeting with the CEO"),
        ("когда я последний раз был у стоматолога", "Стоматолог"),
        ("когда была последняя встреча с Иваном", "Встреча с Иваном"),
        ("Когда мы последний раз созванивались с Бобом?", "Боб"),
        ("когда в прошлый раз был массаж", "Массаж"),
    ],
)
def test_asking_when_last_looks_back(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.latest
    assert command.target.title == title


@pytest.mark.parametrize(
    "text",
    [
        "when is my last meeting today",
        "when is my next dentist appointment",
        "когда последняя встреча сегодня",
        "when am I meeting Sarah Lee",
    ],
)
def test_the_last_one_still_to_come_is_no_look_back(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.target is not None
    assert not command.target.latest


@pytest.mark.parametrize(
    ("text", "intent", "title"),
    [
        ("cancel the gym, I'm sick", Intent.DELETE_EVENT, "Gym"),
        ("move lunch to 2 because the client is late", Intent.UPDATE_EVENT, "Lunch"),
        ("cancel dinner tonight, something came up", Intent.DELETE_EVENT, "Dinner"),
        ("удали тренировку, я заболел", Intent.DELETE_EVENT, "Тренировка"),
        ("перенеси обед на 14, потому что клиент опаздывает", Intent.UPDATE_EVENT, "Обед"),
    ],
)
def test_a_reason_given_after_is_no_part_of_the_event(
    text: str, intent: Intent, title: str
) -> None:
    assert _looked_for(text, intent) == title


def test_a_clause_after_a_comma_with_nothing_named_before_is_the_reminder() -> None:
    command = parse("напомни мне, я должен позвонить маме", now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == "Должен позвонить маме"


@pytest.mark.parametrize(
    ("text", "title", "day"),
    [
        ("my wife's birthday is march 3", "Wife's birthday", (2027, 3, 3)),
        ("the deadline for the report is friday", "Deadline for the report", (2026, 12, 4)),
        ("payday is on the 25th", "Payday", (2026, 12, 25)),
        ("у Насти день рождения в субботу", "День рождения у Насти", (2026, 12, 5)),
        ("зарплата 10 числа", "Зарплата", (2026, 12, 10)),
    ],
)
def test_a_date_stated_is_an_event_to_keep(
    text: str, title: str, day: tuple[int, int, int]
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title
    assert command.day is not None
    assert (command.day.year, command.day.month, command.day.day) == day


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("у мамы операция в среду утром", "Операция у мамы"),
        ("у сына утренник в пятницу в 10", "Утренник у сына"),
        ("у нас планёрка в 10 завтра", "Планёрка"),
        ("у меня встреча с Петей завтра в 12", "Встреча с Петей"),
    ],
)
def test_whose_event_it_is_comes_after_it(text: str, title: str) -> None:
    assert _new_title(text, Intent.CREATE_EVENT) == title


@pytest.mark.parametrize(
    "text", ["создай напоминалку на завтра на восемь", "поставь напоминалку на завтра в 8"]
)
def test_a_colloquial_reminder_noun_asks_what_to_remind(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title is None


@pytest.mark.parametrize(
    ("text", "intent", "title"),
    [
        ("the board meeting is cancelled, delete it", Intent.DELETE_EVENT, "Board meeting"),
        ("dinner with Sam moved to 8, update it", Intent.UPDATE_EVENT, "Dinner with Sam"),
        ("Встреча с Иваном отменяется, удали её", Intent.DELETE_EVENT, "Встреча с Иваном"),
        ("Созвон с клиентом отменили, убери его", Intent.DELETE_EVENT, "Созвон с клиентом"),
        ("ужина с Петровыми не будет, удали его", Intent.DELETE_EVENT, "Ужина с Петровыми"),
        ("Пусть созвон будет в 11, а не в 10", Intent.UPDATE_EVENT, "Созвон"),
        ("Исправь время урока английского на 19:30", Intent.UPDATE_EVENT, "Урок английского"),
    ],
)
def test_telling_what_happened_to_it_is_no_part_of_its_name(
    text: str, intent: Intent, title: str
) -> None:
    assert _looked_for(text, intent) == title


@pytest.mark.parametrize(
    "text", ["when does my first meeting start tomorrow", "what is my first appointment today"]
)
def test_the_first_of_a_day_is_no_name(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title is None
    assert command.target.range_start is not None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("убери из календаря стрижку", "Стрижка"),
        ("Стрижку отменила, убери из календаря", "Стрижка"),
        ("растяни совещание до 13:00", "Совещание"),
    ],
)
def test_calendar_words_and_change_verbs_are_no_name(text: str, title: str) -> None:
    assert _looked_for(text) == title


@pytest.mark.parametrize(
    "text",
    ["встреча с Иваном с 12 на 13", "планёрку с 11 на 12", "обед с понедельника на вторник"],
)
def test_a_new_event_said_as_a_move_is_asked_about_never_made_at_once(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.readings  # a question: create it, or change the event?
    assert all(r.confidence <= 0.5 for r in command.readings)


@pytest.mark.parametrize("text", ["Созвон в пол третьего", "созвон с Олей с 10 до 11"])
def test_a_new_event_with_its_time_is_still_made(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert not command.readings


@pytest.mark.parametrize(
    ("text", "title"), [("call at noon-ish", "Call"), ("lunch at one-ish tomorrow", "Lunch")]
)
def test_an_approximation_typed_onto_a_time_word_is_no_name(text: str, title: str) -> None:
    assert _new_title(text, Intent.CREATE_EVENT) == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Can I move my haircut to Saturday?", "Haircut"),
        ("Would it be possible to shift the standup to 9:30?", "Standup"),
        ("выкинь созвон с Пашей", "Созвон с Пашей"),
        ("Когда приходит сантехник?", "Сантехник"),
    ],
)
def test_asking_around_the_event_is_no_part_of_it(text: str, title: str) -> None:
    assert _looked_for(text) == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("впиши созвон с банком завтра в 11", "Созвон с банком"),
        ("i would like a wake up alarm at seven am tomorrow", "Wake up alarm"),
        ("пни меня в 5 выезжать в аэропорт", "Выезжать в аэропорт"),
    ],
)
def test_the_request_words_are_no_part_of_a_new_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.title == title


@pytest.mark.parametrize(
    ("text", "hour"),
    [
        ("set an alarm for 6:45 tomorrow", 6),
        ("alarm at 5:30", 5),
        ("поставь будильник на 6", 6),
        ("alarm at 4 pm", 16),
    ],
)
def test_an_alarm_at_a_bare_early_hour_is_in_the_morning(text: str, hour: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.start is not None
    assert command.start.hour == hour


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("did the standup get moved", "Standup"),
        ("has the review been cancelled?", "Review"),
        ("did my flight to Berlin make it into the calendar", "Flight to Berlin"),
    ],
)
def test_asking_whether_it_happened_searches_the_event(text: str, title: str) -> None:
    assert _looked_for(text, Intent.SEARCH_EVENTS) == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("поставь на пятницу стрижку часов на пять", "Стрижка"),
        ("Поставь ужин часиков в восемь", "Ужин"),
        ("ремонт часов в субботу в 11", "Ремонт часов"),
    ],
)
def test_the_hour_word_said_before_a_time_is_no_name(text: str, title: str) -> None:
    assert _new_title(text, Intent.CREATE_EVENT) == title


def test_a_long_hesitation_is_no_name() -> None:
    assert _looked_for("эээ перенеси мне встречу с димой на понедельник") == "Встреча с димой"


@pytest.mark.parametrize(
    "text",
    [
        "should I move the dentist to friday?",
        "should we cancel the offsite",
        "стоит ли переносить созвон на завтра?",
    ],
)
def test_asking_for_advice_changes_nothing(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent not in (
        Intent.CREATE_EVENT,
        Intent.UPDATE_EVENT,
        Intent.DELETE_EVENT,
        Intent.CREATE_REMINDER,
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("how many days until the wedding", "Wedding"),
        ("How many days until my trip to Japan?", "Trip to Japan"),
        ("Сколько дней до встречи с инвестором?", "Встреча с инвестором"),
        ("через сколько дней конференция", "Конференция"),
    ],
)
def test_how_long_until_an_event_of_ones_own_searches_it(text: str, title: str) -> None:
    assert _looked_for(text, Intent.SEARCH_EVENTS) == title


@pytest.mark.parametrize("text", ["how many days until christmas", "сколько дней до нового года"])
def test_how_long_until_a_public_date_is_no_search_of_the_calendar(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).intent is Intent.UNKNOWN


@pytest.mark.parametrize("text", ["standup at 9", "dentist at 3", "стоматолог в 15"])
def test_an_event_and_a_time_alone_is_never_moved_at_once(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.readings  # change it, or make a new one?
    assert all(r.confidence < 0.7 for r in command.readings)


@pytest.mark.parametrize(
    "text", ["не в 10 а в 11", "в 4 вместо 3", "make it 5", "push the standup to 10"]
)
def test_a_correction_or_a_change_verb_still_moves(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert not command.readings
