"""ICS export and import: series with exceptions, all-day events, zones across DST, bad files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_assistant.calendars.ics import (
    IcsError,
    ImportedEvent,
    events_to_ics,
    export_calendar,
    import_events,
    read_ics,
)
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository
from support import BERLIN, MOSCOW, NEW_YORK

STAMP = datetime(2027, 3, 1, 12, 0, tzinfo=ZoneInfo("UTC"))


def _round_trip(*series: list[Event], default_zone: str = "Europe/Moscow") -> list[ImportedEvent]:
    data = events_to_ics(series, stamp=STAMP)
    return read_ics(data, source="round-trip.ics", default_zone=default_zone)


def _ics(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines, "END:VCALENDAR"]
    return ("\r\n".join(body) + "\r\n").encode()


def test_weekly_series_with_exdate_across_berlin_dst_keeps_wall_time() -> None:
    start = datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN)  # Monday before the change on 28 March
    master = Event(
        id="s1",
        title="Standup",
        start=start,
        end=start + timedelta(minutes=30),
        timezone="Europe/Berlin",
        rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=5",
        exdates=(datetime(2027, 4, 5, 10, 0, tzinfo=BERLIN),),
        reminders=(15,),
        location="Room 4",
    )
    [item] = _round_trip([master])
    assert item.uid == "s1"
    assert item.new.title == "Standup"
    assert item.new.timezone == "Europe/Berlin"
    assert item.new.start == start
    assert item.new.start.utcoffset() == timedelta(hours=1)
    assert item.new.end - item.new.start == timedelta(minutes=30)
    assert item.new.rrule is not None
    assert set(item.new.rrule.split(";")) == {"FREQ=WEEKLY", "BYDAY=MO", "COUNT=5"}
    assert item.exdates == (datetime(2027, 4, 5, 10, 0, tzinfo=BERLIN),)
    assert item.exdates[0].utcoffset() == timedelta(hours=2)  # after the change: CEST
    assert item.new.reminders == (15,)
    assert item.new.location == "Room 4"


def test_export_writes_vtimezone_rrule_exdate_and_overrides() -> None:
    start = datetime(2027, 3, 10, 9, 0, tzinfo=NEW_YORK)  # New York changes on 14 March
    master = Event(
        id="s2",
        title="Planning",
        start=start,
        end=start + timedelta(hours=1),
        timezone="America/New_York",
        rrule="FREQ=DAILY;COUNT=10",
        exdates=(datetime(2027, 3, 12, 9, 0, tzinfo=NEW_YORK),),
    )
    moved = Event(
        id="s2",
        title="Planning (moved)",
        start=datetime(2027, 3, 15, 11, 0, tzinfo=NEW_YORK),
        end=datetime(2027, 3, 15, 12, 0, tzinfo=NEW_YORK),
        timezone="America/New_York",
        recurrence_id=datetime(2027, 3, 15, 9, 0, tzinfo=NEW_YORK),
    )
    data = events_to_ics([[moved, master]], stamp=STAMP)
    text = data.decode()
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:America/New_York" in text
    assert "DTSTART;TZID=America/New_York:20270310T090000" in text
    assert "EXDATE;TZID=America/New_York:20270312T090000" in text
    assert "RECURRENCE-ID;TZID=America/New_York:20270315T090000" in text
    assert "DTSTAMP:20270301T120000Z" in text
    parsed = icalendar.Calendar.from_ical(data)
    assert [str(v.get("summary")) for v in parsed.walk("VEVENT")] == [
        "Planning",
        "Planning (moved)",
    ]
    [item] = read_ics(data, source="x.ics", default_zone="Europe/Moscow")
    [occurrence] = item.occurrences
    assert occurrence.recurrence_id == datetime(2027, 3, 15, 9, 0, tzinfo=NEW_YORK)
    assert occurrence.recurrence_id.utcoffset() == timedelta(hours=-4)  # EDT
    assert occurrence.patch.title == "Planning (moved)"
    assert occurrence.patch.start == datetime(2027, 3, 15, 11, 0, tzinfo=NEW_YORK)


def test_all_day_event_round_trip_on_a_dst_day() -> None:
    day = datetime(2027, 3, 28, 0, 0, tzinfo=BERLIN)  # 23 hours long in Berlin
    event = Event(
        id="d1",
        title="Конференция",
        start=day,
        end=datetime(2027, 3, 29, 0, 0, tzinfo=BERLIN),
        timezone="Europe/Berlin",
        all_day=True,
    )
    text = events_to_ics([[event]], stamp=STAMP).decode()
    assert "DTSTART;VALUE=DATE:20270328" in text
    assert "DTEND;VALUE=DATE:20270329" in text
    [item] = read_ics(text.encode(), source="d.ics", default_zone="Europe/Berlin")
    assert item.new.all_day
    assert item.new.title == "Конференция"
    assert item.new.start == day
    assert item.new.end == datetime(2027, 3, 29, 0, 0, tzinfo=BERLIN)
    assert item.new.end.astimezone(UTC) - item.new.start.astimezone(UTC) == timedelta(hours=23)


def test_all_day_without_end_lasts_one_local_day_in_the_users_zone() -> None:
    data = _ics(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20270314", "END:VEVENT"
    )
    [item] = read_ics(data, source="h.ics", default_zone="America/New_York")
    assert item.new.start == datetime(2027, 3, 14, tzinfo=NEW_YORK)
    assert item.new.end == datetime(2027, 3, 15, tzinfo=NEW_YORK)
    assert item.new.timezone == "America/New_York"


def test_floating_utc_and_named_zones_are_read_as_such() -> None:
    data = _ics(
        "BEGIN:VEVENT",
        "UID:f",
        "SUMMARY:Floating",
        "DTSTART:20261125T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:u",
        "SUMMARY:Utc",
        "DTSTART:20261125T100000Z",
        "DURATION:PT45M",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:n",
        "SUMMARY:New York",
        "DTSTART;TZID=America/New_York:20261125T100000",
        "DTEND;TZID=America/New_York:20261125T113000",
        "END:VEVENT",
    )
    floating, utc, new_york = read_ics(data, source="z.ics", default_zone="Europe/Moscow")
    assert floating.new.start == datetime(2026, 11, 25, 10, 0, tzinfo=MOSCOW)
    assert floating.new.end - floating.new.start == timedelta(hours=1)  # no end: the default
    assert utc.new.start == datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("UTC"))
    assert utc.new.end - utc.new.start == timedelta(minutes=45)
    assert new_york.new.timezone == "America/New_York"
    assert new_york.new.start == datetime(2026, 11, 25, 10, 0, tzinfo=NEW_YORK)


def test_windows_zone_names_from_outlook_map_to_iana() -> None:
    data = _ics(
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16010101T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010101T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "UID:w",
        "SUMMARY:Sync",
        "DTSTART;TZID=W. Europe Standard Time:20270329T100000",
        "DTEND;TZID=W. Europe Standard Time:20270329T110000",
        "END:VEVENT",
    )
    [item] = read_ics(data, source="outlook.ics", default_zone="Europe/Moscow")
    assert item.new.timezone in {"Europe/Berlin", "Europe/Amsterdam", "Europe/Zurich"}
    assert item.new.start.utcoffset() == timedelta(hours=2)
    assert item.new.start.hour == 10


def test_cancelled_occurrence_becomes_an_exdate() -> None:
    data = _ics(
        "BEGIN:VEVENT",
        "UID:c",
        "SUMMARY:Gym",
        "DTSTART;TZID=Europe/Moscow:20261123T190000",
        "DTEND;TZID=Europe/Moscow:20261123T200000",
        "RRULE:FREQ=WEEKLY",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:c",
        "RECURRENCE-ID;TZID=Europe/Moscow:20261130T190000",
        "STATUS:CANCELLED",
        "DTSTART;TZID=Europe/Moscow:20261130T190000",
        "END:VEVENT",
    )
    [item] = read_ics(data, source="gym.ics", default_zone="Europe/Moscow")
    assert item.exdates == (datetime(2026, 11, 30, 19, 0, tzinfo=MOSCOW),)
    assert item.occurrences == ()


def test_rdate_events_are_expanded_into_single_events() -> None:
    data = _ics(
        "BEGIN:VEVENT",
        "UID:r",
        "SUMMARY:Lecture",
        "DTSTART;TZID=Europe/Berlin:20270322T100000",
        "DTEND;TZID=Europe/Berlin:20270322T113000",
        "RDATE;TZID=Europe/Berlin:20270329T100000,20270405T140000",
        "END:VEVENT",
    )
    items = read_ics(data, source="r.ics", default_zone="Europe/Moscow")
    starts = [i.new.start for i in items]
    assert starts == [
        datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN),
        datetime(2027, 3, 29, 10, 0, tzinfo=BERLIN),
        datetime(2027, 4, 5, 14, 0, tzinfo=BERLIN),
    ]
    assert all(i.new.rrule is None and i.new.title == "Lecture" for i in items)
    assert all(i.new.end - i.new.start == timedelta(minutes=90) for i in items)


def test_attendees_and_alarms_survive_the_round_trip() -> None:
    start = datetime(2026, 11, 25, 10, 0, tzinfo=MOSCOW)
    event = Event(
        id="a",
        title="Встреча с командой",
        start=start,
        end=start + timedelta(hours=1),
        timezone="Europe/Moscow",
        attendees=("Иван", "anna@example.org"),
        reminders=(10, 60),
        description="Обсудить план",
    )
    [item] = _round_trip([event])
    assert item.new.attendees == ("Иван", "anna@example.org")
    assert item.new.reminders == (10, 60)
    assert item.new.description == "Обсудить план"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "not a readable iCalendar file"),
        (b"hello, world", "not a readable iCalendar file"),
        (b"\xff\xfe\x00garbage\x00", "not a readable iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261125T100000\r\n", "not a readable"),
        (b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "no VCALENDAR"),
    ],
)
def test_broken_files_get_a_clear_error_naming_the_file(data: bytes, fragment: str) -> None:
    with pytest.raises(IcsError) as caught:
        read_ics(data, source="broken.ics", default_zone="Europe/Moscow")
    message = str(caught.value)
    assert message.startswith("broken.ics: ")
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("event_lines", "fragment"),
    [
        (
            ["SUMMARY:Backwards", "DTSTART:20261125T100000Z", "DTEND:20261125T090000Z"],
            "event 'Backwards' (UID e1): it ends before it starts",
        ),
        (["SUMMARY:No start", "DTEND:20261125T090000Z"], "no DTSTART"),
        (["SUMMARY:Bad", "DTSTART:2026XX"], "broken DTSTART"),
        (
            ["SUMMARY:Rule", "DTSTART:20261125T100000Z", "RRULE:FREQ=SOMETIMES"],
            "Rule",
        ),
        (
            ["SUMMARY:Mixed", "DTSTART;VALUE=DATE:20261125", "DTEND:20261126T100000Z"],
            "not both dates or both times",
        ),
    ],
)
def test_bad_events_are_named_and_nothing_is_returned(
    event_lines: list[str], fragment: str
) -> None:
    data = _ics(
        "BEGIN:VEVENT",
        "UID:ok",
        "SUMMARY:Fine",
        "DTSTART:20261124T100000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:e1",
        *event_lines,
        "END:VEVENT",
    )
    with pytest.raises(IcsError) as caught:
        read_ics(data, source="/tmp/bad.ics", default_zone="Europe/Moscow")
    assert str(caught.value).startswith("/tmp/bad.ics: ")
    assert fragment in str(caught.value)


def test_a_file_without_events_reads_as_empty() -> None:
    assert read_ics(_ics(), source="empty.ics", default_zone="Europe/Moscow") == []


def test_duration_is_elapsed_time_across_the_dst_change() -> None:
    data = _ics(
        "BEGIN:VEVENT",
        "UID:night",
        "SUMMARY:Night shift",
        "DTSTART;TZID=Europe/Berlin:20270328T013000",
        "DURATION:PT2H",
        "END:VEVENT",
    )
    [item] = read_ics(data, source="n.ics", default_zone="Europe/Moscow")
    assert item.new.end.astimezone(UTC) - item.new.start.astimezone(UTC) == timedelta(hours=2)
    assert (item.new.end.hour, item.new.end.minute) == (4, 30)  # 02:00 does not exist that night


def test_two_events_with_one_uid_are_refused() -> None:
    event = ["SUMMARY:Twice", "DTSTART:20261125T100000Z"]
    data = _ics(
        "BEGIN:VEVENT",
        "UID:same",
        *event,
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:same",
        *event,
        "END:VEVENT",
    )
    with pytest.raises(IcsError, match="UID 'same' is used by two events"):
        read_ics(data, source="dup.ics", default_zone="Europe/Moscow")


# --- through the real local calendar ----------------------------------------------------------


@pytest.fixture
async def database(sqlite_url: str) -> AsyncIterator[Database]:
    db = await Database.open(sqlite_url)
    yield db
    await db.close()


async def _calendar(db: Database, key: str) -> LocalCalendar:
    user = await UserRepository(db).get_or_create(key)
    return LocalCalendar(db, user.id)


def _shape(events: list[Event]) -> list[tuple[str, datetime, datetime, bool, tuple[int, ...]]]:
    return [(e.title, e.start, e.end, e.all_day, e.reminders) for e in events]


async def test_export_then_import_reproduces_the_calendar(database: Database) -> None:
    source = await _calendar(database, "ics:source")
    start = datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN)
    series = await source.create_event(
        NewEvent(
            "Standup",
            start,
            start + timedelta(minutes=30),
            "Europe/Berlin",
            rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=6",
            reminders=(10,),
        )
    )
    await source.delete_event(
        series.id, scope=Scope.THIS, occurrence=datetime(2027, 4, 5, 10, 0, tzinfo=BERLIN)
    )
    moved = EventPatch(
        title="Standup (moved)",
        start=datetime(2027, 3, 29, 11, 0, tzinfo=BERLIN),
        end=datetime(2027, 3, 29, 11, 30, tzinfo=BERLIN),
    )
    await source.update_event(
        series.id, moved, scope=Scope.THIS, occurrence=datetime(2027, 3, 29, 10, 0, tzinfo=BERLIN)
    )
    await source.create_event(
        NewEvent(
            "Konferenz",
            datetime(2027, 3, 28, tzinfo=BERLIN),
            datetime(2027, 3, 30, tzinfo=BERLIN),
            "Europe/Berlin",
            all_day=True,
        )
    )
    ny = datetime(2027, 3, 14, 9, 0, tzinfo=NEW_YORK)  # New York's DST day
    await source.create_event(NewEvent("Call", ny, ny + timedelta(hours=1), "America/New_York"))

    window = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
    data = await export_calendar(source, *window, stamp=STAMP)
    target = await _calendar(database, "ics:target")
    items = read_ics(data, source="export.ics", default_zone="Europe/Berlin")
    result = await import_events(target, items)
    assert (result.imported, result.skipped_duplicates) == (3, 0)

    original = await source.list_events(*window)
    copied = await target.list_events(*window)
    assert _shape(copied) == _shape(original)
    assert [e.title for e in copied] == [
        "Call",
        "Standup",
        "Konferenz",
        "Standup (moved)",
        "Standup",
        "Standup",
        "Standup",
    ]
    assert [e.start.utcoffset() for e in copied if e.title == "Standup"] == [
        timedelta(hours=1),
        timedelta(hours=2),
        timedelta(hours=2),
        timedelta(hours=2),
    ]

    again = await import_events(target, read_ics(data, source="x", default_zone="Europe/Berlin"))
    assert (again.imported, again.skipped_duplicates) == (0, 3)
    assert _shape(await target.list_events(*window)) == _shape(original)


async def test_a_backend_refusal_half_way_leaves_nothing_imported(database: Database) -> None:
    calendar = await _calendar(database, "ics:atomic")
    data = _ics(
        "BEGIN:VEVENT",
        "UID:first",
        "SUMMARY:Fine",
        "DTSTART;TZID=Europe/Moscow:20261125T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:second",
        "SUMMARY:" + "x" * 5000,  # the file is valid; the calendar refuses so long a title
        "DTSTART;TZID=Europe/Moscow:20261126T100000",
        "END:VEVENT",
    )
    items = read_ics(data, source="long.ics", default_zone="Europe/Moscow")
    assert len(items) == 2
    with pytest.raises(IcsError, match="nothing was imported"):
        await import_events(calendar, items)
    everything = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
    assert await calendar.list_events(*everything) == []


# --- any bytes: a list or a clear IcsError, never another exception -----------------------------

_SAMPLE_LINES = (
    _ics(
        "BEGIN:VEVENT",
        "UID:s",
        "SUMMARY:Standup",
        "DTSTART;TZID=Europe/Berlin:20270322T100000",
        "DTEND;TZID=Europe/Berlin:20270322T103000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5",
        "EXDATE;TZID=Europe/Berlin:20270329T100000",
        "BEGIN:VALARM",
        "TRIGGER:-PT15M",
        "ACTION:DISPLAY",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:s",
        "RECURRENCE-ID;TZID=Europe/Berlin:20270405T100000",
        "SUMMARY:Moved",
        "DTSTART;TZID=Europe/Berlin:20270405T120000",
        "DURATION:PT1H",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:d",
        "SUMMARY:Day",
        "DTSTART;VALUE=DATE:20270328",
        "RDATE;VALUE=DATE:20270401",
        "END:VEVENT",
    )
    .decode()
    .split("\r\n")
)


_PROPERTY_POOL = [
    "RRULE:FREQ=DAILY",
    "RRULE:FREQ=HOURLY;COUNT=100000",
    "RRULE:FREQ=YEARLY;UNTIL=20270101",
    "RDATE:20270401T100000Z",
    "RDATE;VALUE=PERIOD:20270401T100000Z/PT1H",
    "EXRULE:FREQ=WEEKLY",
    "EXDATE:garbage",
    "DTEND;VALUE=DATE:20270101",
    "DTEND:20270322T090000Z",
    "DURATION:-PT1H",
    "DURATION:P1W",
    "DTSTART;TZID=Nowhere/City:20270322T100000",
    "DTSTART:99991231T235959Z",
    "RECURRENCE-ID:20270329T090000Z",
    "STATUS:CANCELLED",
    "TRIGGER;RELATED=END:-PT5M",
    "TRIGGER:20270322T090000Z",
    "BEGIN:VEVENT",
    "END:VEVENT",
    "BEGIN:VTODO",
    "ATTENDEE;CN=Иван:mailto:ivan@example.org",
]


def _read_or_refuse(data: bytes) -> None:
    refusal = ""
    items: list[ImportedEvent] = []
    try:
        items = read_ics(data, source="fuzz.ics", default_zone="Europe/Moscow")
    except IcsError as exc:
        refusal = str(exc)
    if refusal:
        assert refusal.startswith("fuzz.ics: ")
        assert "\n" not in refusal
    assert all(item.new.end > item.new.start for item in items)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_reader(data: bytes) -> None:
    _read_or_refuse(data)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_SAMPLE_LINES) - 1),
            st.sampled_from(["drop", "double", "cut", "garble", "swap", "insert"]),
            st.one_of(st.text(max_size=12), st.sampled_from(_PROPERTY_POOL)),
        ),
        max_size=6,
    )
)
def test_mutated_calendars_never_crash_the_reader(edits: list[tuple[int, str, str]]) -> None:
    lines = list(_SAMPLE_LINES)
    for index, how, junk in edits:
        index %= len(lines)
        if how == "drop":
            del lines[index]
        elif how == "double":
            lines.insert(index, lines[index])
        elif how == "cut":
            lines[index] = lines[index][: len(lines[index]) // 2]
        elif how == "insert":
            lines.insert(index, junk)
        elif how == "garble":
            lines[index] = lines[index] + junk
        else:
            lines[index], lines[-1 - index] = lines[-1 - index], lines[index]
        if not lines:
            break
    _read_or_refuse("\r\n".join(lines).encode("utf-8", "surrogatepass"))


def test_cancelled_occurrences_of_a_series_not_in_the_file_are_skipped() -> None:
    data = _ics(
        "BEGIN:VEVENT",
        "UID:elsewhere",
        "RECURRENCE-ID:20261130T160000Z",
        "STATUS:CANCELLED",
        "SUMMARY:Gone",
        "DTSTART:20261130T160000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:elsewhere",
        "RECURRENCE-ID:20261207T160000Z",
        "SUMMARY:Moved on its own",
        "DTSTART:20261207T170000Z",
        "END:VEVENT",
    )
    [item] = read_ics(data, source="orphans.ics", default_zone="Europe/Moscow")
    assert item.new.title == "Moved on its own"
    assert item.new.rrule is None
    assert item.new.start == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
