"""The same phrases across DST changes: Europe/Berlin (2027-03-28) and New York (2027-03-14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse
from calendar_assistant.understanding.timeexpr import read_time

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_BERLIN = datetime(2027, 3, 26, 10, 0, tzinfo=BERLIN)
FRIDAY_NY = datetime(2027, 3, 12, 16, 0, tzinfo=NEW_YORK)


def test_sunday_of_the_change_is_23_hours_long_in_berlin() -> None:
    span = read_time("в воскресенье", now=FRIDAY_BERLIN, tz=BERLIN)
    assert span is not None
    assert span.start is not None
    assert span.end is not None
    assert span.start.utcoffset() == timedelta(hours=1)
    assert span.end.utcoffset() == timedelta(hours=2)
    # same-zone subtraction is wall-clock in Python: measure in UTC
    assert span.end.astimezone(UTC) - span.start.astimezone(UTC) == timedelta(hours=23)


def test_a_time_after_the_change_carries_summer_offset() -> None:
    span = read_time("в воскресенье в 10", now=FRIDAY_BERLIN, tz=BERLIN)
    assert span is not None
    assert span.start is not None
    assert span.start == datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)
    assert span.start.utcoffset() == timedelta(hours=2)


def test_a_time_in_the_gap_moves_forward() -> None:
    span = read_time("on Sunday at 2:30am", now=FRIDAY_NY, tz=NEW_YORK)
    assert span is not None
    assert span.start is not None
    assert span.start.astimezone(NEW_YORK).hour == 3
    assert span.start.utcoffset() == timedelta(hours=-4)


def test_an_hour_long_event_across_the_change_is_sixty_real_minutes() -> None:
    command = parse("Schedule a call on Sunday at 1:30am", now=FRIDAY_NY, tz=NEW_YORK)
    assert command.intent == Intent.CREATE_EVENT
    assert command.start is not None
    assert command.end is not None
    assert command.end.astimezone(UTC) - command.start.astimezone(UTC) == timedelta(hours=1)
    assert command.end.utcoffset() == timedelta(hours=-4)


def test_next_week_spans_the_change_with_both_offsets() -> None:
    command = parse(
        "What's on next week?", now=datetime(2027, 3, 10, 9, 0, tzinfo=NEW_YORK), tz=NEW_YORK
    )
    assert command.range_start == datetime(2027, 3, 15, 0, 0, tzinfo=NEW_YORK)
    weekend = parse("Что у меня на выходных?", now=FRIDAY_BERLIN, tz=BERLIN)
    assert weekend.range_start is not None
    assert weekend.range_end is not None
    assert weekend.range_start.utcoffset() == timedelta(hours=1)
    assert weekend.range_end.utcoffset() == timedelta(hours=2)


def test_recurring_first_occurrence_lands_after_the_change() -> None:
    command = parse("Каждое воскресенье в 9 пробежка", now=FRIDAY_BERLIN, tz=BERLIN)
    assert command.recurrence == "FREQ=WEEKLY;BYDAY=SU"
    assert command.start == datetime(2027, 3, 28, 9, 0, tzinfo=BERLIN)
    assert command.title == "Пробежка"


def test_the_same_words_in_moscow_and_yekaterinburg_name_the_same_wall_time() -> None:
    for zone in ("Europe/Moscow", "Asia/Yekaterinburg"):
        tz = ZoneInfo(zone)
        now = datetime(2026, 12, 9, 11, 20, tzinfo=tz)
        command = parse("Поставь йогу завтра в 7 вечера", now=now, tz=tz)
        assert command.start == datetime(2026, 12, 10, 19, 0, tzinfo=tz)
