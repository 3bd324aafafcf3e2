"""What Google adds to the contract: retries, timeouts, tokens, ETags, zones, calendar list."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.accounts.errors import ProviderUnavailable, ReconnectNeeded
from calendar_assistant.calendars.base import VersionConflict, capabilities_of
from calendar_assistant.calendars.google import (
    GoogleApi,
    GoogleCalendar,
    GoogleClientConfig,
    list_calendars,
)
from calendar_assistant.calendars.google.mapping import instance_id
from calendar_assistant.calendars.local import DuplicateEvent
from calendar_assistant.domain.events import EventPatch, NewEvent, Scope
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import FakeGoogleOAuth

from ..contract import at, first_monday, midnight
from .conftest import grant

CAL = "alice@example.org"


@pytest.fixture
def calendar(google: FakeGoogleCalendar, api: GoogleApi, tz: ZoneInfo) -> GoogleCalendar:
    google.add_calendar(CAL, "Alice", str(tz), primary=True)
    google.add_calendar("team@group.calendar.google.com", "Team", "UTC")
    return GoogleCalendar(api, CAL, timezone=str(tz), calendar_id="google")


def _inserts(google: FakeGoogleCalendar) -> int:
    return sum(
        1 for method, path in google.requests if method == "POST" and path.endswith("/events")
    )


def _call(tz: ZoneInfo, day: date = date(2027, 3, 10)) -> NewEvent:
    return NewEvent("Call", at(tz, day, 10), at(tz, day, 11), str(tz))


async def test_times_are_written_in_the_users_zone(
    calendar: GoogleCalendar, google: FakeGoogleCalendar, tz: ZoneInfo
) -> None:
    created = await calendar.create_event(_call(tz))
    stored = google.stored(CAL)[created.id]
    assert stored["start"] == {"dateTime": "2027-03-10T10:00:00" + _offset(tz), "timeZone": str(tz)}
    assert stored["end"]["timeZone"] == str(tz)


def _offset(tz: ZoneInfo) -> str:
    return at(tz, date(2027, 3, 10), 10).isoformat()[-6:]


async def test_rate_limits_and_server_errors_are_retried(
    calendar: GoogleCalendar, google: FakeGoogleCalendar, tz: ZoneInfo
) -> None:
    await capabilities_of(calendar)  # the accessRole is read first, once: the insert is tested
    google.fail_next(429, reason="rateLimitExceeded")
    google.fail_next(500)
    google.fail_next(503)
    created = await calendar.create_event(_call(tz))
    assert _inserts(google) == 4
    assert list(google.stored(CAL)) == [created.id]


async def test_a_google_that_keeps_failing_gives_a_clear_error(
    calendar: GoogleCalendar, google: FakeGoogleCalendar, tz: ZoneInfo
) -> None:
    await capabilities_of(calendar)
    google.requests.clear()
    google.fail_next(500, times=10)
    with pytest.raises(ProviderUnavailable, match="google keeps failing"):
        await calendar.list_events(midnight(tz, date(2027, 3, 10)), midnight(tz, date(2027, 3, 11)))
    assert len(google.requests) == 4  # the first try and three retries


async def test_a_timeout_is_retried(
    google: FakeGoogleCalendar, client_config: GoogleClientConfig, google_oauth: FakeGoogleOAuth
) -> None:
    google.add_calendar(CAL, "Alice", "Europe/Berlin", primary=True)
    quick = dataclasses.replace(client_config, timeout_seconds=0.3)
    calendar = GoogleCalendar(
        GoogleApi(quick, grant(google_oauth)), CAL, timezone="Europe/Berlin", calendar_id="g"
    )
    await capabilities_of(calendar)
    google.requests.clear()
    google.stall_next(1.0)
    day = date(2027, 3, 10)
    berlin = ZoneInfo("Europe/Berlin")
    assert (
        await calendar.list_events(midnight(berlin, day), midnight(berlin, day + timedelta(1)))
        == []
    )
    assert len(google.requests) == 2


async def test_a_retried_insert_whose_answer_was_lost_makes_no_duplicate(
    google: FakeGoogleCalendar, client_config: GoogleClientConfig, google_oauth: FakeGoogleOAuth
) -> None:
    google.add_calendar(CAL, "Alice", "America/New_York", primary=True)
    quick = dataclasses.replace(client_config, timeout_seconds=0.3)
    tz = ZoneInfo("America/New_York")
    calendar = GoogleCalendar(
        GoogleApi(quick, grant(google_oauth)), CAL, timezone=str(tz), calendar_id="g"
    )
    await capabilities_of(calendar)
    google.lose_next_answer(1.0)
    created = await calendar.create_event(_call(tz))
    assert _inserts(google) == 2
    assert list(google.stored(CAL)) == [created.id]
    assert await calendar.get_event(created.id) == created


async def test_the_event_loop_runs_while_google_is_slow(
    calendar: GoogleCalendar, google: FakeGoogleCalendar, tz: ZoneInfo
) -> None:
    google.stall_next(0.6)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    await calendar.list_events(midnight(tz, date(2027, 3, 10)), midnight(tz, date(2027, 3, 11)))
    ticker.cancel()
    assert ticks >= 20


async def test_an_expired_token_is_refreshed_and_stored(
    google: FakeGoogleCalendar,
    google_oauth: FakeGoogleOAuth,
    client_config: GoogleClientConfig,
    tz: ZoneInfo,
) -> None:
    google.add_calendar(CAL, "Alice", str(tz), primary=True)
    saved: list[dict[str, Any]] = []

    async def keep(tokens: dict[str, Any]) -> None:
        saved.append(tokens)

    tokens = grant(google_oauth)
    calendar = GoogleCalendar(
        GoogleApi(client_config, tokens, on_tokens=keep), CAL, timezone=str(tz), calendar_id="g"
    )
    google_oauth.expire_access_tokens()
    await calendar.create_event(_call(tz))
    assert [r["grant_type"] for r in google_oauth.token_requests] == ["refresh_token"]
    assert len(saved) == 1
    assert saved[0]["refresh_token"] == tokens["refresh_token"]
    assert saved[0]["access_token"] != tokens["access_token"]
    assert saved[0]["access_token"] in google.tokens


async def test_a_revoked_grant_asks_the_user_to_reconnect(
    calendar: GoogleCalendar, google_oauth: FakeGoogleOAuth, tz: ZoneInfo
) -> None:
    google_oauth.revoke_everything()
    with pytest.raises(ReconnectNeeded, match="reconnect"):
        await calendar.create_event(_call(tz))


async def test_a_change_made_meanwhile_is_never_overwritten(
    calendar: GoogleCalendar, google: FakeGoogleCalendar, tz: ZoneInfo
) -> None:
    created = await calendar.create_event(_call(tz))
    stale = await calendar.fetch(created.id)
    assert stale is not None
    await calendar.update_event(created.id, EventPatch(title="Renamed elsewhere"))
    late = dataclasses.replace(stale.series.master, title="Mine")
    with pytest.raises(VersionConflict) as caught:
        await calendar.store(stale, dataclasses.replace(stale.series, master=late))
    assert caught.value.current.title == "Renamed elsewhere"
    assert google.stored(CAL)[created.id]["summary"] == "Renamed elsewhere"


async def test_imported_ids_map_to_google_ids_and_never_duplicate(
    calendar: GoogleCalendar, tz: ZoneInfo
) -> None:
    new = dataclasses.replace(_call(tz), id="040000008200E00074C5B7101A82E008@outlook")
    created = await calendar.create_event(new)
    assert created.id != new.id
    with pytest.raises(DuplicateEvent):
        await calendar.create_event(new)


async def test_an_occurrence_deleted_in_google_reads_as_an_exdate(
    calendar: GoogleCalendar, api: GoogleApi, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await calendar.create_event(
        NewEvent(
            "Standup", at(tz, monday, 10), at(tz, monday, 10, 30), str(tz), rrule="FREQ=WEEKLY"
        )
    )
    gone = at(tz, monday + timedelta(weeks=2), 10)
    target = instance_id(series, gone)
    await api.call("x", lambda s: s.events().delete(calendarId=CAL, eventId=target))
    master = (await calendar.snapshot(series.id))[0]
    assert master.exdates == (gone,)
    listed = await calendar.list_events(midnight(tz, monday), midnight(tz, monday + timedelta(28)))
    assert gone not in [e.start for e in listed]
    assert len(listed) == 3
    # and changing one occurrence writes an exception instance, not a new event
    await calendar.update_event(
        series.id, EventPatch(title="Demo"), scope=Scope.THIS, occurrence=listed[0].start
    )
    again = await calendar.list_events(midnight(tz, monday), midnight(tz, monday + timedelta(28)))
    assert [e.title for e in again] == ["Demo", "Standup", "Standup"]
    assert {e.id for e in again} == {series.id}


async def test_calendar_list_and_free_busy_use_their_endpoints(
    calendar: GoogleCalendar, google: FakeGoogleCalendar, api: GoogleApi, tz: ZoneInfo
) -> None:
    calendars = await list_calendars(api)
    assert [(c.id, c.primary) for c in calendars] == [
        (CAL, True),
        ("team@group.calendar.google.com", False),
    ]
    await calendar.create_event(_call(tz))
    day = date(2027, 3, 10)
    busy = await calendar.free_busy(at(tz, day, 10, 30), at(tz, day, 12))
    assert [(b.start, b.end) for b in busy] == [(at(tz, day, 10, 30), at(tz, day, 11))]
    assert ("POST", "/calendar/v3/freeBusy") in google.requests


async def test_long_listings_are_read_page_by_page(
    google: FakeGoogleCalendar, api: GoogleApi, tz: ZoneInfo
) -> None:
    google.add_calendar(CAL, "Alice", str(tz), primary=True)
    calendar = GoogleCalendar(api, CAL, timezone=str(tz), calendar_id="g", page_size=3)
    day = date(2027, 3, 11)
    for hour in range(8, 16):
        await calendar.create_event(
            NewEvent(f"At {hour}", at(tz, day, hour), at(tz, day, hour, 30), str(tz))
        )
    listed = await calendar.list_events(midnight(tz, day), midnight(tz, day + timedelta(1)))
    assert [e.title for e in listed] == [f"At {h}" for h in range(8, 16)]
    pages = [p for m, p in google.requests if m == "GET" and p.endswith("/events")]
    assert len(pages) == 3


async def test_fields_we_do_not_model_survive_our_changes(
    calendar: GoogleCalendar, google: FakeGoogleCalendar, api: GoogleApi, tz: ZoneInfo
) -> None:
    created = await calendar.create_event(_call(tz))
    meet = {"conferenceId": "abc-defg-hij", "entryPoints": [{"uri": "https://meet.google.com/x"}]}
    await api.call(
        "phone edit",
        lambda s: s.events().patch(
            calendarId=CAL,
            eventId=created.id,
            body={"colorId": "5", "conferenceData": meet, "location": "Room 1"},
        ),
    )
    await calendar.update_event(created.id, EventPatch(title="Call with Anna"))
    stored = google.stored(CAL)[created.id]
    assert stored["summary"] == "Call with Anna"
    assert stored["colorId"] == "5"
    assert stored["conferenceData"] == meet
    assert stored["location"] == "Room 1"
    before = await calendar.snapshot(created.id)
    await calendar.delete_event(created.id)
    await calendar.restore(created.id, before)
    assert google.stored(CAL)[created.id]["conferenceData"] == meet
