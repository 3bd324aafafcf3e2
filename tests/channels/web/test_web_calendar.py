"""The calendar view's API: the signed-in user's events in a window, and nobody else's.

The real server in process with its bot polling the fake Bot API; two Telegram users sign
in through the Login Widget's answer (browsers are httpx clients). Events are made by chat
and stored directly through the calendar the assistant uses.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

import web_app
from calendar_assistant.channels.web.calendar_view import EventOut, event_out
from calendar_assistant.domain.events import Event, NewEvent
from calendar_assistant.domain.messages import UserRef
from support import BERLIN

#: The week the view shows at web_app.NOW (Tuesday 24 November 2026, 14:00 in Berlin).
WEEK = {"start": "2026-11-23T00:00:00+01:00", "end": "2026-11-30T00:00:00+01:00"}


async def _store(app: FastAPI, telegram_id: int, new: NewEvent) -> Event:
    """An event stored through the calendar the assistant uses, not through the chat."""
    services = app.state.services
    record = await services.front.desk.user(UserRef(key=f"telegram:{telegram_id}"))
    made: Event = await services.runtime.assistant.calendars(record.id).create_event(new)
    return made


def _at(day: int, hour: int, minutes: int = 60) -> tuple[datetime, datetime]:
    start = datetime(2026, 11, day, hour, 0, tzinfo=BERLIN)
    return start, start + timedelta(minutes=minutes)


async def _week(http: httpx.AsyncClient, **params: str) -> list[dict[str, object]]:
    answer = await http.get("/api/calendar/events", params={**WEEK, **params})
    assert answer.status_code == 200, answer.text
    events: list[dict[str, object]] = answer.json()["events"]
    return events


async def test_each_user_sees_only_their_own_events(
    app: FastAPI, alice: httpx.AsyncClient, bob: httpx.AsyncClient
) -> None:
    said = await alice.post("/api/chat", json={"text": "Lunch with Anna tomorrow at 1pm"})
    assert said.status_code == 200
    assert "Lunch with Anna" in said.text
    await _store(app, 802, NewEvent("Bob's dentist", *_at(25, 9), timezone="Europe/Berlin"))

    mine = await _week(alice)
    assert [(e["title"], e["start"]) for e in mine] == [
        ("Lunch with Anna", "2026-11-25T13:00:00+01:00")
    ]
    theirs = await _week(bob)
    assert [e["title"] for e in theirs] == ["Bob's dentist"]
    # Nothing in the query names a user: the session alone says whose calendar is read.
    assert [e["title"] for e in await _week(alice, user="telegram:802", user_id="2")] == [
        "Lunch with Anna"
    ]


async def test_series_are_expanded_and_all_day_events_are_dates(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    start, end = _at(2, 8, 30)  # Mondays at 08:00 since 2 November
    await _store(
        app, 801, NewEvent("Stand-up", start, end, "Europe/Berlin", rrule="FREQ=WEEKLY;BYDAY=MO")
    )
    day = datetime(2026, 11, 27, tzinfo=BERLIN)
    await _store(app, 801, NewEvent("Offsite", day, day + timedelta(days=2), "Europe/Berlin", True))
    two_weeks = {"start": "2026-11-23T00:00:00", "end": "2026-12-07T00:00:00"}  # user's zone
    answer = await alice.get("/api/calendar/events", params=two_weeks)
    assert answer.status_code == 200
    body = answer.json()
    assert body["timezone"] == "Europe/Berlin"
    assert body["start"] == "2026-11-23T00:00:00+01:00"
    events = body["events"]
    standups = [e for e in events if e["title"] == "Stand-up"]
    assert [e["start"] for e in standups] == [
        "2026-11-23T08:00:00+01:00",
        "2026-11-30T08:00:00+01:00",
    ]
    assert all(e["recurring"] for e in standups)
    assert len({e["id"] for e in standups}) == 2
    assert {e["event_id"] for e in standups} == {standups[0]["event_id"]}
    offsite = next(e for e in events if e["title"] == "Offsite")
    assert (offsite["start"], offsite["end"], offsite["all_day"]) == (
        "2026-11-27",
        "2026-11-29",
        True,
    )


async def test_a_title_with_markup_comes_back_as_data(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    await _store(app, 801, NewEvent(title, *_at(26, 10), timezone="Europe/Berlin"))
    answer = await alice.get("/api/calendar/events", params=WEEK)
    assert answer.headers["content-type"].startswith("application/json")
    assert [e["title"] for e in answer.json()["events"]] == [title]
    assert "default-src 'self'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start": WEEK["start"]},
        {"end": WEEK["end"]},
        {"start": "tomorrow", "end": WEEK["end"]},
        {"start": WEEK["start"], "end": "2026-13-01"},
        {"start": WEEK["end"], "end": WEEK["start"]},  # backwards
        {"start": WEEK["start"], "end": WEEK["start"]},  # empty
        {"start": "2026-01-01", "end": "2026-06-01"},  # over 62 days
        {"start": "2" * 100, "end": WEEK["end"]},
    ],
)
async def test_a_bad_window_is_a_clear_400(
    alice: httpx.AsyncClient, params: dict[str, str]
) -> None:
    answer = await alice.get("/api/calendar/events", params=params)
    assert answer.status_code == 400
    assert answer.json()["detail"]


async def test_without_a_session_nothing_is_read(app: FastAPI) -> None:
    async with web_app.browser(app) as stranger:
        assert (await stranger.get("/api/calendar/events", params=WEEK)).status_code == 401
        assert (await stranger.get("/api/calendar/settings")).status_code == 401


async def test_the_views_settings_are_the_users_zone_and_working_hours(
    alice: httpx.AsyncClient,
) -> None:
    answer = await alice.get("/api/calendar/settings")
    assert answer.status_code == 200
    assert answer.json() == {
        "timezone": "Europe/Berlin",
        "language": "en",
        "now": "2026-11-24T14:00:00+01:00",
        "business_hours": [
            {"days_of_week": [1, 2, 3, 4, 5], "start_time": "09:00", "end_time": "18:00"}
        ],
        "poll_seconds": 20.0,
    }


async def test_the_vendored_calendar_is_served_with_its_licence_and_kept_by_browsers(
    app: FastAPI,
) -> None:
    async with web_app.browser(app) as http:
        script = await http.get("/static/fullcalendar.min.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert "FullCalendar" in script.text
        again = await http.get(
            "/static/fullcalendar.min.js", headers={"If-None-Match": script.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.content == b""
        licence = await http.get("/static/fullcalendar-LICENSE.txt")
        assert "MIT License" in licence.text
        css = await http.get("/static/fullcalendar.css")
        assert ".fc-timegrid" in css.text
        assert "data:" not in css.text  # the icon font the CSP would refuse is left out


def test_an_event_is_written_with_the_documented_fields() -> None:
    """The events API writes plain dicts for speed; the model documents them in /docs."""
    start = datetime(2026, 11, 25, 10, tzinfo=BERLIN)
    shown = event_out(
        Event("e1", "<b>Sync</b>", start, start + timedelta(hours=1), "Europe/Berlin"), BERLIN
    )
    assert set(shown) == set(EventOut.model_fields)
    assert EventOut.model_validate(shown).title == "<b>Sync</b>"
