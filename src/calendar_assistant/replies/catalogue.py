"""The reply texts, read from one message catalogue per language (`messages/<lang>.toml`).

Why data and not code: a translator (or a third language) edits one file per language and
never Python; the renderers choose *which* message and fill in its values, the catalogue
says *how* it reads. Keys are dotted paths into the file (`created.text`); `{name}` fields
are filled with `str.format`. Counted nouns carry one form per CLDR plural category, chosen
by Babel's plural rules for the language (1 встреча, 3 встречи, 5 встреч; 1 meeting, 2 meetings).

A missing key or value is a programming error and raises at once (the catalogue tests render
every key in both languages), so a reply is never sent with a hole in it.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale

from calendar_assistant.domain.language import LANGS, Lang


@cache
def messages(lang: Lang) -> dict[str, str]:
    """Every message of `lang` by dotted key (`nouns.*` forms included, as `nouns.meeting.few`)."""
    text = (
        resources.files("calendar_assistant.replies")
        .joinpath(f"messages/{lang}.toml")
        .read_text("utf-8")
    )
    return dict(_flatten(tomllib.loads(text)))


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            items.extend(_flatten(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", str(value)))
    return items


def text(lang: Lang, key: str, **values: object) -> str:
    """The message `key` in `lang` with its `{fields}` filled from `values`.

    Values a language's wording does not use are ignored (English says "…and 3 more" where
    Russian names the noun), so callers pass what either language may need.
    """
    return messages(lang)[key].format_map(values)


@cache
def _locale(lang: Lang) -> Locale:
    return Locale.parse(lang)


def plural(count: int, noun: str, lang: Lang) -> str:
    """`count` and the noun in the form the language's plural rule asks for: "5 встреч"."""
    category = _locale(lang).plural_form(count)
    forms = messages(lang)
    form = forms.get(f"nouns.{noun}.{category}") or forms[f"nouns.{noun}.other"]
    return f"{count} {form}"


def fields(message: str) -> set[str]:
    """The `{fields}` a message fills in (for the catalogue tests)."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def languages() -> tuple[Lang, ...]:
    """The languages that have a catalogue."""
    return LANGS
