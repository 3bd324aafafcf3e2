"""The shared series-edit rules keep a series' clock time across DST in any zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.events import Event, EventPatch
from calendar_assistant.domain.series_edits import (
    apply_patch,
    carried_override,
    moved_series,
    plain_occurrence,
    shifted,
    wall_delta,
    zone_of,
)

# (zone, a Monday a week before its spring DST change, the Monday after it)
ZONES = [
    ("Europe/Berlin", datetime(2027, 3, 22, 10), datetime(2027, 3, 29, 10)),
    ("America/New_York", datetime(2027, 3, 8, 10), datetime(2027, 3, 15, 10)),
]


def _weekly(tz: str, first: datetime) -> Event:
    zone = ZoneInfo(tz)
    start = first.replace(tzinfo=zone)
    return Event(
        id="s",
        title="Standup",
        start=start,
        end=start + timedelta(minutes=30),
        timezone=tz,
        rrule="FREQ=WEEKLY;BYDAY=MO",
        location="Room 1",
    )


@pytest.mark.parametrize(("tz", "first", "after_dst"), ZONES)
def test_an_occurrence_after_dst_keeps_the_clock_time_and_length(
    tz: str, first: datetime, after_dst: datetime
) -> None:
    zone = ZoneInfo(tz)
    occurrence = plain_occurrence(_weekly(tz, first), after_dst.replace(tzinfo=zone))
    assert occurrence.start.astimezone(zone).hour == 10
    assert occurrence.end - occurrence.start == timedelta(minutes=30)
    assert occurrence.recurrence_id == occurrence.start


@pytest.mark.parametrize(("tz", "first", "after_dst"), ZONES)
def test_moving_one_occurrence_an_hour_moves_the_series_an_hour_on_the_wall_clock(
    tz: str, first: datetime, after_dst: datetime
) -> None:
    zone = ZoneInfo(tz)
    series = _weekly(tz, first)
    reference = plain_occurrence(series, after_dst.replace(tzinfo=zone))
    edited = apply_patch(reference, EventPatch(start=reference.start + timedelta(hours=1)))
    assert wall_delta(reference, edited) == timedelta(hours=1)

    moved = moved_series(series, reference, edited, series.start, retimed=True)
    assert moved.start.astimezone(zone).hour == 11
    assert moved.start.astimezone(zone).date() == first.date()
    assert moved.rrule == "FREQ=WEEKLY;BYDAY=MO"
    assert moved.recurrence_id is None
    # Across the change an exact 7*24 h step would land at 10:00 or 12:00; the wall clock not.
    assert shifted(after_dst.replace(tzinfo=zone), timedelta(hours=1), tz).hour == 11


@pytest.mark.parametrize(("tz", "first", "after_dst"), ZONES)
def test_moving_the_series_a_day_moves_its_weekday(
    tz: str, first: datetime, after_dst: datetime
) -> None:
    del after_dst
    series = _weekly(tz, first)
    edited = apply_patch(series, EventPatch(start=series.start + timedelta(days=1)))
    moved = moved_series(series, series, edited, series.start, retimed=True)
    assert moved.rrule == "FREQ=WEEKLY;BYDAY=TU"


@pytest.mark.parametrize(("tz", "first", "after_dst"), ZONES)
def test_an_override_follows_the_series_but_keeps_what_is_its_own(
    tz: str, first: datetime, after_dst: datetime
) -> None:
    zone = ZoneInfo(tz)
    old = _weekly(tz, first)
    own = apply_patch(
        plain_occurrence(old, after_dst.replace(tzinfo=zone)), EventPatch(location="Room 9")
    )
    new = apply_patch(old, EventPatch(title="Daily", location="Room 2"))
    carried = carried_override(own, old, new, timedelta(hours=1))
    assert carried.title == "Daily"
    assert carried.location == "Room 9"
    assert carried.recurrence_id is not None
    assert carried.recurrence_id.astimezone(zone).hour == 11
    assert carried.start == carried.recurrence_id


def test_bad_edits_get_a_clear_answer() -> None:
    series = _weekly("Europe/Berlin", datetime(2027, 3, 22, 10))
    with pytest.raises(ValueError, match="end after it starts"):
        apply_patch(series, EventPatch(end=series.start))
    with pytest.raises(ValueError, match="needs a title"):
        apply_patch(series, EventPatch(title="   "))
    with pytest.raises(ValueError, match="timezone-aware"):
        apply_patch(series, EventPatch(start=datetime(2027, 3, 22, 11)))
    with pytest.raises(ValueError, match="unknown time zone"):
        zone_of("Mars/Olympus")
