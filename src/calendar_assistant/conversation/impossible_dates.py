"""Spot a date that does not exist («31 февраля», "April 31st") so the reply can say so.

The grammar may read such a text as unknown; a user deserves to hear what was wrong
rather than a generic "I did not understand".
"""

from __future__ import annotations

import re

# Stems of month names → the most days that month can have (February: 29).
_MONTHS: tuple[tuple[str, int], ...] = (
    ("январ", 31), ("феврал", 29), ("март", 31), ("апрел", 30), ("ма[йяе]", 31),
    ("июн", 30), ("июл", 31), ("август", 31), ("сентябр", 30), ("октябр", 31),
    ("ноябр", 30), ("декабр", 31),
    ("jan(?:uary)?", 31), ("feb(?:ruary)?", 29), ("mar(?:ch)?", 31), ("apr(?:il)?", 30),
    ("may", 31), ("june?", 30), ("july?", 31), ("aug(?:ust)?", 31), ("sep(?:t|tember)?", 30),
    ("oct(?:ober)?", 31), ("nov(?:ember)?", 30), ("dec(?:ember)?", 31),
)  # fmt: skip

_DAY = r"(\d{1,2})(?:-?(?:е|го|ое|st|nd|rd|th))?"
_PATTERNS = tuple(
    (
        re.compile(rf"(?<!\d){_DAY}\s+(?:of\s+)?{stem}[a-zа-яё]*\b", re.IGNORECASE),
        re.compile(rf"\b{stem}[a-zа-яё]*\.?\s+{_DAY}(?!\d)", re.IGNORECASE),
        days,
    )
    for stem, days in _MONTHS
)

# Every pattern needs a digit and a word starting like a month: most messages have no
# such word, and one search says so instead of the 48 patterns' (every message is asked).
_ANY_MONTH = re.compile(r"\b(?:" + "|".join(stem for stem, _ in _MONTHS) + ")", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def impossible_day(text: str) -> int | None:
    """The number of days of the month named with a day it does not have, else None."""
    if len(text) > 500 or not _DIGIT.search(text) or not _ANY_MONTH.search(text):
        return None
    for day_first, month_first, days in _PATTERNS:
        for pattern in (day_first, month_first):
            for match in pattern.finditer(text):
                if int(match.group(1)) > days:
                    return days
    return None
