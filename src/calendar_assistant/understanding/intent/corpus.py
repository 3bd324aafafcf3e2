"""The labelled corpus: hand-written requests (`corpus/handwritten/<lang>/*.tsv`) and the
template expansion (`corpus/templates/<lang>.toml`), kept apart so that cross-validation can
be run on the hand-written part alone.
"""

from __future__ import annotations

import itertools
import random
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Literal

from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.intent.labels import LABELS

LANGS: tuple[Lang, ...] = ("en", "ru")
SEED = 20261202
Source = Literal["handwritten", "template"]


class CorpusError(ValueError):
    """A corpus line that cannot be read: the file and line are named."""


@dataclass(frozen=True, slots=True)
class Example:
    lang: Lang
    label: str
    text: str
    source: Source


def _root() -> Traversable:
    return resources.files("calendar_assistant.understanding").joinpath("corpus")


def handwritten(lang: Lang) -> list[Example]:
    """Every `label<TAB>text` line of every .tsv file in the language's folder, in name order."""
    folder = _root().joinpath("handwritten", lang)
    found: list[Example] = []
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".tsv")), key=lambda f: f.name)
    for file in files:
        found += read_tsv(lang, file.name, file.read_text(encoding="utf-8"))
    return found


def read_tsv(lang: Lang, name: str, content: str) -> list[Example]:
    """The examples of one .tsv file; a bad line is a CorpusError naming file and line."""
    found: list[Example] = []
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        label, tab, text = line.partition("\t")
        label = label.strip()
        if not tab or label not in LABELS or not text.strip():
            raise CorpusError(f"{lang}/{name}:{number}: want label<TAB>text, got {line!r}")
        found.append(Example(lang, label, text.strip(), "handwritten"))
    return found


def _fields(pattern: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(pattern) if name]


def expand(lang: Lang, raw: dict[str, object]) -> list[Example]:
    """The sentences a templates file makes: each pattern filled with its slots' values,
    at most `per_template` of them, sampled with a fixed seed (the same every run)."""
    slots = raw.get("slots", {})
    per = int(str(raw.get("per_template", 12)))
    rng = random.Random(f"{SEED}-{lang}")
    found: list[Example] = []
    templates = raw.get("template", [])
    if not isinstance(slots, dict) or not isinstance(templates, list):
        raise CorpusError(f"templates/{lang}.toml: want [slots] and [[template]] tables")
    for template in templates:
        label = str(template["label"])
        if label not in LABELS:
            raise CorpusError(f"templates/{lang}.toml: unknown label {label!r}")
        for pattern in template["patterns"]:
            names = _fields(pattern)
            combos = list(itertools.product(*(slots[n] for n in names)))
            picked = combos if len(combos) <= per else rng.sample(combos, per)
            for combo in picked:
                text = pattern.format(**dict(zip(names, combo, strict=True)))
                found.append(Example(lang, label, " ".join(text.split()), "template"))
    return found


def templates(lang: Lang) -> list[Example]:
    text = _root().joinpath("templates", f"{lang}.toml").read_text(encoding="utf-8")
    return expand(lang, tomllib.loads(text))


def corpus(lang: Lang) -> list[Example]:
    """Hand-written and template examples of one language (duplicates dropped, order kept)."""
    seen: set[tuple[str, str]] = set()
    out: list[Example] = []
    for example in handwritten(lang) + templates(lang):
        key = (example.label, example.text.lower())
        if key not in seen:
            seen.add(key)
            out.append(example)
    return out
