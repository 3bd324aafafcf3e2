"""Titles in the calendar's form, places, people and the language of a message."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.understanding import detect_language, parse
from calendar_assistant.understanding.morphology import nominative_name, nominative_phrase

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)

# the object of «Запланируй … завтра в 10» → the title a calendar shows
RU_TITLES = [
    ("встречу с Петром", "Встреча с Петром"),
    ("игру в футбол", "Игра в футбол"),
    ("сдачу отчёта", "Сдача отчёта"),
    ("поход в кино", "Поход в кино"),
    ("звонок маме", "Звонок маме"),
    ("новогодний ужин", "Новогодний ужин"),
    ("важную встречу с клиентом", "Важная встреча с клиентом"),
    ("большую планёрку отдела", "Большая планёрка отдела"),
    ("консультацию у юриста", "Консультация у юриста"),
    ("поездку в аэропорт", "Поездка в аэропорт"),
    ("ревью кода", "Ревью кода"),
    ("дейли", "Дейли"),
    ("свидание с Леной", "Свидание с Леной"),
    ("занятия по английскому", "Занятия по английскому"),
    ("йогу для начинающих", "Йога для начинающих"),
    ("презентацию нового продукта", "Презентация нового продукта"),
    ("вебинар", "Вебинар"),
    ("собеседование с кандидатом", "Собеседование с кандидатом"),
    ("день рождения Маши", "День рождения Маши"),
    ("«Обсуждение бюджета»", "Обсуждение бюджета"),
]


@pytest.mark.parametrize(("said", "title"), RU_TITLES)
def test_russian_titles_are_nominative(said: str, title: str) -> None:
    command = parse(f"Запланируй {said} завтра в 10", now=NOW, tz=MSK)
    assert command.title == title


@pytest.mark.parametrize(
    ("text", "title", "location"),
    [
        ("Поставь встречу в переговорке завтра в 11", "Встреча", "переговорке"),
        ("Поставь созвон в офисе в четверг в 10", "Созвон", "офисе"),
        ("Schedule a call at the office on Monday at 9", "Call", "the office"),
        ("Book lunch at Nobu on Friday at 1pm", "Lunch", "Nobu"),
        ("Schedule a sync in the conference room tomorrow at 3pm", "Sync", "the conference room"),
    ],
)
def test_places_leave_the_title(text: str, title: str, location: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert (command.title, command.location) == (title, location)


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Запланируй встречу с Петром и Анной завтра в 10", ("Пётр", "Анна")),
        ("Созвон с Марией сегодня в 5", ("Мария",)),
        ("Встреча с командой завтра в 10", ()),
        ("Lunch with Anna on Friday at 1pm", ("Anna",)),
        ("Schedule a meeting with Tom and Jerry on Monday at 3pm", ("Tom", "Jerry")),
        ("Add a call with the bank tomorrow at 9", ()),
    ],
)
def test_people_are_named_in_the_nominative(text: str, people: tuple[str, ...]) -> None:
    assert parse(text, now=NOW, tz=MSK).attendees == people


def test_morphology_helpers() -> None:
    assert nominative_phrase(("встречи",), "gent") == ("встреча",)
    assert nominative_phrase(("планёрку",), "accs") == ("планёрка",)
    assert nominative_phrase(("ужин",), "accs") == ("ужин",)
    assert nominative_name("Петром") == "Пётр"
    assert nominative_name("Анной") == "Анна"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Запланируй встречу", "ru"),
        ("Schedule a meeting", "en"),
        ("Meeting с Петром завтра", "ru"),
        ("Call Ivan завтра at 10am please", "en"),
        ("10:30", "ru"),
        ("🙂", "ru"),
        ("", "ru"),
    ],
)
def test_language_by_letters(text: str, lang: str) -> None:
    assert detect_language(text) == lang
