"""Round 19: requests written as a new user would, none from any set.

A request joined to one that is no calendar's ("… and tell Sam", «… и предупреди Ивана»):
the telling is no part of the event's name or of the event looked for. Time words beside a
bulk shift name its window.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=MSK)


@pytest.mark.parametrize(
    ("text", "intent", "title"),
    [
        ("cancel tomorrow's standup and tell Sam", Intent.DELETE_EVENT, "Standup"),
        ("move the review to 4 and notify the team", Intent.UPDATE_EVENT, "Review"),
        ("drop the 1:1 with Kate and email her", Intent.DELETE_EVENT, "1:1 with Kate"),
        ("удали встречу с Олегом завтра и скажи ему", Intent.DELETE_EVENT, "Встреча с Олегом"),
        ("перенеси планёрку на 11 и сообщи команде", Intent.UPDATE_EVENT, "Планёрка"),
        ("отмени созвон в 15:00 и напиши Ивану", Intent.DELETE_EVENT, "Созвон"),
    ],
)
def test_telling_someone_is_no_part_of_the_event_looked_for(
    text: str, intent: Intent, title: str
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is intent
    assert command.target is not None
    assert command.target.title == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("book lunch with Anna tomorrow at 1 and let her know", "Lunch with Anna"),
        (
            "book a meeting with Anna friday at 3 and tell her to bring the slides",
            "Meeting with Anna",
        ),
        ("schedule a call with Bob friday at 3 and email him the agenda", "Call with Bob"),
        ("поставь обед с Машей в пятницу в 13 и дай знать Пете", "Обед с Машей"),
        ("запланируй встречу с Петром завтра в 10 и предупреди его", "Встреча с Петром"),
    ],
)
def test_telling_someone_is_no_part_of_a_new_events_name(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title
    assert command.start is not None


def test_a_clock_with_the_telling_is_still_the_event_looked_for() -> None:
    command = parse("cancel my 9am and tell Sam", now=NOW, tz=MSK)
    assert command.intent is Intent.DELETE_EVENT
    assert command.target is not None
    assert command.target.title is None
    assert command.target.start == datetime(2026, 12, 3, 9, tzinfo=MSK)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("встреча с Анной и Петром завтра в 10", "Встреча с Анной и Петром"),
        ("lunch and learn friday at 12", "Lunch and learn"),
    ],
)
def test_a_name_joined_by_and_keeps_its_words(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.title == title


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("actually, make the dinner at 8", Intent.UPDATE_EVENT),
        ("oops, move the dinner to 8", Intent.UPDATE_EVENT),
        ("um cancel the dinner on friday", Intent.DELETE_EVENT),
        ("вообще-то перенеси ужин на 20:00", Intent.UPDATE_EVENT),
        ("ой, перенеси ужин на 20:00", Intent.UPDATE_EVENT),
    ],
)
def test_correcting_oneself_is_no_part_of_the_event_looked_for(text: str, intent: Intent) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is intent
    assert command.target is not None
    assert command.target.title in ("Dinner", "Ужин")


def test_a_hesitation_is_no_part_of_a_new_name() -> None:
    command = parse("um remind me to call the bank at two", now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == "Call the bank"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("remind me about it an hour before", 60),
        ("set a reminder for it 30 minutes before", 30),
        ("напомни мне о ней за час", 60),
        ("напомни об этом за 15 минут", 15),
    ],
)
def test_a_reminder_before_it_is_of_the_event_just_dealt_with(text: str, minutes: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.target is not None
    assert command.target.previous
    assert command.reminder_minutes_before == minutes
    assert command.missing == ()
