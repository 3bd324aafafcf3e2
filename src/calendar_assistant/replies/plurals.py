"""Counted nouns with CLDR plural rules from Babel: 1 встреча, 3 встречи, 5 встреч; 2 meetings."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from calendar_assistant.domain.language import Lang

# CLDR categories per language: ru uses one/few/many, en one/other.
_NOUNS: dict[str, dict[Lang, dict[str, str]]] = {
    "meeting": {
        "ru": {"one": "встреча", "few": "встречи", "many": "встреч", "other": "встречи"},
        "en": {"one": "meeting", "other": "meetings"},
    },
    "slot": {
        "ru": {"one": "окно", "few": "окна", "many": "окон", "other": "окна"},
        "en": {"one": "slot", "other": "slots"},
    },
    "minute": {
        "ru": {"one": "минуту", "few": "минуты", "many": "минут", "other": "минуты"},
        "en": {"one": "minute", "other": "minutes"},
    },
    "hour": {
        "ru": {"one": "час", "few": "часа", "many": "часов", "other": "часа"},
        "en": {"one": "hour", "other": "hours"},
    },
}


@lru_cache(maxsize=4)
def _locale(lang: Lang) -> Locale:
    return Locale.parse(lang)


def plural(count: int, noun: str, lang: Lang) -> str:
    """`count` and the noun in the form the language's plural rule asks for."""
    forms = _NOUNS[noun][lang]
    category = _locale(lang).plural_form(count)
    return f"{count} {forms.get(category, forms['other'])}"


def duration(minutes: int, lang: Lang) -> str:
    """`15 минут`, `1 час`, `1 час 30 минут` / `90 minutes` → `1 hour 30 minutes`."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{plural(hours, 'hour', lang)} {plural(rest, 'minute', lang)}"
    if hours:
        return plural(hours, "hour", lang)
    return plural(rest, "minute", lang)
