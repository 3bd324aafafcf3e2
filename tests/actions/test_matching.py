"""Titles are matched by lemmas: word forms, case, ё and small typos do not matter."""

from __future__ import annotations

import pytest

from calendar_assistant.actions.matching import match_score, title_matches


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("встречу с Иваном", "Встреча с Иваном"),
        ("встреча с иваном", "Встреча с Иваном"),
        ("планерки", "Планёрка"),
        ("ПЛАНЁРКУ", "планерка"),
        ("стоматолога", "Стоматолог"),
        ("dentist appointments", "Dentist appointment"),
        ("the standup", "Standup"),
        ("встреча", "Встреча с командой"),
        ("встречу с Ивнаом", "Встреча с Иваном"),
        # a word that only says what kind of entry it is may be missing from the title
        ("dentist appointment", "Dentist"),
        ("запись к стоматологу", "Стоматолог"),
        ("appointment", "Dentist appointment"),
    ],
)
def test_matches(query: str, title: str) -> None:
    assert title_matches(query, title)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("встречу с Петром", "Встреча с Иваном"),
        ("dentist", "Team meeting"),
        ("с", "Встреча с Иваном"),
        ("", "Встреча"),
        ("appointment", "Dentist"),
        ("dentist appointment", "Vet appointment"),
    ],
)
def test_does_not_match(query: str, title: str) -> None:
    assert not title_matches(query, title)


def test_exact_titles_rank_first() -> None:
    assert match_score("встреча", "Встреча") == 1.0
    assert match_score("встреча", "Встреча с командой") < 1.0
