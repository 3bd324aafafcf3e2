"""What CalDAV adds to the contract: ETags, the stored iCalendar, other clients, access."""

from __future__ import annotations

import dataclasses
import socket
import threading
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from calendar_assistant.calendars.accounts.errors import ProviderUnavailable, ReconnectNeeded
from calendar_assistant.calendars.base import EventNotFound, VersionConflict
from calendar_assistant.calendars.caldav import CalDavCalendar, discover_calendars, open_client
from calendar_assistant.calendars.caldav.documents import to_ical
from calendar_assistant.calendars.local import DuplicateEvent
from calendar_assistant.domain.events import EventPatch, NewEvent, Scope

from ..contract import at, first_monday, midnight
from .conftest import LOOPBACK_POLICY, RadicaleServer


@pytest.fixture
def calendar(radicale: RadicaleServer, tz: ZoneInfo) -> CalDavCalendar:
    return CalDavCalendar(radicale.new_calendar("alice"), timezone=str(tz), calendar_id="r")


async def test_a_change_made_meanwhile_is_never_overwritten(
    calendar: CalDavCalendar, tz: ZoneInfo
) -> None:
    day = date(2027, 3, 2)
    created = await calendar.create_event(
        NewEvent("Call", at(tz, day, 10), at(tz, day, 11), str(tz))
    )
    mine = await calendar.fetch(created.id)
    theirs = await calendar.fetch(created.id)
    assert mine is not None
    assert theirs is not None
    # Another client renames it without touching SEQUENCE: only the ETag tells.
    other = dataclasses.replace(theirs.series.master, title="Renamed elsewhere")
    await calendar.store(theirs, dataclasses.replace(theirs.series, master=other))
    late = dataclasses.replace(mine.series.master, title="Mine")
    with pytest.raises(VersionConflict) as caught:
        await calendar.store(mine, dataclasses.replace(mine.series, master=late))
    assert caught.value.current.title == "Renamed elsewhere"
    stored = await calendar.get_event(created.id)
    assert stored is not None
    assert stored.title == "Renamed elsewhere"


async def test_series_is_stored_with_exdate_and_recurrence_id(
    calendar: CalDavCalendar, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await calendar.create_event(
        NewEvent(
            "Standup", at(tz, monday, 10), at(tz, monday, 10, 30), str(tz), rrule="FREQ=WEEKLY"
        )
    )
    week = timedelta(weeks=1)
    await calendar.delete_event(series.id, scope=Scope.THIS, occurrence=at(tz, monday, 10) + week)
    moved = at(tz, monday + 2 * week, 10)
    await calendar.update_event(
        series.id, EventPatch(start=moved + timedelta(hours=3)), scope=Scope.THIS, occurrence=moved
    )
    stored = await calendar.fetch(series.id)
    assert stored is not None
    parsed = Calendar.from_ical(stored.resource.data)
    vevents = list(parsed.walk("VEVENT"))
    assert len(vevents) == 2
    master = next(v for v in vevents if "RECURRENCE-ID" not in v)
    override = next(v for v in vevents if "RECURRENCE-ID" in v)
    assert master["DTSTART"].params["TZID"] == str(tz)
    assert [d.dt for d in master["EXDATE"].dts] == [at(tz, monday + week, 10)]
    assert override.decoded("RECURRENCE-ID") == moved
    assert override.decoded("DTSTART") == moved + timedelta(hours=3)
    assert parsed.walk("VTIMEZONE"), "times name their zone"
    listed = await calendar.list_events(midnight(tz, monday), midnight(tz, monday + 4 * week))
    assert [e.start for e in listed] == [
        at(tz, monday, 10),
        moved + timedelta(hours=3),
        at(tz, monday + 3 * week, 10),
    ]


async def test_create_with_the_same_id_twice_never_duplicates(
    calendar: CalDavCalendar, tz: ZoneInfo
) -> None:
    day = date(2027, 3, 3)
    new = NewEvent("Once", at(tz, day, 9), at(tz, day, 10), str(tz), id="retry-1@example")
    await calendar.create_event(new)
    with pytest.raises(DuplicateEvent):
        await calendar.create_event(new)
    listed = await calendar.list_events(midnight(tz, day), midnight(tz, day + timedelta(1)))
    assert [e.id for e in listed] == ["retry-1@example"]


async def test_events_written_by_other_clients_are_read(
    radicale: RadicaleServer, tz: ZoneInfo
) -> None:
    dav = radicale.new_calendar("alice")
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\nBEGIN:VEVENT\r\n"
    tail = "END:VEVENT\r\nEND:VCALENDAR\r\n"
    dav.save_event(
        head + "UID:other-1\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270304T090000Z\r\n"
        "DURATION:PT45M\r\nSUMMARY:From the phone\r\n" + tail
    )
    dav.save_event(
        head + "UID:other-2\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:20270304\r\n"
        "SUMMARY:Holiday\r\n" + tail
    )
    calendar = CalDavCalendar(dav, timezone=str(tz))
    day = date(2027, 3, 4)
    listed = await calendar.list_events(midnight(tz, day), midnight(tz, day + timedelta(1)))
    phone = next(e for e in listed if e.id == "other-1")
    assert phone.timezone == "UTC"
    assert phone.end - phone.start == timedelta(minutes=45)
    holiday = next(e for e in listed if e.id == "other-2")
    assert holiday.all_day
    assert (holiday.start, holiday.end) == (midnight(tz, day), midnight(tz, day + timedelta(1)))
    await calendar.update_event("other-1", EventPatch(title="Moved by us"))
    again = await calendar.get_event("other-1")
    assert again is not None
    assert again.title == "Moved by us"


async def test_a_user_cannot_reach_another_users_calendar(
    radicale: RadicaleServer, tz: ZoneInfo
) -> None:
    alice_dav = radicale.new_calendar("alice")
    alice = CalDavCalendar(alice_dav, timezone=str(tz))
    day = date(2027, 3, 5)
    secret = await alice.create_event(NewEvent("Secret", at(tz, day, 9), at(tz, day, 10), str(tz)))
    # Bob's client aimed at Alice's calendar URL: every path is refused by the server.
    bob = CalDavCalendar.at_url(
        radicale.client("bob"), str(alice_dav.url), timezone=str(tz), calendar_id="x"
    )
    with pytest.raises(ReconnectNeeded):
        await bob.list_events(midnight(tz, day), midnight(tz, day + timedelta(1)))
    with pytest.raises((ReconnectNeeded, EventNotFound)):
        await bob.update_event(secret.id, EventPatch(title="Mine"))
    with pytest.raises((ReconnectNeeded, EventNotFound)):
        await bob.delete_event(secret.id)
    kept = await alice.get_event(secret.id)
    assert kept is not None
    assert kept.title == "Secret"


async def test_a_wrong_password_asks_to_reconnect(radicale: RadicaleServer) -> None:
    with pytest.raises(ReconnectNeeded):
        await discover_calendars(radicale.client("alice", "wrong"))


async def test_discovery_finds_the_users_calendars(radicale: RadicaleServer) -> None:
    made = radicale.new_calendar("bob")
    found = await discover_calendars(radicale.client("bob"))
    assert str(made.url) in {c.url for c in found}


async def test_unknown_event_paths(calendar: CalDavCalendar) -> None:
    assert await calendar.get_event("") is None
    assert await calendar.snapshot("x" * 300) == []
    with pytest.raises(EventNotFound):
        await calendar.delete_event("missing")


def test_documents_carry_the_version_as_sequence(tz: ZoneInfo) -> None:
    from calendar_assistant.calendars.caldav.series import Series, new_event

    day = date(2027, 3, 6)
    event = new_event(NewEvent("A", at(tz, day, 9), at(tz, day, 10), str(tz)), "r")
    body = to_ical(Series(dataclasses.replace(event, version=7)))
    assert b"SEQUENCE:7" in body


async def test_all_day_events_are_found_late_in_the_evening_west_of_utc(
    radicale: RadicaleServer,
) -> None:
    tz = ZoneInfo("America/Los_Angeles")
    calendar = CalDavCalendar(radicale.new_calendar("alice"), timezone=str(tz))
    day = date(2027, 3, 8)
    created = await calendar.create_event(
        NewEvent("Holiday", midnight(tz, day), midnight(tz, day + timedelta(1)), str(tz), True)
    )
    late = await calendar.list_events(at(tz, day, 22), at(tz, day, 23))
    assert [e.id for e in late] == [created.id]
    assert (
        await calendar.list_events(at(tz, day + timedelta(1), 0), at(tz, day + timedelta(1), 1))
        == []
    )


async def test_an_unreadable_resource_does_not_hide_the_rest(
    radicale: RadicaleServer, tz: ZoneInfo
) -> None:
    dav = radicale.new_calendar("alice")
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\nBEGIN:VEVENT\r\n"
    dav.save_event(
        head + "UID:broken-1\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270304T090000Z\r\n"
        "DTEND:20270304T100000Z\r\nSUMMARY:Odd\r\nRRULE:FREQ=SECONDLY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar = CalDavCalendar(dav, timezone=str(tz))
    day = date(2027, 3, 4)
    good = await calendar.create_event(NewEvent("Fine", at(tz, day, 12), at(tz, day, 13), str(tz)))
    listed = await calendar.list_events(midnight(tz, day), midnight(tz, day + timedelta(1)))
    assert good.id in [e.id for e in listed]


async def test_reads_are_retried_then_reported_clearly(tz: ZoneInfo) -> None:
    """A server that drops every connection: tried 1 + 2 times, then a clear error."""
    accepted = 0
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    stop = threading.Event()

    def drop_connections() -> None:
        nonlocal accepted
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted += 1
            conn.close()

    worker = threading.Thread(target=drop_connections, daemon=True)
    worker.start()
    try:
        port = listener.getsockname()[1]
        client = open_client(
            f"http://127.0.0.1:{port}/", "alice", "x", timeout=2, policy=LOOPBACK_POLICY
        )
        calendar = CalDavCalendar.at_url(
            client,
            f"http://127.0.0.1:{port}/alice/cal/",
            timezone=str(tz),
            calendar_id="c",
            retries=2,
            backoff_seconds=0.01,
        )
        with pytest.raises(ProviderUnavailable, match="caldav keeps failing"):
            await calendar.list_events(at(tz, date(2027, 3, 1), 9), at(tz, date(2027, 3, 1), 10))
    finally:
        stop.set()
        worker.join()
        listener.close()
    assert accepted >= 3


async def test_what_other_clients_wrote_survives_our_changes(
    radicale: RadicaleServer, tz: ZoneInfo
) -> None:
    dav = radicale.new_calendar("alice")
    dav.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//phone//EN\r\nBEGIN:VEVENT\r\n"
        "UID:phone-1\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270305T090000Z\r\n"
        "DTEND:20270305T100000Z\r\nSUMMARY:Review\r\nCATEGORIES:Work\r\n"
        "ORGANIZER;CN=Boss:mailto:boss@example.org\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED;CN=Anna:mailto:anna@example.org\r\n"
        "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\n"
        "BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    calendar = CalDavCalendar(dav, timezone=str(tz))
    await calendar.update_event("phone-1", EventPatch(title="Design review"))
    stored = await calendar.fetch("phone-1")
    assert stored is not None
    [vevent] = Calendar.from_ical(stored.resource.data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Design review"
    assert str(vevent["ORGANIZER"]) == "mailto:boss@example.org"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(vevent["X-APPLE-TRAVEL-ADVISORY-BEHAVIOR"]) == "AUTOMATIC"
    assert "CATEGORIES" in vevent
    assert [str(a["ACTION"]) for a in vevent.walk("VALARM")] == ["AUDIO"]
    await calendar.update_event("phone-1", EventPatch(attendees=("bob@example.org",)))
    stored = await calendar.fetch("phone-1")
    assert stored is not None
    [vevent] = Calendar.from_ical(stored.resource.data).walk("VEVENT")
    assert str(vevent["ATTENDEE"]) == "mailto:bob@example.org"
    assert str(vevent["ORGANIZER"]) == "mailto:boss@example.org"
