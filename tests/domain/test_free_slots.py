"""Free slots: examples, DST days, and properties checked against a 5-minute grid oracle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_assistant.domain.free_slots import ALL_DAYS, free_slots, merge_busy
from calendar_assistant.domain.intervals import Interval

WORKDAYS = frozenset({1, 2, 3, 4, 5})
NINE_TO_SIX = (time(9), time(18))


def at(tz: ZoneInfo, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def day_window(tz: ZoneInfo, day: date, days: int = 1) -> Interval:
    return Interval(at(tz, day, 0), at(tz, day + timedelta(days), 0))


def test_gaps_between_meetings_inside_working_hours(tz: ZoneInfo) -> None:
    day = date(2027, 2, 5)  # a Friday
    busy = [
        Interval(at(tz, day, 10), at(tz, day, 11)),
        Interval(at(tz, day, 10, 30), at(tz, day, 12)),  # overlaps the first
        Interval(at(tz, day, 12), at(tz, day, 13)),  # touches the second
        Interval(at(tz, day, 17, 30), at(tz, day, 20)),
    ]
    slots = free_slots(
        busy, day_window(tz, day), tz=tz, working_hours=NINE_TO_SIX, working_days=WORKDAYS
    )
    assert slots == [
        Interval(at(tz, day, 9), at(tz, day, 10)),
        Interval(at(tz, day, 13), at(tz, day, 17, 30)),
    ]
    assert all(s.start.tzinfo == tz for s in slots)


def test_min_length_and_not_before(tz: ZoneInfo) -> None:
    day = date(2027, 2, 5)
    busy = [
        Interval(at(tz, day, 9, 30), at(tz, day, 10)),
        Interval(at(tz, day, 11), at(tz, day, 16)),
    ]
    slots = free_slots(
        busy,
        day_window(tz, day),
        tz=tz,
        working_hours=NINE_TO_SIX,
        working_days=WORKDAYS,
        min_length=timedelta(minutes=45),
        not_before=at(tz, day, 10, 10),
    )
    assert slots == [
        Interval(at(tz, day, 10, 10), at(tz, day, 11)),
        Interval(at(tz, day, 16), at(tz, day, 18)),
    ]


def test_weekends_are_skipped_and_days_are_separate(tz: ZoneInfo) -> None:
    friday = date(2027, 2, 5)
    slots = free_slots(
        [], day_window(tz, friday, 4), tz=tz, working_hours=NINE_TO_SIX, working_days=WORKDAYS
    )
    assert slots == [
        Interval(at(tz, friday, 9), at(tz, friday, 18)),
        Interval(at(tz, friday + timedelta(3), 9), at(tz, friday + timedelta(3), 18)),
    ]


def test_working_hours_follow_the_local_clock_on_dst_days() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    sunday = date(2027, 3, 28)
    slots = free_slots(
        [], day_window(berlin, sunday - timedelta(1), 3), tz=berlin, working_hours=NINE_TO_SIX
    )
    assert [(s.start.astimezone(berlin).hour, s.end.astimezone(berlin).hour) for s in slots] == [
        (9, 18)
    ] * 3
    utc_starts = [s.start.astimezone(UTC).hour for s in slots]
    assert utc_starts == [8, 7, 7]  # CET, then CEST from the Sunday on


def test_whole_days_without_working_hours_join_across_midnight() -> None:
    new_york = ZoneInfo("America/New_York")
    sunday = date(2027, 3, 14)  # 23 hours long
    slots = free_slots([], day_window(new_york, sunday - timedelta(1), 2), tz=new_york)
    assert slots == [
        Interval(at(new_york, sunday - timedelta(1), 0), at(new_york, sunday + timedelta(1), 0))
    ]
    assert slots[0].end.astimezone(UTC) - slots[0].start.astimezone(UTC) == timedelta(hours=47)


def test_evening_range_runs_to_midnight(tz: ZoneInfo) -> None:
    day = date(2027, 2, 5)
    slots = free_slots(
        [Interval(at(tz, day, 19), at(tz, day, 20))],
        day_window(tz, day),
        tz=tz,
        working_hours=(time(18), time(0)),
    )
    assert slots == [
        Interval(at(tz, day, 18), at(tz, day, 19)),
        Interval(at(tz, day, 20), at(tz, day + timedelta(1), 0)),
    ]


def test_empty_cases(tz: ZoneInfo) -> None:
    day = date(2027, 2, 5)
    window = day_window(tz, day)
    assert free_slots([], window, tz=tz, not_before=window.end) == []
    assert free_slots([], window, tz=tz, working_days=frozenset({6, 7})) == []
    assert free_slots([window], window, tz=tz) == []
    with pytest.raises(ValueError, match="aware"):
        free_slots([], window, tz=tz, not_before=datetime(2027, 2, 5, 10))
    with pytest.raises(ValueError, match="time zone"):
        free_slots([], window, tz="Mars/Olympus_Mons")


def test_an_endless_window_is_searched_within_the_supported_years(tz: ZoneInfo) -> None:
    window = Interval(datetime(1, 1, 2, tzinfo=tz), datetime(9999, 12, 30, tzinfo=tz))
    slots = free_slots([], window, tz=tz, not_before=at(tz, date(2199, 12, 30), 0))
    assert len(slots) == 1
    assert slots[0].start == at(tz, date(2199, 12, 30), 0)


def test_merge_busy(tz: ZoneInfo) -> None:
    day = date(2027, 2, 5)
    merged = merge_busy(
        [
            Interval(at(tz, day, 12), at(tz, day, 13)),
            Interval(at(tz, day, 9), at(tz, day, 10)),
            Interval(at(tz, day, 9, 30), at(tz, day, 9, 45)),
            Interval(at(tz, day, 10), at(tz, day, 11)),
            Interval(at(tz, day, 14), at(tz, day, 14)),
        ]
    )
    assert merged == [
        Interval(at(tz, day, 9), at(tz, day, 11)),
        Interval(at(tz, day, 12), at(tz, day, 13)),
    ]


# ------------------------------------------------------------------ properties

STEP = timedelta(minutes=5)
ZONES = [ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("Europe/Moscow")]
# Windows near the 2027 DST changes of both zones (spring and autumn).
ANCHORS = [date(2027, 3, 12), date(2027, 3, 26), date(2027, 10, 29), date(2027, 11, 5)]
# Working-hour bounds avoid 01:00-02:59, the hours a DST change skips or repeats.
BOUND_HOURS = [0, *range(3, 24)]


@dataclass(frozen=True)
class Scenario:
    tz: ZoneInfo
    window: Interval
    busy: list[Interval]
    hours: tuple[time, time] | None
    days: frozenset[int]
    min_length: timedelta
    not_before: datetime | None

    def slots(self) -> list[Interval]:
        return free_slots(
            self.busy,
            self.window,
            tz=self.tz,
            working_hours=self.hours,
            working_days=self.days,
            min_length=self.min_length,
            not_before=self.not_before,
        )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    tz = draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(ANCHORS))
    start = datetime.combine(anchor, time(0), tzinfo=tz).astimezone(UTC)
    start += STEP * draw(st.integers(0, 12 * 24 * 2))
    cells = draw(st.integers(1, 12 * 24 * 5))
    window = Interval(start, start + STEP * cells)
    busy = [
        Interval(b, b + STEP * draw(st.integers(0, 12 * 6)))
        for b in (
            start + STEP * draw(st.integers(-24, cells + 24))
            for _ in range(draw(st.integers(0, 25)))
        )
    ]
    hours: tuple[time, time] | None = None
    if draw(st.booleans()):
        lo = time(draw(st.sampled_from(BOUND_HOURS)), draw(st.sampled_from([0, 15, 30])))
        hi = time(draw(st.sampled_from(BOUND_HOURS)), draw(st.sampled_from([0, 30, 45])))
        if lo != hi:
            hours = (lo, hi)
    days = frozenset(draw(st.sets(st.integers(1, 7), min_size=1)))
    min_length = STEP * draw(st.integers(0, 36))
    not_before = start + STEP * draw(st.integers(0, cells)) if draw(st.booleans()) else None
    return Scenario(tz, window, busy, hours, days, min_length, not_before)


def _allowed(instant: datetime, s: Scenario) -> bool:
    local = instant.astimezone(s.tz)
    if s.hours is None:
        return local.isoweekday() in s.days
    lo, hi = s.hours
    clock = local.time().replace(tzinfo=None)
    if lo < hi:
        return local.isoweekday() in s.days and lo <= clock < hi
    yesterday = (local - timedelta(days=1)).isoweekday()
    return (local.isoweekday() in s.days and clock >= lo) or (yesterday in s.days and clock < hi)


def _oracle(s: Scenario) -> list[Interval]:
    """Free 5-minute cells joined into runs: slow, obviously right."""
    runs: list[list[datetime]] = []
    cell = s.window.start
    previous_free = False
    while cell < s.window.end:
        end = cell + STEP
        free = (
            (s.not_before is None or cell >= s.not_before)
            and _allowed(cell, s)
            and not any(b.start < end and cell < b.end for b in s.busy)
        )
        if free and previous_free:
            runs[-1][1] = end
        elif free:
            runs.append([cell, end])
        previous_free = free
        cell = end
    return [Interval(a, b) for a, b in runs if b - a >= s.min_length]


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_slots_equal_the_grid_oracle(s: Scenario) -> None:
    # Compared in UTC: Python never equates a time in a repeated DST hour across zones.
    assert [_utc(x) for x in s.slots()] == [_utc(x) for x in _oracle(s)]


def _utc(interval: Interval) -> tuple[datetime, datetime]:
    return interval.start.astimezone(UTC), interval.end.astimezone(UTC)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_slot_invariants(s: Scenario) -> None:
    slots = s.slots()
    for i, slot in enumerate(slots):
        start, end = _utc(slot)
        assert s.window.start <= start < end <= s.window.end
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) >= s.min_length
        assert not any(b.start < end and start < b.end for b in s.busy if b.end > b.start)
        if s.not_before is not None:
            assert start >= s.not_before
        if i:
            assert _utc(slots[i - 1])[1] < start  # disjoint and not touching: maximal
        assert slot.start.tzinfo == s.tz
        assert _allowed(slot.start, s)
        assert _allowed(slot.end.astimezone(UTC) - STEP, s)


def test_all_days_constant() -> None:
    assert frozenset(range(1, 8)) == ALL_DAYS
