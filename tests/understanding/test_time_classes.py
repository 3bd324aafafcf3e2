"""Phrasebook of the compositional time grammar: every class of issue 10 part 3, both languages.

The tables are `phrasebook/time_classes_<lang>.tsv` (see `time_tables.py`): clocks pinned
per section, one section crossing a DST change (New York 14 March 2027, Berlin 29 March
2026). The same tables are measured through `parse-time --jsonl` for docs/understanding.md.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from time_tables import Case, cases

from calendar_assistant.understanding import parse
from calendar_assistant.understanding.timeexpr import read_pieces, read_time
from calendar_assistant.understanding.timeexpr.compose import (
    Element,
    Rule,
    RuleBook,
    check,
    rulebook,
)

CASES = [*cases("en"), *cases("ru")]


def _answer(case: Case) -> dict[str, object]:
    span = read_time(case.text, now=case.now, tz=case.tz)
    if span is None:
        return {"kind": None}
    if span.kind == "duration":
        return {"kind": "duration", "duration_seconds": span.duration_seconds}
    return {
        "kind": span.kind,
        "start": None if span.start is None else span.start.isoformat(),
        "end": None if span.end is None else span.end.isoformat(),
        "grain": span.grain,
    }


KNOWN_GAPS: set[str] = set()  # phrasings the grammar does not read yet


@pytest.mark.parametrize("case", CASES, ids=[f"{c.lang}:{c.text}" for c in CASES])
def test_phrase(case: Case) -> None:
    if case.text in KNOWN_GAPS:
        pytest.xfail("not read yet")
    got = _answer(case)
    want = case.expected()
    for key in ("start", "end"):
        value = got.get(key)
        if isinstance(value, str) and want.get(key) is not None:
            got[key] = datetime.fromisoformat(value).isoformat()
    assert got == want


def test_the_tables_cover_both_languages_broadly() -> None:
    assert len(cases("en")) >= 200
    assert len(cases("ru")) >= 170


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_rule_names_known_symbols_and_operations(lang: str) -> None:
    book = rulebook(lang)  # loading checks every symbol and operation
    assert "time" in book.rules


MSK = ZoneInfo("Europe/Moscow")
NYC = ZoneInfo("America/New_York")
NOW = datetime.fromisoformat("2026-11-24T14:00:00+03:00")


@pytest.mark.parametrize(
    ("text", "tz", "month_first", "day"),
    [
        ("05/12/2027", MSK, None, date(2027, 12, 5)),  # the zone's default: day first
        ("05/12/2027", NYC, None, date(2027, 5, 12)),  # America/*: month first
        ("05/12/2027", MSK, True, date(2027, 5, 12)),  # a user whose locale says so
        ("05/12/2027", NYC, False, date(2027, 12, 5)),
        ("2027-05-12", MSK, True, date(2027, 5, 12)),  # ISO is ISO everywhere
        ("2027-05-12", NYC, False, date(2027, 5, 12)),
        ("12.05.2027", NYC, None, date(2027, 5, 12)),  # dots stay day first
        ("05/12/2027", ZoneInfo("America/Sao_Paulo"), None, date(2027, 12, 5)),  # Brazil
        ("05/12/2027", ZoneInfo("America/Mexico_City"), None, date(2027, 12, 5)),
        ("05/12/2027", ZoneInfo("America/Chicago"), None, date(2027, 5, 12)),
        ("05/12/2027", ZoneInfo("Pacific/Honolulu"), None, date(2027, 5, 12)),  # the US
        ("05/12/2027", ZoneInfo("Europe/London"), None, date(2027, 12, 5)),
    ],
)
def test_numeric_dates_follow_the_locale_setting(
    text: str, tz: ZoneInfo, month_first: bool | None, day: date
) -> None:
    span = read_time(text, now=NOW, tz=tz, lang="en", month_first=month_first)
    assert span is not None
    assert span.start is not None
    assert span.start.date() == day


def test_a_rule_naming_an_unknown_piece_is_an_error_at_load() -> None:
    book = rulebook("en")
    broken = RuleBook(
        {
            "time": (
                Rule("time", (Element(("weekday",), False), Element(("fortnite",), False)), "same"),
            )
        },
        book.words,
    )
    with pytest.raises(ValueError, match="fortnite"):
        check(broken)


def test_a_rule_naming_an_unknown_operation_is_an_error_at_load() -> None:
    broken = RuleBook({"time": (Rule("time", (Element(("weekday",), False),), "teleport"),)}, {})
    with pytest.raises(ValueError, match="teleport"):
        check(broken)


def test_holidays_are_computed_for_any_year() -> None:
    later = datetime.fromisoformat("2031-01-10T12:00:00+03:00")
    easter = read_time("на Пасху", now=later, tz=MSK)  # Orthodox Easter 2031: 13 April
    western = read_time("easter", now=later, tz=MSK)  # Western Easter 2031: 13 April too
    thanksgiving = read_time("thanksgiving", now=later, tz=MSK)  # 4th Thursday: 27 November
    christmas = read_time("на Рождество", now=later, tz=MSK)  # 7 January has passed: 2032
    assert easter is not None
    assert easter.start is not None
    assert easter.start.date() == date(2031, 4, 13)
    assert western is not None
    assert western.start is not None
    assert western.start.date() == date(2031, 4, 13)
    assert thanksgiving is not None
    assert thanksgiving.start is not None
    assert thanksgiving.start.date() == date(2031, 11, 27)
    assert christmas is not None
    assert christmas.start is not None
    assert christmas.start.date() == date(2032, 1, 7)


def test_moves_stay_moves_when_ranges_are_off() -> None:
    """An update reads the old and the new day: "dec 30 to jan 2" is not a range then."""
    _, pieces, _ = read_pieces("move it from dec 30 to jan 2", now=NOW, tz=MSK, ranges=False)
    assert [p.day for p in pieces] == [date(2026, 12, 30), date(2027, 1, 2)]


@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        (
            "schedule a call with Bob the first monday of next month at 10",
            "Call with Bob",
            datetime(2026, 12, 7, 10, 0, tzinfo=MSK),
        ),
        (
            "созвон с Бобом в первый понедельник следующего месяца в 10",
            "Созвон с Бобом",
            datetime(2026, 12, 7, 10, 0, tzinfo=MSK),
        ),
        (
            "lunch with Kate 3 days after christmas at noon",
            "Lunch with Kate",
            datetime(2026, 12, 28, 12, 0, tzinfo=MSK),
        ),
        (
            "встреча с Анной на Рождество в 18:00",
            "Встреча с Анной",
            datetime(2027, 1, 7, 18, 0, tzinfo=MSK),
        ),
    ],
)
def test_new_events_said_with_the_new_constructions(text: str, title: str, start: datetime) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.title == title
    assert command.start == start


@pytest.mark.parametrize(
    "text", ["remind me to call mom by friday", "напомни сдать отчёт к пятнице"]
)
def test_a_deadline_day_is_the_day_of_a_new_reminder(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.day == date(2026, 11, 27)
    assert "time" in command.missing


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Christmas party on Friday", "Christmas party"),
        ("add valentine's day dinner tomorrow", "Valentine's day dinner"),
        ("ёлка на Новый год в пятницу", "Ёлка на Новый год"),
    ],
)
def test_a_holiday_name_with_another_day_said_is_part_of_the_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.title == title
    assert command.day in (date(2026, 11, 25), date(2026, 11, 27))
