"""Recurrence: RRULE validation and expansion (examples, DST, and properties against dateutil)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_assistant.domain import recurrence
from calendar_assistant.domain.events import Event
from support import BERLIN, NEW_YORK


def at(tz: ZoneInfo, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def series(
    tz: ZoneInfo,
    start: datetime,
    rule: str,
    *,
    minutes: int = 60,
    exdates: tuple[datetime, ...] = (),
    all_day: bool = False,
) -> Event:
    end = (
        datetime.combine(start.date() + timedelta(1), time(0), tzinfo=tz)
        if all_day
        else recurrence.plus_elapsed(start, timedelta(minutes=minutes))
    )
    return Event(
        id="s1",
        title="Standup",
        start=start,
        end=end,
        timezone=str(tz),
        all_day=all_day,
        rrule=rule,
        exdates=exdates,
    )


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("given_rule", "normalized"),
    [
        ("RRULE:FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
        ("freq=weekly;byday=mo,we;interval=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"),
        ("FREQ=MONTHLY;COUNT=3;BYMONTHDAY=-1", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3"),
        ("FREQ=DAILY;UNTIL=20271231T000000Z", "FREQ=DAILY;UNTIL=20271231T000000Z"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTHDAY=29;BYMONTH=2"),
    ],
)
def test_valid_rules_are_normalized(given_rule: str, normalized: str) -> None:
    assert recurrence.validate_rrule(given_rule) == normalized


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("BYDAY=MO", "needs FREQ"),
        ("FREQ=SECONDLY", "not supported"),
        ("FREQ=MINUTELY", "not supported"),
        ("FREQ=WEEKLY;FREQ=DAILY", "repeats"),
        ("FREQ=WEEKLY;COLOR=RED", "unknown part"),
        ("FREQ=WEEKLY;BYDAY", "KEY=VALUE"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT"),
        ("FREQ=WEEKLY;COUNT=many", "COUNT"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "COUNT or UNTIL"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL"),
        ("FREQ=WEEKLY;BYDAY=FUNDAY", "not valid"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "not valid"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31", "never matches"),
        ("FREQ=WEEKLY\nRRULE:FREQ=DAILY", "single"),
    ],
)
def test_bad_rules_get_a_clear_error(bad: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        recurrence.validate_rrule(bad)


# ------------------------------------------------------------------ expansion


def test_weekly_meeting_stays_at_ten_across_the_berlin_change() -> None:
    start = at(BERLIN, date(2027, 3, 15), 10)
    found = recurrence.expand_series(
        series(BERLIN, start, "FREQ=WEEKLY"), start, at(BERLIN, date(2027, 4, 12), 0)
    )
    assert [e.start.astimezone(BERLIN).hour for e in found] == [10, 10, 10, 10]
    assert [e.start.astimezone(UTC).hour for e in found] == [9, 9, 8, 8]
    assert [e.recurrence_id for e in found] == [e.start for e in found]
    assert all(e.end.astimezone(UTC) - e.start.astimezone(UTC) == timedelta(hours=1) for e in found)


def test_daily_series_across_the_new_york_change() -> None:
    start = at(NEW_YORK, date(2027, 3, 12), 9, 30)
    found = recurrence.occurrence_starts(
        start,
        "FREQ=DAILY",
        "America/New_York",
        after=start,
        before=at(NEW_YORK, date(2027, 3, 17), 0),
    )
    assert [(d.day, d.astimezone(NEW_YORK).time()) for d in found] == [
        (day, time(9, 30)) for day in range(12, 17)
    ]
    assert {d.astimezone(UTC).hour for d in found} == {14, 13}


def test_a_time_skipped_by_dst_moves_forward() -> None:
    start = at(BERLIN, date(2027, 3, 27), 2, 30)
    found = recurrence.occurrence_starts(
        start, "FREQ=DAILY;COUNT=3", "Europe/Berlin", after=start, before=start + timedelta(days=5)
    )
    assert [d.astimezone(BERLIN).strftime("%d %H:%M") for d in found] == [
        "27 02:30",
        "28 03:30",  # 02:30 does not exist that night
        "29 02:30",
    ]


def test_count_until_and_exdates() -> None:
    start = at(BERLIN, date(2027, 1, 4), 8)
    far = start + timedelta(days=400)
    counted = recurrence.occurrence_starts(
        start, "FREQ=WEEKLY;COUNT=5", "Europe/Berlin", after=start, before=far
    )
    assert len(counted) == 5
    until = recurrence.occurrence_starts(
        start, "FREQ=WEEKLY;UNTIL=20270201", "Europe/Berlin", after=start, before=far
    )
    assert [d.day for d in until] == [4, 11, 18, 25, 1]  # a date UNTIL includes that day
    utc_until = recurrence.occurrence_starts(
        start, "FREQ=WEEKLY;UNTIL=20270201T065959Z", "Europe/Berlin", after=start, before=far
    )
    assert [d.day for d in utc_until] == [4, 11, 18, 25]
    skipped = recurrence.occurrence_starts(
        start,
        "FREQ=WEEKLY;COUNT=5",
        "Europe/Berlin",
        after=start,
        before=far,
        exdates=[at(BERLIN, date(2027, 1, 11), 8).astimezone(UTC)],
    )
    assert [d.day for d in skipped] == [4, 18, 25, 1]


def test_all_day_series_keeps_whole_local_days() -> None:
    start = datetime.combine(date(2027, 3, 27), time(0), tzinfo=BERLIN)
    found = recurrence.expand_series(
        series(BERLIN, start, "FREQ=DAILY;COUNT=3", all_day=True), start, start + timedelta(days=5)
    )
    assert [(e.start.time(), e.end.time(), e.start.day, e.end.day) for e in found] == [
        (time(0), time(0), 27, 28),
        (time(0), time(0), 28, 29),
        (time(0), time(0), 29, 30),
    ]
    assert found[1].end.astimezone(UTC) - found[1].start.astimezone(UTC) == timedelta(hours=23)


def test_overrides_replace_their_occurrence_and_move_with_their_time() -> None:
    start = at(BERLIN, date(2027, 3, 1), 10)
    master = series(BERLIN, start, "FREQ=WEEKLY;COUNT=4")
    second = at(BERLIN, date(2027, 3, 8), 10)
    third = at(BERLIN, date(2027, 3, 15), 10)
    moved_far = Event(
        id="s1",
        title="Moved far",
        start=at(BERLIN, date(2027, 5, 3), 10),
        end=at(BERLIN, date(2027, 5, 3), 11),
        timezone="Europe/Berlin",
        recurrence_id=second,
    )
    retitled = Event(
        id="s1",
        title="Retitled",
        start=third,
        end=at(BERLIN, date(2027, 3, 15), 11),
        timezone="Europe/Berlin",
        recurrence_id=third,
    )
    march = recurrence.expand_series(
        master, start, at(BERLIN, date(2027, 4, 1), 0), [moved_far, retitled]
    )
    assert [(e.title, e.start.day) for e in march] == [
        ("Standup", 1),
        ("Retitled", 15),
        ("Standup", 22),
    ]
    may = recurrence.expand_series(
        master, at(BERLIN, date(2027, 5, 1), 0), at(BERLIN, date(2027, 6, 1), 0), [moved_far]
    )
    assert [e.title for e in may] == ["Moved far"]


def test_an_occurrence_running_into_the_window_is_listed() -> None:
    start = at(NEW_YORK, date(2027, 1, 4), 23)
    master = series(NEW_YORK, start, "FREQ=DAILY", minutes=120)
    found = recurrence.expand_series(
        master, at(NEW_YORK, date(2027, 1, 6), 0), at(NEW_YORK, date(2027, 1, 6), 1)
    )
    assert [e.start for e in found] == [at(NEW_YORK, date(2027, 1, 5), 23)]


def test_long_running_series_are_expanded_near_the_window_correctly() -> None:
    start = at(BERLIN, date(1990, 1, 2), 7, 45)  # a Tuesday
    window = (at(BERLIN, date(2027, 3, 1), 0), at(BERLIN, date(2027, 4, 30), 0))
    rule = "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,FR"
    found = recurrence.occurrence_starts(
        start, rule, "Europe/Berlin", after=window[0], before=window[1]
    )
    reference = [
        d
        for d in rrulestr(rule, dtstart=start).between(window[0], window[1], inc=True)
        if d < window[1]
    ]
    assert found == reference
    assert found
    assert {d.astimezone(BERLIN).time() for d in found} == {time(7, 45)}


def test_helpers_for_splitting_a_series() -> None:
    start = at(BERLIN, date(2027, 3, 1), 10)
    cut = at(BERLIN, date(2027, 3, 22), 10)
    assert recurrence.count_before(start, "FREQ=WEEKLY;COUNT=10", "Europe/Berlin", cut) == 3
    ended = recurrence.end_before("FREQ=WEEKLY;COUNT=10", cut)
    assert ended == "FREQ=WEEKLY;UNTIL=20270322T085959Z"
    assert recurrence.last_occurrence(start, ended, "Europe/Berlin") == at(
        BERLIN, date(2027, 3, 15), 10
    )
    assert recurrence.last_occurrence(start, "FREQ=WEEKLY", "Europe/Berlin") is None
    assert recurrence.with_count("FREQ=WEEKLY;COUNT=10", 7) == "FREQ=WEEKLY;COUNT=7"
    assert recurrence.shift_weekdays("FREQ=WEEKLY;BYDAY=MO,FR", 3) == "FREQ=WEEKLY;BYDAY=TH,MO"
    assert recurrence.shift_weekdays("FREQ=MONTHLY;BYDAY=1MO", 3) == "FREQ=MONTHLY;BYDAY=1MO"
    later = start + timedelta(days=3)
    assert (
        recurrence.follow_start("FREQ=WEEKLY;BYDAY=MO,FR", start, later, "Europe/Berlin")
        == "FREQ=WEEKLY;BYDAY=TH,MO"
    )
    assert (
        recurrence.follow_start("FREQ=MONTHLY;BYDAY=1MO", start, later, "Europe/Berlin")
        == "FREQ=MONTHLY;BYDAY=1TH"
    )
    assert (
        recurrence.follow_start("FREQ=MONTHLY;BYMONTHDAY=1", start, later, "Europe/Berlin")
        == "FREQ=MONTHLY;BYMONTHDAY=4"
    )
    assert (
        recurrence.follow_start("FREQ=WEEKLY;BYDAY=MO", start, start + timedelta(weeks=1), "UTC")
        == "FREQ=WEEKLY;BYDAY=MO"
    )
    assert recurrence.is_occurrence(start, "FREQ=WEEKLY", "Europe/Berlin", cut)
    assert not recurrence.is_occurrence(
        start, "FREQ=WEEKLY", "Europe/Berlin", cut + timedelta(hours=1)
    )
    assert recurrence.first_occurrence(start, "FREQ=WEEKLY;BYDAY=WE", "Europe/Berlin") == at(
        BERLIN, date(2027, 3, 3), 10
    )


# ------------------------------------------------------------------ properties

ZONES = ["Europe/Berlin", "America/New_York", "Europe/Moscow", "Australia/Sydney"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> tuple[str, datetime, str]:
    tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(tz)
    day = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 365 * 4)))
    hour = draw(st.sampled_from([0, 6, 9, 10, 12, 18, 23]))  # never inside a DST gap
    start = datetime.combine(day, time(hour, draw(st.sampled_from([0, 15, 30]))), tzinfo=zone)
    freq = draw(st.sampled_from(["HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 4))}")
    if freq == "WEEKLY" and draw(st.booleans()):
        parts.append("BYDAY=" + ",".join(draw(st.sets(st.sampled_from(DAYS), min_size=1))))
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    elif end == "until":
        until = start + timedelta(days=draw(st.integers(0, 800)))
        parts.append(f"UNTIL={until.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    return ";".join(parts), start, tz


@settings(max_examples=200, deadline=None)
@given(rules(), st.integers(-100, 2000), st.integers(1, 120))
def test_expansion_matches_dateutil_and_keeps_the_wall_clock(
    spec: tuple[str, datetime, str], offset_days: int, span_days: int
) -> None:
    rule, start, tz = spec
    zone = ZoneInfo(tz)
    after = start + timedelta(days=offset_days)
    before = after + timedelta(days=span_days)
    found = recurrence.occurrence_starts(start, rule, tz, after=after, before=before)
    # Every occurrence is one dateutil itself produces from the series' start.
    reference = [
        d
        for d in rrulestr(rule, dtstart=start).between(after - timedelta(hours=1), before, inc=True)
        if after <= d < before
    ]
    assert [d.astimezone(UTC) for d in found] == [d.astimezone(UTC) for d in reference]
    for occurrence in found:
        assert after <= occurrence < before
        local = occurrence.astimezone(zone)
        if not rule.startswith("FREQ=HOURLY"):
            assert local.time() == start.time()  # wall clock stable across DST
    if "COUNT=" in rule:
        count = int(rule.split("COUNT=")[1])
        everything = recurrence.occurrence_starts(
            start, rule, tz, after=start, before=start + timedelta(days=366 * 4 * 41)
        )
        assert len(everything) == count
    if "UNTIL=" in rule:
        until = datetime.strptime(rule.split("UNTIL=")[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        assert all(d <= until for d in found)


@settings(max_examples=100, deadline=None)
@given(rules(), st.integers(0, 400))
def test_exdates_remove_exactly_their_occurrence(
    spec: tuple[str, datetime, str], offset_days: int
) -> None:
    rule, start, tz = spec
    window = (start, start + timedelta(days=offset_days + 30))
    every = recurrence.occurrence_starts(start, rule, tz, after=window[0], before=window[1])
    if not every:
        return
    dropped = every[len(every) // 2]
    rest = recurrence.occurrence_starts(
        start, rule, tz, after=window[0], before=window[1], exdates=[dropped]
    )
    assert [d.astimezone(UTC) for d in rest] == [
        d.astimezone(UTC) for d in every if d.astimezone(UTC) != dropped.astimezone(UTC)
    ]


def test_hourly_series_started_long_ago_is_fast_forwarded() -> None:
    start = at(NEW_YORK, date(2001, 1, 1), 0, 20)
    rule = "FREQ=HOURLY;INTERVAL=5"
    window = (at(NEW_YORK, date(2027, 3, 13), 0), at(NEW_YORK, date(2027, 3, 16), 0))
    found = recurrence.occurrence_starts(
        start, rule, "America/New_York", after=window[0], before=window[1]
    )
    reference = [
        d
        for d in rrulestr(rule, dtstart=start).between(window[0], window[1], inc=True)
        if d < window[1]
    ]
    assert [d.astimezone(UTC) for d in found] == [d.astimezone(UTC) for d in reference]
    assert len(found) >= 14


def test_expansion_is_bounded() -> None:
    start = at(BERLIN, date(2027, 1, 1), 0)
    found = recurrence.occurrence_starts(
        start, "FREQ=HOURLY", "Europe/Berlin", after=start, before=start + timedelta(days=365 * 20)
    )
    assert len(found) == recurrence.MAX_OCCURRENCES
