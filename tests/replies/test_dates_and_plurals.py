"""Dates written out with Babel, plurals by CLDR rules, in two zones (one with DST)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.replies.dates import day_label, span, when
from calendar_assistant.replies.plurals import duration, plural
from support import BERLIN, MOSCOW

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ru", "ср, 25 ноября, 10:00–11:00"), ("en", "Wed, Nov 25, 10:00–11:00 AM")],
)
def test_an_event_on_one_day(lang: str, expected: str) -> None:
    start = datetime(2026, 11, 25, 10, tzinfo=MOSCOW)
    end = datetime(2026, 11, 25, 11, tzinfo=MOSCOW)
    assert when(start, end, all_day=False, zone=MOSCOW, lang=lang, today=TODAY) == expected  # type: ignore[arg-type]


def test_times_are_shown_in_the_users_zone_across_dst() -> None:
    # 2027-03-28 02:00 CET jumps to 03:00 CEST: 09:00 UTC is 11:00 local that day.
    start = datetime(2027, 3, 28, 9, tzinfo=ZoneInfo("UTC"))
    end = datetime(2027, 3, 28, 10, tzinfo=ZoneInfo("UTC"))
    assert when(start, end, all_day=False, zone=BERLIN, lang="ru", today=TODAY) == (
        "вс, 28 марта 2027, 11:00–12:00"
    )
    before = datetime(2027, 3, 27, 9, tzinfo=ZoneInfo("UTC"))
    assert when(
        before,
        before.replace(hour=10),
        all_day=False,
        zone=BERLIN,
        lang="en",
        today=date(2027, 1, 1),
    ) == ("Sat, Mar 27, 10:00–11:00 AM")


def test_all_day_and_multi_day_spans() -> None:
    day = datetime(2026, 11, 25, tzinfo=MOSCOW)
    next_day = datetime(2026, 11, 26, tzinfo=MOSCOW)
    assert when(day, next_day, all_day=True, zone=MOSCOW, lang="ru", today=TODAY) == (
        "ср, 25 ноября, весь день"
    )
    week = span(
        datetime(2026, 11, 30, tzinfo=MOSCOW),
        datetime(2026, 12, 7, tzinfo=MOSCOW),
        zone=MOSCOW,
        lang="en",
        today=TODAY,
    )
    assert week == "Mon, Nov 30 – Sun, Dec 6"
    assert span(day, next_day, zone=MOSCOW, lang="ru", today=TODAY) == "ср, 25 ноября"


def test_the_year_is_written_only_when_it_is_not_this_year() -> None:
    assert day_label(date(2027, 1, 5), "ru", TODAY) == "вт, 5 января 2027"
    assert day_label(date(2027, 1, 5), "en", TODAY) == "Tue, Jan 5, 2027"
    assert day_label(date(2026, 12, 5), "en", TODAY) == "Sat, Dec 5"


@pytest.mark.parametrize(
    ("count", "ru", "en"),
    [
        (1, "1 встреча", "1 meeting"),
        (2, "2 встречи", "2 meetings"),
        (3, "3 встречи", "3 meetings"),
        (5, "5 встреч", "5 meetings"),
        (11, "11 встреч", "11 meetings"),
        (21, "21 встреча", "21 meetings"),
        (0, "0 встреч", "0 meetings"),
    ],
)
def test_plurals(count: int, ru: str, en: str) -> None:
    assert plural(count, "meeting", "ru") == ru
    assert plural(count, "meeting", "en") == en


def test_durations() -> None:
    assert duration(15, "ru") == "15 минут"
    assert duration(1, "ru") == "1 минуту"
    assert duration(90, "ru") == "1 час 30 минут"
    assert duration(120, "en") == "2 hours"
