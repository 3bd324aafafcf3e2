"""Phrasings users send (issue #3): hyphenated titles, politeness, object-of-booking titles,
times said in another zone, "how does … look", ordinals. Several phrasings per rule."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Schedule a stand-up tomorrow at 9:30", "Stand-up"),
        ("Add a check-in on Friday at 10", "Check-in"),
        ("Set up a follow-up with Ann tomorrow at 4pm", "Follow-up with Ann"),
        ("Schedule a one-on-one with Bob tomorrow at 9:30", "One-on-one with Bob"),
        ("Book a sign-off meeting tomorrow at 11", "Sign-off meeting"),
        ("Создай онлайн-встречу завтра в 10", "Онлайн-встреча"),
        ("Запланируй бизнес-ланч завтра в 13", "Бизнес-ланч"),
        ("Добавь кофе-брейк завтра в 11", "Кофе-брейк"),
        ("Добавь онлайн-встречу с Петром в пятницу в 11", "Онлайн-встреча с Петром"),
        ("Кофе-брейк завтра в 11", "Кофе-брейк"),
    ],
)
def test_hyphenated_words_stay_whole_in_titles(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert (command.intent, command.title) == (Intent.CREATE_EVENT, title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Hey, can you put a call with Jim on my calendar for 3pm Friday?", "Call with Jim"),
        ("I'd like to schedule lunch with Ann tomorrow at 1pm", "Lunch with Ann"),
        ("Could you please add a dentist appointment on Friday at 10?", "Dentist appointment"),
        ("Please book a call with Jim tomorrow at 3pm, thanks", "Call with Jim"),
        ("Hi! I want to schedule a demo on Monday at 11am", "Demo"),
        ("Слушай, можешь добавить созвон завтра в 10", "Созвон"),
        ("Будь добр, поставь обед завтра в 13", "Обед"),
        ("Мне нужно добавить встречу с Анной завтра в 10", "Встреча с Анной"),
        ("Хочу запланировать обед с Олегом в пятницу в 13", "Обед с Олегом"),
        ("Поставь, пожалуйста, созвон с Ольгой на завтра в 15", "Созвон с Ольгой"),
        ("Не могли бы вы добавить планёрку завтра в 9?", "Планёрка"),
        ("Привет! Запланируй ужин в субботу в 19", "Ужин"),
    ],
)
def test_politeness_and_openers_leave_the_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert (command.intent, command.title) == (Intent.CREATE_EVENT, title)
    assert command.start is not None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("How does tomorrow look?", 25),
        ("How's Friday looking?", 27),
        ("How is Monday?", 30),
        ("How does the 3rd look?", 3),
        ("Как у меня завтра?", 25),
        ("Что по планам на пятницу?", 27),
        ("Как там в среду?", 25),
        ("Как у меня в понедельник?", 30),
    ],
)
def test_how_a_day_looks_lists_it(text: str, day: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start is not None
    assert command.range_end is not None
    assert command.range_start.day == day
    assert (command.range_end - command.range_start).days == 1


@pytest.mark.parametrize("text", ["How are you?", "How's it going?", "Как дела?", "Как ты?"])
def test_how_without_a_time_is_not_a_list(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).intent is not Intent.LIST_EVENTS


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Do I have anything on the 1st?", (12, 1)),
        ("What's on the 3rd?", (12, 3)),
        ("Anything on the 30th?", (11, 30)),
        ("Что у меня третьего?", (12, 3)),
        ("Что у меня на 3-е?", (12, 3)),
        ("Есть что-нибудь первого?", (12, 1)),
    ],
)
def test_a_bare_ordinal_is_the_next_such_day(text: str, day: tuple[int, int]) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start is not None
    assert (command.range_start.month, command.range_start.day) == day
