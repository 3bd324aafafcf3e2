"""Slots that survive real Russian phrasing (issue 10, part 4): «на то же время», moves
of an event named by its time, references by time alone («встречу в 15:00», «мою
трёхчасовую»), titles with no time or question words, and questions about people.

The clock is pinned at Thursday 2026-12-03 09:00 in Europe/Berlin. Only the keys listed
are checked; a key listed with None is checked to be empty. The last test feeds the slot
builders an intent directly: the slots do not depend on which stage chose the intent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.understanding import parse
from calendar_assistant.understanding.parser import _BUILDERS, read_message
from calendar_assistant.understanding.rules.intents import IntentCue

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=TZ)


def _check(command: Command, want: dict[str, Any]) -> None:
    frame = command.model_dump()
    for key, value in want.items():
        if key in ("target", "changes"):
            part = frame[key] or {}
            for inner, expected in value.items():
                assert part.get(inner) == expected, f"{key}.{inner}: {part.get(inner)!r}"
        else:
            assert frame[key] == value, f"{key}: {frame[key]!r}"


SAME_TIME = [
    ("перенеси стоматолога на среду на то же время", "Стоматолог", 9),
    ("перенеси стоматолога на среду в то же время", "Стоматолог", 9),
    ("перенеси планёрку на четверг на то же время", "Планёрка", 10),
    ("сдвинь ретро на пятницу, в то же время", "Ретро", 4),
    ("перенеси обед с Анной на понедельник на то же самое время", "Обед с Анной", 7),
]


@pytest.mark.parametrize(("text", "title", "day"), SAME_TIME)
def test_same_time_moves_to_another_day_and_keeps_the_time(text: str, title: str, day: int) -> None:
    _check(
        parse(text, now=NOW, tz=TZ),
        {
            "intent": Intent.UPDATE_EVENT,
            "day": at(day, 0).date(),
            "target": {"title": title, "start": None},
            "changes": {},
        },
    )


BY_TIME: list[tuple[str, dict[str, Any]]] = [
    (
        "перенеси мою встречу в 15 на 16",
        {"target": {"title": None, "start": at(3, 15)}, "changes": {"start": at(3, 16)}},
    ),
    (
        "перенеси встречу в 10 на 11:30",
        {"target": {"title": None, "start": at(3, 10)}, "changes": {"start": at(3, 11, 30)}},
    ),
    (
        "перенеси созвон в 15 на четверг",
        {"target": {"title": "Созвон", "start": at(3, 15)}, "day": at(10, 0).date()},
    ),
    (
        "перенеси звонок в 16 на то же время в пятницу",  # the time said names the event
        {"target": {"title": "Звонок", "start": at(3, 16)}, "day": at(4, 0).date()},
    ),
    (
        "перенеси мою трёхчасовую на пятницу",
        {"target": {"title": None, "start": at(3, 15)}, "day": at(4, 0).date()},
    ),
]


@pytest.mark.parametrize(("text", "want"), BY_TIME)
def test_an_event_named_by_its_time_moves(text: str, want: dict[str, Any]) -> None:
    _check(parse(text, now=NOW, tz=TZ), {"intent": Intent.UPDATE_EVENT, **want})


REFERENCES: list[tuple[str, Intent, datetime]] = [
    ("отмени мою встречу в 9", Intent.DELETE_EVENT, at(3, 9)),
    ("удали встречу в 15:00", Intent.DELETE_EVENT, at(3, 15)),
    ("отмени мою трёхчасовую", Intent.DELETE_EVENT, at(3, 15)),
    ("о чём встреча в 15?", Intent.SEARCH_EVENTS, at(3, 15)),
    ("что за встреча в 11 завтра?", Intent.SEARCH_EVENTS, at(4, 11)),
    # Who comes to one meeting named by its time: that meeting is found (its reply names
    # the people), not the whole day listed.
    ("кто придёт на встречу в 15", Intent.SEARCH_EVENTS, at(3, 15)),
]


@pytest.mark.parametrize(("text", "intent", "start"), REFERENCES)
def test_an_event_is_named_by_its_time_alone(text: str, intent: Intent, start: datetime) -> None:
    _check(
        parse(text, now=NOW, tz=TZ), {"intent": intent, "target": {"title": None, "start": start}}
    )


def test_a_length_is_still_a_length() -> None:
    """«Сделай планёрку трёхчасовой», «трёхчасовую встречу»: a length, not a time."""
    command = parse("сделай планёрку трёхчасовой", now=NOW, tz=TZ)
    assert command.changes is not None
    assert command.changes.duration_minutes == 180


TITLES: list[tuple[str, str | None]] = [
    ("Что-нибудь в понедельник в 10", None),
    ("созвон с Бобом в первый понедельник следующего месяца в 10", "Созвон с Бобом"),
    ("запланируй звонок как можно скорее", "Звонок"),
    ("поставь созвон на то же время завтра", "Созвон"),
]


@pytest.mark.parametrize(("text", "title"), TITLES)
def test_titles_keep_no_time_question_or_command_words(text: str, title: str | None) -> None:
    command = parse(text, now=NOW, tz=TZ)
    assert command.title == title
    if command.intent is Intent.CREATE_EVENT and title is None:
        assert "title" in command.missing


WHO: list[tuple[str, int]] = [
    ("с кем я встречаюсь сегодня", 3),
    ("с кем у меня созвон завтра", 4),
    ("с кем встреча в 15?", 3),
    ("кто у меня в пятницу", 4),
]


@pytest.mark.parametrize(("text", "day"), WHO)
def test_who_questions_list_that_day(text: str, day: int) -> None:
    _check(
        parse(text, now=NOW, tz=TZ),
        {"intent": Intent.LIST_EVENTS, "range_start": at(day, 0), "range_end": at(day + 1, 0)},
    )


PERSON = [
    ("когда я встречаюсь с Анной", "Анна"),
    ("когда я увижу Петра", "Пётр"),
    ("когда мы созваниваемся с Олегом", "Олег"),
    ("когда я в следующий раз встречаюсь с Олегом", "Олег"),
    ("когда у меня встреча с Иваном?", "Встреча с Иваном"),
]


@pytest.mark.parametrize(("text", "title"), PERSON)
def test_when_am_i_meeting_someone_searches_the_person(text: str, title: str) -> None:
    _check(
        parse(text, now=NOW, tz=TZ), {"intent": Intent.SEARCH_EVENTS, "target": {"title": title}}
    )


CHOSEN: list[tuple[str, Intent, dict[str, Any]]] = [
    (
        "с кем я встречаюсь сегодня",
        Intent.SEARCH_EVENTS,
        {"target": {"title": None, "range_start": at(3, 0)}},
    ),
    ("с кем встреча в 15", Intent.SEARCH_EVENTS, {"target": {"title": None, "start": at(3, 15)}}),
    (
        "о чём моя встреча в 15",
        Intent.SEARCH_EVENTS,
        {"target": {"title": None, "start": at(3, 15)}},
    ),
    ("что у меня завтра после обеда", Intent.CREATE_EVENT, {"title": None}),
    ("с кем встреча в 15", Intent.LIST_EVENTS, {"range_start": at(3, 0), "range_end": at(4, 0)}),
    (
        "перенеси стоматолога на среду на то же время",
        Intent.UPDATE_EVENT,
        {"target": {"title": "Стоматолог"}, "day": at(9, 0).date()},
    ),
]


@pytest.mark.parametrize(("text", "intent", "want"), CHOSEN)
def test_the_slots_do_not_depend_on_who_chose_the_intent(
    text: str, intent: Intent, want: dict[str, Any]
) -> None:
    msg = read_message(text, now=NOW, tz=TZ, lang="ru", default_duration_minutes=60)
    command = _BUILDERS[intent](msg, IntentCue(intent, None, 0.8))
    _check(command, {"intent": intent, **want})
