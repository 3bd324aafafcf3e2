"""The model's time phrases are read by our grammar in the user's zone (two zones, DST days)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent, Missing
from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.llm.resolving import TimeReader, to_command
from calendar_assistant.understanding.llm.tools import tool_named

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")


def _command(name: str, args: dict[str, object], reader: TimeReader):  # type: ignore[no-untyped-def]
    tool = tool_named(name)
    assert tool is not None
    return to_command(tool, tool.arguments.model_validate(args), reader)


def test_a_phrase_before_the_berlin_spring_forward() -> None:
    reader = TimeReader(datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN), BERLIN, "ru")
    command = _command("create_event", {"title": "Бранч", "start": "завтра в 10"}, reader)
    assert command.start == datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)
    assert command.start.utcoffset() == timedelta(hours=2)  # summer time already


def test_lengths_are_real_time_across_the_new_york_change() -> None:
    reader = TimeReader(datetime(2027, 3, 13, 12, 0, tzinfo=NEW_YORK), NEW_YORK, "en")
    command = _command(
        "create_event",
        {"title": "Night shift", "start": "2027-03-14T01:30", "duration_minutes": 90},
        reader,
    )
    assert command.start == datetime(2027, 3, 14, 1, 30, tzinfo=NEW_YORK)
    assert command.end is not None
    assert command.end.astimezone(NEW_YORK).hour == 4  # 90 real minutes, an hour skipped
    assert command.end.astimezone(UTC) - command.start.astimezone(UTC) == timedelta(minutes=90)


def test_iso_with_an_offset_is_converted_to_the_user_zone() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "en")
    span = reader.span("2026-11-25T07:00:00Z")
    assert span is not None
    assert span.start == datetime(2026, 11, 25, 10, 0, tzinfo=MOSCOW)


def test_windows_from_one_or_two_phrases() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "en")
    assert reader.window("next week", None) == (
        datetime(2026, 11, 30, tzinfo=MOSCOW),
        datetime(2026, 12, 7, tzinfo=MOSCOW),
    )
    assert reader.window("friday", "sunday") == (
        datetime(2026, 11, 27, tzinfo=MOSCOW),
        datetime(2026, 11, 30, tzinfo=MOSCOW),
    )
    assert reader.window("purple monkey", None) == (None, None)


def test_a_part_of_day_alone_starts_a_new_event_at_the_spec_hour() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "ru")
    command = _command("create_event", {"title": "Кино", "start": "завтра вечером"}, reader)
    assert command.start == datetime(2026, 11, 25, 19, 0, tzinfo=MOSCOW)
    assert command.end == datetime(2026, 11, 25, 20, 0, tzinfo=MOSCOW)


def test_all_day_and_day_only() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "en")
    all_day = _command(
        "create_event", {"title": "Offsite", "start": "2026-12-05", "all_day": True}, reader
    )
    assert all_day.all_day
    assert (all_day.start, all_day.end) == (
        datetime(2026, 12, 5, tzinfo=MOSCOW),
        datetime(2026, 12, 6, tzinfo=MOSCOW),
    )
    day_only = _command("create_event", {"title": "Offsite", "start": "December 5"}, reader)
    assert day_only.start is None
    assert day_only.day == date(2026, 12, 5)
    assert day_only.missing == (Missing.TIME,)


def test_unreadable_times_and_rules_become_questions_not_guesses() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "en")
    command = _command(
        "create_event",
        {"title": "Yoga", "start": "whenever the moon is blue", "recurrence": "every day lol"},
        reader,
    )
    assert command.start is None
    assert command.recurrence is None
    assert set(command.missing) == {Missing.DATE, Missing.TIME}
    weekly = _command(
        "create_event",
        {"title": "Yoga", "start": "tomorrow at 8", "recurrence": "RRULE:FREQ=WEEKLY;BYDAY=MO,WE"},
        reader,
    )
    assert weekly.recurrence == "FREQ=WEEKLY;BYDAY=MO,WE"


def test_an_update_to_a_day_keeps_the_time_to_the_executor() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "en")
    command = _command(
        "update_event",
        {"target": {"title": "Dentist"}, "changes": {"start": "Thursday"}},
        reader,
    )
    assert command.intent is Intent.UPDATE_EVENT
    assert command.day == date(2026, 11, 26)
    assert command.changes is None
    assert command.missing == ()
    moved = _command(
        "update_event",
        {"target": {"title": "Dentist", "start": "tomorrow at 9"}, "changes": {"start": "11:00"}},
        reader,
    )
    assert moved.target is not None
    assert moved.target.start == datetime(2026, 11, 25, 9, 0, tzinfo=MOSCOW)
    assert moved.changes is not None
    assert moved.changes.start is not None


def test_a_reminder_before_an_event() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "en")
    command = _command(
        "create_reminder",
        {"title": "standup", "target": {"title": "Standup"}, "reminder_minutes_before": 15},
        reader,
    )
    assert command.intent is Intent.CREATE_REMINDER
    assert command.reminder_minutes_before == 15
    assert command.target is not None
    assert command.target.title == "Standup"


@pytest.mark.parametrize(
    ("lang", "title", "start"),
    [
        ("en", "Before my dentist appointment", "tonight at 10pm"),
        ("en", "the night before the team offsite", "today at 8pm"),
        ("ru", "Накануне приёма у врача", "сегодня в 19:00"),
        ("ru", "После встречи с Иваном", "сегодня в 19:00"),
    ],
)
def test_a_reminder_titled_before_an_event_is_asked_about(
    lang: Lang, title: str, start: str
) -> None:
    """The model read "the night before my dentist appointment" as a time from now: never
    written, asked which event."""
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, lang)
    command = _command("create_reminder", {"title": title, "start": start}, reader)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.start is None
    assert command.title is None
    assert command.missing == (Missing.TARGET,)


def test_a_reminder_about_what_to_do_after_is_kept() -> None:
    reader = TimeReader(datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW), MOSCOW, "en")
    command = _command("create_reminder", {"title": "Call mom", "start": "at 8pm"}, reader)
    assert command.title == "Call mom"
    assert command.start == datetime(2026, 11, 24, 20, 0, tzinfo=MOSCOW)


def test_follow_ups_from_the_model_bare_times_shifts_and_it() -> None:
    """The model's "to 2pm" keeps the event's day, like the grammar's; "it" and shifts pass."""
    reader = TimeReader(datetime(2027, 3, 12, 10, 0, tzinfo=NEW_YORK), NEW_YORK, "en")
    bare = _command(
        "update_event", {"target": {"title": "Lunch"}, "changes": {"start": "2pm"}}, reader
    )
    assert bare.changes is not None
    assert bare.changes.time_only
    dated = _command(
        "update_event",
        {"target": {"title": "Lunch"}, "changes": {"start": "Sunday at 2pm"}},
        reader,
    )
    assert dated.changes is not None
    assert not dated.changes.time_only
    assert dated.changes.start == datetime(2027, 3, 14, 14, 0, tzinfo=NEW_YORK)
    iso = _command(
        "update_event",
        {"target": {"title": "Lunch"}, "changes": {"start": "2027-03-14T14:00"}},
        reader,
    )
    assert iso.changes is not None
    assert not iso.changes.time_only
    it = _command(
        "update_event", {"target": {"previous": True}, "changes": {"shift_minutes": 60}}, reader
    )
    assert it.target is not None
    assert it.target.previous
    assert it.target.title is None
    assert it.changes is not None
    assert it.changes.shift_minutes == 60
    assert it.missing == ()
    longer = _command(
        "update_event",
        {"target": {"title": "Sync"}, "changes": {"end_shift_minutes": -15}},
        reader,
    )
    assert longer.changes is not None
    assert longer.changes.end_shift_minutes == -15
    gone = _command("delete_event", {"target": {"previous": True}}, reader)
    assert gone.target is not None
    assert gone.target.previous


def test_a_numeric_date_the_model_copies_is_read_in_the_users_order() -> None:
    """The model often copies "3/4" as said: it is read as the user's setting says, else as
    the zone writes dates (New York: March 4)."""
    now = datetime(2027, 1, 10, 12, 0, tzinfo=NEW_YORK)
    by_zone = TimeReader(now, NEW_YORK, "en").span("3/4 at 10am")
    chosen = TimeReader(now, NEW_YORK, "en", month_first=False).span("3/4 at 10am")
    assert by_zone is not None
    assert chosen is not None
    assert by_zone.start == datetime(2027, 3, 4, 10, 0, tzinfo=NEW_YORK)
    assert chosen.start == datetime(2027, 4, 3, 10, 0, tzinfo=NEW_YORK)
