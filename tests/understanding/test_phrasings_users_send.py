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
