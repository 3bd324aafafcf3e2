"""The words of the time grammar, per language, read from `data/<lang>.toml`.

Keeping vocabulary in data means a new month abbreviation or a colloquial part of day is a
one-line change reviewed by a native speaker, not a code change.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.tokens import Token

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    lang: Lang
    months: dict[str, int]
    weekdays: dict[str, int]
    typo_months: dict[str, int]
    typo_weekdays: dict[str, int]
    cardinals: dict[str, float]
    ordinals: dict[str, int]
    relative_days: dict[str, int]
    parts_of_day: dict[str, str]
    meridiem: dict[str, str]
    units: dict[str, str]
    half_units: dict[str, tuple[str, float]]
    modifiers: dict[str, str]
    words: dict[str, frozenset[str]]
    length_adjectives: dict[str, float]
    #: the first words of the word lists' two-word entries ("by the", «до самого»): a
    #: preposition is only read as two words where the first can start one
    pair_starts: frozenset[str] = frozenset()
    #: every word the time grammar reads in this language, in any of its tables or lists
    known: frozenset[str] = frozenset()

    def lookup(self, token: Token | None, table: dict[str, V]) -> V | None:
        """The table's value for the token as typed or for any of its dictionary forms."""
        if token is None:
            return None
        if token.norm in table:
            return table[token.norm]
        for lemma in token.lemmas:
            if lemma in table:
                return table[lemma]
        return None

    def has(self, token: Token | None, key: str) -> bool:
        if token is None:
            return False
        words = self.words.get(key, frozenset())
        return token.norm in words or not words.isdisjoint(token.lemmas)


def _typo_table(targets: list[str], table: dict[str, int]) -> dict[str, int]:
    from calendar_assistant.understanding.tokens import tokenize

    found: dict[str, int] = {}
    for word in targets:
        token = tokenize(word)[0]
        value = table.get(token.norm)
        if value is None:
            value = next((table[lemma] for lemma in token.lemmas if lemma in table), None)
        if value is not None:
            found[token.norm] = value
    return found


@lru_cache(maxsize=2)
def vocabulary(lang: Lang) -> Vocabulary:
    """The vocabulary of one language (loaded once per process)."""
    raw = tomllib.loads(
        resources.files("calendar_assistant.understanding.timeexpr")
        .joinpath("data", f"{lang}.toml")
        .read_text(encoding="utf-8")
    )
    months = {k: int(v) for k, v in raw["months"].items()}
    weekdays = {k: int(v) for k, v in raw["weekdays"].items()}
    typo_words = list(raw.get("typo_targets", {}).get("words", []))
    words = {k: frozenset(v) for k, v in raw["words"].items()}
    return Vocabulary(
        lang=lang,
        months=months,
        weekdays=weekdays,
        typo_months=_typo_table(typo_words, months),
        typo_weekdays=_typo_table(typo_words, weekdays),
        cardinals={k: float(v) for k, v in raw["cardinals"].items()},
        ordinals={k: int(v) for k, v in raw["ordinals"].items()},
        relative_days={k: int(v) for k, v in raw["relative_days"].items()},
        parts_of_day=dict(raw["parts_of_day"]),
        meridiem=dict(raw["meridiem"]),
        units=dict(raw["units"]),
        half_units={k: (str(v[0]), float(v[1])) for k, v in raw.get("half_units", {}).items()},
        modifiers=dict(raw["modifiers"]),
        words=words,
        length_adjectives={k: float(v) for k, v in raw.get("length_adjectives", {}).items()},
        pair_starts=frozenset(w.split(" ", 1)[0] for ws in words.values() for w in ws if " " in w),
        known=_known_words(raw),
    )


def _known_words(raw: dict[str, Any]) -> frozenset[str]:
    """The single words of every table and list, so that a word the time grammar never
    reads can be told apart from one it does ("the second floor" against "the second at 3")."""
    tables = (
        "months",
        "weekdays",
        "cardinals",
        "ordinals",
        "relative_days",
        "parts_of_day",
        "meridiem",
        "units",
        "half_units",
        "modifiers",
        "length_adjectives",
    )
    entries = [key for name in tables for key in raw.get(name, {})]
    entries += [word for words in raw["words"].values() for word in words]
    return frozenset(part for entry in entries for part in entry.split())


def within_one_edit(a: str, b: str) -> bool:
    """Optimal-string-alignment distance ≤ 1: one letter wrong, missing, extra or swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def typo_lookup(word: str, table: dict[str, int]) -> int | None:
    """Read a month or weekday name with one typo (words of five letters or more only)."""
    if len(word) < 5 or not word.isalpha():
        return None
    size = len(word)
    for target, value in table.items():  # lengths two apart are more than one edit
        if -1 <= len(target) - size <= 1 and within_one_edit(word, target):
            return value
    return None
