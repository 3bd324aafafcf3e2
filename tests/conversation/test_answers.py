"""Typed answers to questions, in both languages."""

from __future__ import annotations

import pytest

from calendar_assistant.conversation.answers import forced, number, scope_answer, yes_or_no
from calendar_assistant.conversation.impossible_dates import impossible_day
from calendar_assistant.replies.payloads import Answer


@pytest.mark.parametrize("text", ["да", "Да!", "yes", "OK", "конечно", "Yes please"])
def test_yes(text: str) -> None:
    assert yes_or_no(text) is Answer.YES


@pytest.mark.parametrize("text", ["нет", "Нет.", "no", "не надо", "Never mind"])
def test_no(text: str) -> None:
    assert yes_or_no(text) is None or yes_or_no(text) is Answer.NO
    assert yes_or_no(text) is Answer.NO


@pytest.mark.parametrize("text", ["перенеси на 11", "да и ещё создай встречу", "1"])
def test_other_text_is_not_yes_or_no(text: str) -> None:
    assert yes_or_no(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("только эту", Answer.THIS),
        ("This one", Answer.THIS),
        ("эту и следующие", Answer.FOLLOWING),
        ("this and following", Answer.FOLLOWING),
        ("все", Answer.ALL),
        ("всё", Answer.ALL),
        ("All of them", Answer.ALL),
        ("2", Answer.FOLLOWING),
        ("перенеси на завтра", None),
    ],
)
def test_scope_answers(text: str, expected: Answer | None) -> None:
    assert scope_answer(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2),
        ("#3", 3),
        ("№ 1", 1),
        ("второй", 2),
        ("Second", 2),
        ("вариант 4", 4),
        ("2 часа", None),
    ],
)
def test_numbers(text: str, expected: int | None) -> None:
    assert number(text) == expected


def test_force() -> None:
    assert forced("Создай всё равно")
    assert forced("anyway")
    assert not forced("создай встречу")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Запланируй встречу 31 февраля в 10", 29),
        ("встреча 30-го февраля", 29),
        ("31 апреля", 30),
        ("Meeting on February 30", 29),
        ("April 31st at 3pm", 30),
        ("встреча 25 ноября в 10", None),
        ("29 февраля", None),
        ("may 31", None),
    ],
)
def test_impossible_dates(text: str, days: int | None) -> None:
    assert impossible_day(text) == days
