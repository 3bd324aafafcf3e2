"""Which language a message is in, from its letters: Cyrillic means Russian."""

from __future__ import annotations

from calendar_assistant.domain.language import Lang


def detect_language(text: str) -> Lang:
    """`ru` when Cyrillic letters outnumber Latin ones, else `en` (Russian on a tie with both)."""
    cyrillic = latin = 0
    for ch in text[:2000]:
        if "а" <= ch.lower() <= "я" or ch in "ёЁ":
            cyrillic += 1
        elif "a" <= ch.lower() <= "z":
            latin += 1
    if cyrillic == 0 and latin == 0:
        return "ru"
    return "ru" if cyrillic >= latin else "en"
