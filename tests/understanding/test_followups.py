"""Phrasebook of follow-up requests users hit (issue #3): moves to a bare time, shifts,
"it"/«её», lengths, bulk moves, next-event questions, meeting titles, venues, requests
with no calendar cue and «в ночь на …».

Two pinned clocks, both just before a DST change: Friday 2027-03-26 10:00 in Berlin
(summer time from Sunday 28th) and Friday 2027-03-12 10:00 in New York (from Sunday 14th).
Only the listed keys are checked; dotted keys reach into `target` and `changes`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Command
from calendar_assistant.understanding import parse

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CLOCKS = {
    "ru": (BERLIN, datetime(2027, 3, 26, 10, 0, tzinfo=BERLIN)),
    "en": (NEW_YORK, datetime(2027, 3, 12, 10, 0, tzinfo=NEW_YORK)),
}

CASES: list[tuple[str, dict[str, Any]]] = [
    # 1. a bare clock time keeps the event's day; a named day is used
    (
        "Перенеси встречу с командой на 11",
        {
            "intent": "update_event",
            "target.title": "Встреча с командой",
            "changes.start": "2027-03-26T11:00:00+01:00",
            "changes.time_only": True,
        },
    ),
    (
        "Передвинь созвон на 16:30",
        {"changes.start": "2027-03-26T16:30:00+01:00", "changes.time_only": True},
    ),
    (
        "Перенеси встречу на завтра на 11",
        {"changes.start": "2027-03-27T11:00:00+01:00", "changes.time_only": False},
    ),
    (
        "Перенеси консультацию на 18:30 сегодня",
        {"changes.start": "2027-03-26T18:30:00+01:00", "changes.time_only": False},
    ),
    (
        "Перенеси завтрак на воскресенье на 9",
        {"changes.start": "2027-03-28T09:00:00+02:00", "changes.time_only": False},
    ),
    (
        "Move lunch with Anna to 2pm",
        {
            "target.title": "Lunch with Anna",
            "changes.start": "2027-03-12T14:00:00-05:00",
            "changes.time_only": True,
        },
    ),
    (
        "push the standup to 10:30",
        {"target.title": "Standup", "changes.time_only": True},
    ),
    (
        "Move the call to Thursday at 4pm",
        {"changes.start": "2027-03-18T16:00:00-04:00", "changes.time_only": False},
    ),
    (
        "Move brunch to Sunday at 11am",
        {"changes.start": "2027-03-14T11:00:00-04:00", "changes.time_only": False},
    ),
    # 2. shifts of the whole event, and of its end
    ("Перенеси встречу на час позже", {"changes.shift_minutes": 60, "missing": []}),
    ("Сдвинь созвон на 30 минут раньше", {"changes.shift_minutes": -30}),
    ("передвинь планёрку на полчаса вперёд", {"changes.shift_minutes": 30}),
    ("Отложи обед на 15 минут", {"target.title": "Обед", "changes.shift_minutes": 15}),
    ("push the standup back an hour", {"target.title": "Standup", "changes.shift_minutes": 60}),
    ("move the call 15 minutes earlier", {"target.title": "Call", "changes.shift_minutes": -15}),
    ("postpone the call by 30 minutes", {"changes.shift_minutes": 30}),
    ("move the review forward by 30 minutes", {"changes.shift_minutes": -30}),
    (
        "extend the meeting by 30 minutes",
        {"changes.end_shift_minutes": 30, "changes.shift_minutes": None},
    ),
    ("Продли встречу на 30 минут", {"changes.end_shift_minutes": 30}),
    ("сократи планёрку на 15 минут", {"changes.end_shift_minutes": -15}),
    (
        "make the sync 15 minutes shorter",
        {"target.title": "Sync", "changes.end_shift_minutes": -15},
    ),
    ("Подвинь обед на 15 минут назад", {"changes.shift_minutes": -15, "changes.start": None}),
    ("Сделай встречу длиннее на час", {"target.title": "Встреча", "changes.end_shift_minutes": 60}),
    ("Push it by 30 minutes", {"target.previous": True, "changes.shift_minutes": 30}),
    # 3. pointing back at the event just discussed
    (
        "Перенеси её на 11",
        {"target.previous": True, "target.title": None, "changes.time_only": True},
    ),
    ("удали это", {"intent": "delete_event", "target.previous": True, "missing": []}),
    (
        "сделай её на час длиннее",
        {"intent": "update_event", "target.previous": True, "changes.end_shift_minutes": 60},
    ),
    ("move it to 3pm", {"target.previous": True, "changes.start": "2027-03-12T15:00:00-05:00"}),
    ("cancel that", {"intent": "delete_event", "target.previous": True}),
    ("rename it to Budget review", {"target.previous": True, "changes.title": "Budget review"}),
    ("переименуй его в Обед с мамой", {"target.previous": True, "changes.title": "Обед с мамой"}),
    ("push it back an hour", {"target.previous": True, "changes.shift_minutes": 60}),
    ("Удали её", {"intent": "delete_event", "target.previous": True, "target.title": None}),
    ("Отмени его", {"intent": "delete_event", "target.previous": True}),
    ("Delete it", {"intent": "delete_event", "target.previous": True}),
    ("Push it to tomorrow", {"target.previous": True, "day": "2027-03-13"}),
    ("cancel", {"intent": "cancel"}),
    ("отмени", {"intent": "cancel"}),
    ("Перенеси его день рождения на пятницу", {"target.previous": False}),
    # 4. a new length
    ("Сделай планёрку на 2 часа", {"intent": "update_event", "changes.duration_minutes": 120}),
    ("пусть созвон длится 45 минут", {"target.title": "Созвон", "changes.duration_minutes": 45}),
    ("Make the sync 90 minutes long", {"target.title": "Sync", "changes.duration_minutes": 90}),
    ("shorten the review to 30 minutes", {"changes.duration_minutes": 30}),
    # 5. every event of a day moved to another day
    (
        "Перенеси все встречи с понедельника на вторник",
        {
            "intent": "update_event",
            "target": None,
            "range_start": "2027-03-29T00:00:00+02:00",
            "range_end": "2027-03-30T00:00:00+02:00",
            "day": "2027-03-30",
        },
    ),
    (
        "Move all meetings on Monday to Tuesday",
        {
            "target": None,
            "range_start": "2027-03-15T00:00:00-04:00",
            "range_end": "2027-03-16T00:00:00-04:00",
            "day": "2027-03-16",
        },
    ),
    # 6. questions
    (
        "What does my Thursday look like?",
        {"intent": "list_events", "range_start": "2027-03-18T00:00:00-04:00"},
    ),
    (
        "How's my week looking?",
        {
            "intent": "list_events",
            "range_start": "2027-03-08T00:00:00-05:00",
            "range_end": "2027-03-15T00:00:00-04:00",
        },
    ),
    (
        "Что у меня в ближайшие два часа?",
        {
            "intent": "list_events",
            "range_start": "2027-03-26T10:00:00+01:00",
            "range_end": "2027-03-26T12:00:00+01:00",
        },
    ),
    (
        "What do I have in the next 30 minutes?",
        {"range_start": "2027-03-12T10:00:00-05:00", "range_end": "2027-03-12T10:30:00-05:00"},
    ),
    ("When is my next meeting?", {"intent": "search_events", "target.title": None}),
    ("Когда у меня следующая встреча?", {"intent": "search_events", "target.title": None}),
    ("What time is it?", {"intent": "unknown"}),
    ("What's my next meeting?", {"intent": "search_events", "target.title": None}),
    ("What's my next dentist appointment?", {"target.title": "Dentist appointment"}),
    ("Какая у меня следующая встреча?", {"intent": "search_events", "target.title": None}),
    ("Какая следующая тренировка?", {"intent": "search_events", "target.title": "Тренировка"}),
    (
        "Anything in the next 3 hours?",
        {"intent": "list_events", "range_end": "2027-03-12T13:00:00-05:00"},
    ),
    ("How do I delete a meeting?", {"intent": "help"}),
    (
        "Я свободен в 3 в понедельник?",
        {
            "intent": "find_free_slots",
            "range_start": "2027-03-29T15:00:00+02:00",
            "range_end": "2027-03-29T16:00:00+02:00",
        },
    ),
    (
        "Am I free at 3 on Monday?",
        {"intent": "find_free_slots", "range_start": "2027-03-15T15:00:00-04:00"},
    ),
    # 7. meeting verbs, make-verbs and venues
    (
        "Нужно встретиться с Ольгой в среду в 14:30",
        {"title": "Встреча с Ольгой", "start": "2027-03-31T14:30:00+02:00"},
    ),
    ("Давай встретимся с Петром и Анной завтра в 10", {"title": "Встреча с Петром и Анной"}),
    ("I need to meet with the landlord on Monday at 3", {"title": "Meeting with the landlord"}),
    ("Let's meet with Anna tomorrow at 5pm", {"title": "Meeting with Anna"}),
    ("Сделай встречу с Васей завтра в 10", {"intent": "create_event", "title": "Встреча с Васей"}),
    ("Организуй встречу с Петей в понедельник в 12", {"title": "Встреча с Петей"}),
    ("Устрой встречу с Васей завтра в 10", {"title": "Встреча с Васей"}),
    ("Обед с Анной в кафе завтра в 13", {"title": "Обед с Анной", "location": "кафе"}),
    ("Встреча в офисе завтра в 10", {"title": "Встреча", "location": "офисе"}),
    ("Кофе в бистро завтра в 9", {"title": "Кофе", "location": "бистро"}),
    ("Поход в кино в субботу вечером", {"title": "Поход в кино", "location": None}),
    (
        "Lunch with Tom at the cafe tomorrow at 1pm",
        {"title": "Lunch with Tom", "location": "the cafe"},
    ),
    # 8. English requests with no calendar cue are not events
    ("Play music at 8pm", {"intent": "unknown"}),
    ("Turn on the lights at 7", {"intent": "unknown"}),
    ("Order pizza at 7pm", {"intent": "unknown"}),
    ("Turn the oven on at 6pm", {"intent": "unknown"}),
    ("Send the report at 9am", {"intent": "unknown"}),
    ("Dentist at 9am tomorrow", {"intent": "create_event", "title": "Dentist"}),
    ("Call with Bob at 3pm", {"intent": "create_event", "title": "Call with Bob"}),
    # 9. «в ночь на субботу» starts on Friday
    (
        "Вечеринка в ночь на субботу",
        {"title": "Вечеринка", "start": "2027-03-26T22:00:00+01:00"},
    ),
    ("Дежурство в ночь на понедельник", {"start": "2027-03-28T22:00:00+02:00"}),
    ("Вечеринка в субботу ночью", {"start": "2027-03-27T22:00:00+01:00"}),
]


def _lang(text: str) -> str:
    return "ru" if any("а" <= ch.lower() <= "я" for ch in text) else "en"


def _value(command: Command, path: str) -> Any:
    value: Any = command
    for part in path.split("."):
        value = None if value is None else getattr(value, part)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [getattr(v, "value", v) for v in value]
    return getattr(value, "value", value)


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_follow_up(text: str, expected: dict[str, Any]) -> None:
    tz, now = CLOCKS[_lang(text)]
    command = parse(text, now=now, tz=tz)
    for path, wanted in expected.items():
        assert _value(command, path) == wanted, path
