"""ICS export and import work with any backend: a series with a moved and a deleted
occurrence goes from CalDAV to Google and back through a file, unchanged."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.calendars.caldav import CalDavCalendar
from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar
from calendar_assistant.calendars.ics import export_calendar, import_events, read_ics
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from fakes.google_calendar import FakeGoogleCalendar

from ..caldav.conftest import RadicaleServer
from ..contract import at, first_monday, midnight


def _shape(events: list[Event]) -> list[tuple[str, object, object, bool]]:
    return [(e.title, e.start, e.end, e.recurrence_id is not None) for e in events]


async def test_a_series_travels_caldav_to_google_and_back(
    radicale: RadicaleServer, google: FakeGoogleCalendar, api: GoogleApi, tz: ZoneInfo
) -> None:
    google.add_calendar("me@example.org", "Me", str(tz), primary=True)
    dav = CalDavCalendar(radicale.new_calendar("alice"), timezone=str(tz), calendar_id="dav")
    gcal = GoogleCalendar(api, "me@example.org", timezone=str(tz), calendar_id="g")
    monday = first_monday(tz)
    window = (midnight(tz, monday), midnight(tz, monday + timedelta(weeks=5)))
    series = await dav.create_event(
        NewEvent(
            "Standup",
            at(tz, monday, 10),
            at(tz, monday, 10, 30),
            str(tz),
            rrule="FREQ=WEEKLY;COUNT=5",
        )
    )
    week = timedelta(weeks=1)
    await dav.update_event(
        series.id,
        EventPatch(title="Demo", start=at(tz, monday + week, 14)),
        scope=Scope.THIS,
        occurrence=at(tz, monday + week, 10),
    )
    await dav.delete_event(series.id, scope=Scope.THIS, occurrence=at(tz, monday + 3 * week, 10))
    stamp = at(tz, monday, 8)
    original = await dav.list_events(*window)

    to_google = read_ics(
        await export_calendar(dav, *window, stamp=stamp), source="a.ics", default_zone=str(tz)
    )
    assert (await import_events(gcal, to_google)).imported == 1
    assert _shape(await gcal.list_events(*window)) == _shape(original)

    back = read_ics(
        await export_calendar(gcal, *window, stamp=stamp), source="b.ics", default_zone=str(tz)
    )
    other = CalDavCalendar(radicale.new_calendar("alice"), timezone=str(tz), calendar_id="dav2")
    assert (await import_events(other, back)).imported == 1
    assert _shape(await other.list_events(*window)) == _shape(original)
    # importing the same file again skips what is there
    assert (await import_events(gcal, to_google)).skipped_duplicates == 1
