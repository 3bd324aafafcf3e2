"""Dates and times written out with Babel in the user's locale and zone.

`ср, 25 ноября, 10:00–11:00` / `Wed, Nov 25, 10:00–11:00 AM`; the year is added only when
it is not the current one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_interval, format_skeleton, format_time

from calendar_assistant.domain.language import Lang

# Babel puts thin and narrow no-break spaces around dashes and before AM/PM; plain text
# channels and terminals render those poorly.
_SPACES = str.maketrans({"\u2009": " ", "\u202f": " ", "\xa0": " "})
# The separator between the two ends of a time range is ours, not the CLDR release's:
# Babel 2.19 writes Russian intervals with an em dash where 2.18 wrote an en dash. Any dash
# Babel puts between the ends (with or without spaces) becomes one en dash, no spaces.
_RANGE_DASH = re.compile(r"\s*[\u2010-\u2015\u2212-]\s*")


def _clean(text: str) -> str:
    return text.translate(_SPACES)


def _one_dash(text: str) -> str:
    return _RANGE_DASH.sub("–", text)


# Babel finds and parses the locale's pattern on every call (a tenth of a millisecond for
# an interval), and a week's list writes a hundred: each text depends on little (a day, two
# times of day, the language), so each is made once and kept.


@lru_cache(maxsize=4096)
def day_label(day: date, lang: Lang, today: date) -> str:
    """`ср, 25 ноября` / `Wed, Nov 25` (with the year when it is not this year)."""
    if lang == "ru":
        weekday = format_date(day, "EEE", locale="ru")
        month_day = format_skeleton("MMMMd", day, locale="ru")
        text = f"{weekday}, {month_day}"
        return text if day.year == today.year else f"{text} {day.year}"
    skeleton = "MMMEd" if day.year == today.year else "yMMMEd"
    return _clean(format_skeleton(skeleton, day, locale="en"))


def clock(moment: datetime, lang: Lang) -> str:
    """`10:00` / `10:00 AM`."""
    return _clock(moment.time(), lang)


@lru_cache(maxsize=4096)
def _clock(wall: time, lang: Lang) -> str:
    return _clean(format_time(wall, "HH:mm" if lang == "ru" else "h:mm a", locale=lang))


def _offset(moment: datetime) -> str:
    raw = moment.strftime("%z")  # "+0200"
    return f"UTC{raw[0]}{raw[1:3]}:{raw[3:]}"


def time_range(start: datetime, end: datetime, lang: Lang) -> str:
    """`10:00–11:00` / `10:00–11:00 AM` for times on one day.

    When the clocks change during the event, each end carries its UTC offset: on a
    fall-back night 01:30–01:30 is an hour, and only the offsets say so.
    """
    if start.utcoffset() != end.utcoffset():
        return f"{clock(start, lang)} ({_offset(start)})–{clock(end, lang)} ({_offset(end)})"
    return _day_range(start.time(), end.time(), lang)


#: Any day: a range on one day reads the same whatever the day (the offsets are equal).
_ANY_DAY = date(2000, 1, 3)


@lru_cache(maxsize=4096)
def _day_range(first: time, last: time, lang: Lang) -> str:
    skeleton = "Hm" if lang == "ru" else "hm"
    start = datetime.combine(_ANY_DAY, first, tzinfo=UTC)
    end = datetime.combine(_ANY_DAY, last, tzinfo=UTC)
    return _one_dash(_clean(format_interval(start, end, skeleton, locale=lang, tzinfo=UTC)))


def when(
    start: datetime, end: datetime, *, all_day: bool, zone: ZoneInfo, lang: Lang, today: date
) -> str:
    """A whole event's time: day and hours, an all-day day, or a span over several days."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if all_day:
        last = (local_end - timedelta(days=1)).date() if local_end > local_start else local_start
        first_label = day_label(local_start.date(), lang, today)
        whole = "весь день" if lang == "ru" else "all day"
        if last <= local_start.date():
            return f"{first_label}, {whole}"
        return f"{first_label} – {day_label(last, lang, today)}"
    label = day_label(local_start.date(), lang, today)
    if local_start.date() == local_end.date():
        return f"{label}, {time_range(local_start, local_end, lang)}"
    ends_at_midnight = local_end.date() == local_start.date() + timedelta(days=1) and (
        local_end.time() == local_end.time().min
    )
    if ends_at_midnight:
        return f"{label}, {clock(local_start, lang)}–{clock(local_end, lang)}"
    return (
        f"{day_label(local_start.date(), lang, today)}, {clock(local_start, lang)} – "
        f"{day_label(local_end.date(), lang, today)}, {clock(local_end, lang)}"
    )


def span(start: datetime, end: datetime, *, zone: ZoneInfo, lang: Lang, today: date) -> str:
    """A window asked about: one day (`ср, 25 ноября`), days, or a part of a day."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    midnight_start = local_start.time() == local_end.time() == local_start.time().min
    if midnight_start:
        last = (local_end - timedelta(days=1)).date()
        if last == local_start.date():
            return day_label(local_start.date(), lang, today)
        return f"{day_label(local_start.date(), lang, today)} – {day_label(last, lang, today)}"
    return when(start, end, all_day=False, zone=zone, lang=lang, today=today)
