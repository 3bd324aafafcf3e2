"""A reminder said against an event's day: "the night before my dentist appointment",
«вечером накануне приёма у врача», «утром в день вылета».

Read as a reminder for the event named after the lead (a target with its title words), the
lead as days before the event's day and a clock on that day, never as a time from now with
"before …" left in a title. A shape of this kind the grammar cannot read is asked about.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent, Missing
from calendar_assistant.understanding.parser import parse

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 3, 26, 10, 0, tzinfo=BERLIN)  # two days before the spring change

EVENING, MORNING = time(20), time(8)

AGAINST_A_DAY = [
    ("ping me the night before my dentist appointment", "Dentist appointment", 1, EVENING),
    ("Remind me the evening before the quarterly review", "Quarterly review", 1, EVENING),
    ("remind me the day before the team offsite", "Team offsite", 1, None),
    ("Set a reminder the day before my mom's birthday party", "Mom's birthday party", 1, None),
    ("remind me the morning of my flight", "Flight", 0, MORNING),
    ("remind me on the morning of the board meeting", "Board meeting", 0, MORNING),
    ("remind me on the day of my exam", "Exam", 0, MORNING),
    ("remind me on the eve of the conference", "Conference", 1, EVENING),
    # "let me know" with a time against an event asks to be told then: a reminder
    ("let me know the evening before the bake sale", "Bake sale", 1, EVENING),
    ("напомни накануне встречи с Иваном", "Встреча с Иваном", 1, None),
    ("напомни вечером накануне приёма у врача", "Приём у врача", 1, EVENING),
    ("Напомни накануне вечером о презентации", "Презентация", 1, EVENING),
    ("напомни утром в день вылета", "Вылет", 0, MORNING),
    ("remind me the day before the offsite at 9am", "Offsite", 1, time(9)),
    ("remind me 2 days before my flight at 6pm", "Flight", 2, time(18)),
    ("напомни за день до презентации вечером", "Презентация", 1, EVENING),
    ("Напомни за 2 дня до отпуска в 10 утра", "Отпуск", 2, time(10)),
    ("Напомни мне утром в день экзамена", "Экзамен", 0, MORNING),
]


@pytest.mark.parametrize(("text", "title", "days", "at"), AGAINST_A_DAY)
def test_a_lead_in_days_names_the_event_after_it(
    text: str, title: str, days: int, at: time | None
) -> None:
    command = parse(text, now=NOW, tz=BERLIN, lang=None)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.target is not None
    assert command.target.title == title
    assert command.reminder_day_offset == days
    assert command.reminder_at == at
    assert command.start is None
    assert command.title is None
    assert command.reminder_minutes_before is None


@pytest.mark.parametrize(
    "text",
    ["ping me the night before", "remind me the day before", "напомни накануне"],
)
def test_no_event_named_asks_which(text: str) -> None:
    command = parse(text, now=NOW, tz=BERLIN, lang=None)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.start is None
    assert Missing.TARGET in command.missing


@pytest.mark.parametrize(
    "text",
    [
        "remind me at 9pm before my dentist appointment",
        "remind me after the meeting to call mom",
        "напомни после встречи с Иваном позвонить маме",
        "напомни вечером перед встречей с Иваном",
        "Напомни перед созвоном с клиентом проверить отчёт",
        "remind me an hour before the standup at 9",
    ],
)
def test_a_title_opening_with_before_or_after_is_asked_about(text: str) -> None:
    command = parse(text, now=NOW, tz=BERLIN, lang=None)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title is None
    assert command.start is None
    assert command.missing == (Missing.TARGET,)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Что у меня накануне субботы?", datetime(2027, 3, 26, tzinfo=BERLIN),
         datetime(2027, 3, 27, tzinfo=BERLIN)),
        ("Что у меня накануне субботы вечером?", datetime(2027, 3, 26, 18, tzinfo=BERLIN),
         datetime(2027, 3, 27, tzinfo=BERLIN)),
        ("what do I have the night before Sunday", datetime(2027, 3, 27, 22, tzinfo=BERLIN),
         datetime(2027, 3, 28, 6, tzinfo=BERLIN)),
    ],
)  # fmt: skip
def test_before_a_named_day_stays_a_day(text: str, start: datetime, end: datetime) -> None:
    """Before a date, not an event: the day before it (a list, not a lead)."""
    command = parse(text, now=NOW, tz=BERLIN, lang=None)
    assert command.intent is Intent.LIST_EVENTS
    assert (command.range_start, command.range_end) == (start, end)


def test_a_minutes_lead_is_unchanged() -> None:
    command = parse("remind me an hour before the standup", now=NOW, tz=BERLIN, lang=None)
    assert command.reminder_minutes_before == 60
    assert command.reminder_day_offset is None
    assert command.target is not None
    assert command.target.title == "Standup"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("remind me at 10pm before bed to take pills", "Before bed to take pills"),
        ("remind me to call mom after the meeting", "Call mom after the meeting"),
        ("напомни в 23:00 перед сном выпить таблетку", "Перед сном выпить таблетку"),
    ],
)
def test_what_to_do_before_or_after_stays_a_title(text: str, title: str) -> None:
    """ "before bed" is what to do, not an event; words after the verb are the title."""
    command = parse(text, now=NOW, tz=BERLIN, lang=None)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == title
