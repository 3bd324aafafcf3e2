"""Requests about the reminders the user set: list them, delete one (by words and/or time).

Both are told apart from setting a reminder («Напомни…», "Set a reminder…") and from
deleting an event; the target's `kind` says "reminder".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding.parser import parse

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# The day before each zone's spring change: "tomorrow" is a 23-hour day.
BERLIN_NOW = datetime(2027, 3, 27, 10, 0, tzinfo=BERLIN)
NEW_YORK_NOW = datetime(2027, 3, 13, 10, 0, tzinfo=NEW_YORK)

LISTING = [
    ("Какие у меня напоминания?", "ru"),
    ("Покажи мои напоминания", "ru"),
    ("Есть ли у меня напоминания?", "ru"),
    ("What reminders do I have?", "en"),
    ("Show my reminders", "en"),
    ("Do I have any reminders?", "en"),
]


@pytest.mark.parametrize(("text", "lang"), LISTING)
def test_asking_for_reminders_lists_them(text: str, lang: str) -> None:
    command = parse(text, now=BERLIN_NOW, tz=BERLIN, lang=None)
    assert command.intent is Intent.LIST_EVENTS
    assert command.lang == lang
    assert command.target is not None
    assert command.target.kind == "reminder"
    assert command.target.range_start is None


@pytest.mark.parametrize(
    ("text", "now", "zone", "start", "end"),
    [
        ("Какие напоминания на завтра?", BERLIN_NOW, BERLIN, (3, 28), (3, 29)),
        ("What reminders do I have tomorrow?", NEW_YORK_NOW, NEW_YORK, (3, 14), (3, 15)),
    ],
)
def test_a_named_day_narrows_the_list(
    text: str, now: datetime, zone: ZoneInfo, start: tuple[int, int], end: tuple[int, int]
) -> None:
    command = parse(text, now=now, tz=zone, lang=None)
    assert command.intent is Intent.LIST_EVENTS
    assert command.target is not None
    assert command.target.kind == "reminder"
    assert command.target.range_start == datetime(2027, *start, tzinfo=zone)
    assert command.target.range_end == datetime(2027, *end, tzinfo=zone)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Удали напоминание про таблетки", "Таблетки"),
        ("Отмени напоминание позвонить маме", "Позвонить маме"),
        ("Отмени напоминание о звонке", "Звонок"),
        ("delete the reminder to call mom", "Call mom"),
        ("remove my reminder about the dentist", "Dentist"),
    ],
)
def test_deleting_a_reminder_by_its_words(text: str, title: str) -> None:
    command = parse(text, now=BERLIN_NOW, tz=BERLIN, lang=None)
    assert command.intent is Intent.DELETE_EVENT
    assert command.target is not None
    assert command.target.kind == "reminder"
    assert command.target.title == title


@pytest.mark.parametrize(
    ("text", "now", "zone"),
    [
        ("cancel my 9am reminder", NEW_YORK_NOW, NEW_YORK),
        ("Удали напоминалку в 9", BERLIN_NOW, BERLIN),
    ],
)
def test_deleting_a_reminder_by_its_time(text: str, now: datetime, zone: ZoneInfo) -> None:
    command = parse(text, now=now, tz=zone, lang=None)
    assert command.intent is Intent.DELETE_EVENT
    assert command.target is not None
    assert command.target.kind == "reminder"
    assert command.target.title is None
    assert command.target.start is not None
    local = command.target.start.astimezone(zone)
    assert (local.hour, local.minute) == (9, 0)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Напомни завтра в 9 позвонить маме", Intent.CREATE_REMINDER),
        ("Поставь напоминание на 9 утра", Intent.CREATE_REMINDER),
        ("Set a reminder for 5pm to buy milk", Intent.CREATE_REMINDER),
        ("Remind me 15 minutes before the standup", Intent.CREATE_REMINDER),
        ("Удали встречу с Иваном", Intent.DELETE_EVENT),
    ],
)
def test_setting_reminders_and_deleting_events_stay_as_they_were(text: str, intent: Intent) -> None:
    command = parse(text, now=BERLIN_NOW, tz=BERLIN, lang=None)
    assert command.intent is intent
    assert command.target is None or command.target.kind == "event"
