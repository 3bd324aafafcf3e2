"""The hand-written intent corpus files are well formed.

Every `corpus/handwritten/<lang>/*.tsv` line is a comment, a blank line, or `label<TAB>text`
with a known label and a non-empty text; no text appears twice within a language (a repeat
weighs one request double, and a repeat under two labels teaches a contradiction). The
English corpus covers every label. The files are read as they ship in the package.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from importlib.resources.abc import Traversable

import pytest

from calendar_assistant.understanding.intent.labels import LABELS as CLASSIFIER_LABELS

#: The labels a corpus line may carry: the classifier's own (SPEC §1's intents, the
#: reminder list/delete and the account commands people type as words).
LABELS = frozenset(CLASSIFIER_LABELS)
LANGS = ("en", "ru")
#: The fewest hand-written English lines a label may have.
MIN_EN_PER_LABEL = 40


def _folder(lang: str) -> Traversable:
    root = resources.files("calendar_assistant.understanding")
    return root.joinpath("corpus", "handwritten", lang)


def _files(lang: str) -> list[Traversable]:
    folder = _folder(lang)
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".tsv")), key=lambda f: f.name)


def _entries(lang: str) -> list[tuple[str, int, str, str]]:
    """(file name, line number, label, text) of every labelled line of a language."""
    found = []
    for file in _files(lang):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                label, _, text = line.partition("\t")
                found.append((file.name, number, label, text))
    return found


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


_PRESENT = [lang for lang in LANGS if _files(lang)]


def test_the_english_corpus_is_there() -> None:
    assert "en" in _PRESENT


@pytest.mark.parametrize("lang", _PRESENT)
def test_every_line_is_a_label_a_tab_and_a_text(lang: str) -> None:
    bad = []
    for file in _files(lang):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 2 or fields[0] not in LABELS or not fields[1].strip():
                bad.append(f"{file.name}:{number}: {line!r}")
    assert bad == []


@pytest.mark.parametrize("lang", _PRESENT)
def test_no_text_is_written_twice_within_a_language(lang: str) -> None:
    first: dict[str, str] = {}
    repeats = []
    for name, number, label, text in _entries(lang):
        where = f"{name}:{number} ({label})"
        seen = first.setdefault(_key(text), where)
        if seen != where:
            repeats.append(f"{text!r} at {where}, first at {seen}")
    assert repeats == []


def test_english_covers_every_label() -> None:
    counts = Counter(label for _, _, label, _ in _entries("en"))
    thin = {label: counts[label] for label in LABELS if counts[label] < MIN_EN_PER_LABEL}
    assert thin == {}
