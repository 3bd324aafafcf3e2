"""Counted nouns with CLDR plural rules from Babel: 1 встреча, 3 встречи, 5 встреч; 2 meetings.

The forms live in the message catalogues (`messages/<lang>.toml`, under `[nouns]`).
"""

from __future__ import annotations

from calendar_assistant.domain.language import Lang
from calendar_assistant.replies.catalogue import plural

__all__ = ["duration", "plural"]


def duration(minutes: int, lang: Lang) -> str:
    """`15 минут`, `1 час`, `1 час 30 минут` / `90 minutes` → `1 hour 30 minutes`."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{plural(hours, 'hour', lang)} {plural(rest, 'minute', lang)}"
    if hours:
        return plural(hours, "hour", lang)
    return plural(rest, "minute", lang)
