"""The calendar beside the web chat: the signed-in user's events in a window, as JSON.

The page (calendar.js, FullCalendar) asks for the weeks it shows and again after every
chat turn. Events come through the same calendar Protocol the assistant writes with
(`CalendarBackend.list_events`: recurring series expanded, every connected calendar), so
the view shows what the assistant sees. Titles and places are data: JSON strings the page
puts into the document as text, never as markup.

Times are in the user's time zone (their setting), as wall-clock ISO times with the
offset; all-day events are dates (end exclusive). A window without an offset is read in
the user's zone. A window is at most `MAX_WINDOW` long (a month view asks for six weeks).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from calendar_assistant.calendars.base import CalendarBackend, CalendarError
from calendar_assistant.channels.web.accounts import SessionUser
from calendar_assistant.channels.web.signin import WebAuth
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.messages import UserRef
from calendar_assistant.storage.users import UserRecord, UserSettings

log = structlog.get_logger(__name__)

#: The longest window one request may ask for (a month view shows six weeks).
MAX_WINDOW = timedelta(days=62)
#: The most events one answer carries (a window of a busy calendar stays a small answer).
MAX_EVENTS = 2000


class EventOut(BaseModel):
    """One event, or one occurrence of a recurring series, as the page shows it."""

    id: str = Field(description="unique in the answer: series id @ occurrence for a series")
    event_id: str = Field(description="the stored event's id (a series' id for occurrences)")
    title: str
    start: str = Field(description="ISO time with offset in the user's zone; a date if all-day")
    end: str = Field(description="exclusive; a date (the day after the last) if all-day")
    all_day: bool
    recurring: bool
    location: str | None = None
    calendar: str
    occurrence: str | None = Field(
        default=None,
        description="for an occurrence of a series: its original start, which the event "
        "dialog's change names (POST /api/calendar/events/{event_id}/change)",
    )


class EventsOut(BaseModel):
    timezone: str
    start: str
    end: str
    events: list[EventOut]
    truncated: bool = False


class BusinessHours(BaseModel):
    """Working hours as FullCalendar's businessHours takes them (days 0 = Sunday)."""

    days_of_week: list[int]
    start_time: str
    end_time: str


class ViewSettingsOut(BaseModel):
    """What the page needs before it asks for events: the zone and the working hours."""

    timezone: str
    language: str
    now: str = Field(description="the server's now in the user's zone: the page's today")
    business_hours: list[BusinessHours]
    poll_seconds: float = Field(
        description="how often the page asks GET /api/calendar/version while it is visible"
    )


class VersionOut(BaseModel):
    """The calendar's change stamp: the page fetches its events again when it changes."""

    version: str


def _zone(name: str, fallback: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def _moment(value: str | None, name: str, zone: ZoneInfo) -> datetime:
    """A window bound from the query: ISO date or time; without an offset, in `zone`."""
    if not value:
        raise HTTPException(status_code=400, detail=f"{name} is required (an ISO 8601 time)")
    try:
        text = value.strip()
        if "T" in text:  # an unescaped "+" of an offset arrives as a space
            text = text.replace(" ", "+")
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise HTTPException(
            status_code=400, detail=f"{name} is not an ISO 8601 date or time: {value[:40]!r}"
        ) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def window(start: str | None, end: str | None, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The asked window, checked: both bounds, end after start, at most MAX_WINDOW."""
    if (start is not None and len(start) > 64) or (end is not None and len(end) > 64):
        raise HTTPException(status_code=400, detail="start and end are ISO 8601 times")
    lo, hi = _moment(start, "start", zone), _moment(end, "end", zone)
    if hi <= lo:
        raise HTTPException(status_code=400, detail="end must be after start")
    if hi - lo > MAX_WINDOW:
        raise HTTPException(
            status_code=400, detail=f"the window is at most {MAX_WINDOW.days} days long"
        )
    return lo, hi


def _day(moment: datetime, event_zone: ZoneInfo) -> date:
    return moment.astimezone(event_zone).date()


def event_out(event: Event, zone: ZoneInfo) -> dict[str, object]:
    """An event for the page (`EventOut`'s fields): timed ones in the user's zone, all-day
    ones as their dates.

    A plain dict, not the model: a week of a busy calendar is hundreds of events per
    request, every value is made here from a stored event, and building a model for each
    cost more than reading them (docs/benchmarks.md). A test keeps the keys the model's.
    """
    if event.all_day:
        own = _zone(event.timezone, zone)
        start, end = _day(event.start, own).isoformat(), _day(event.end, own).isoformat()
    else:
        start = event.start.astimezone(zone).isoformat(timespec="seconds")
        end = event.end.astimezone(zone).isoformat(timespec="seconds")
    occurrence = None if event.recurrence_id is None else event.recurrence_id.isoformat()
    return {
        "id": event.id if occurrence is None else f"{event.id}@{occurrence}",
        "event_id": event.id,
        "title": event.title,
        "start": start,
        "end": end,
        "all_day": event.all_day,
        "recurring": event.is_recurring,
        "location": event.location,
        "calendar": event.calendar_id,
        "occurrence": occurrence,
    }


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def business_hours(settings: UserSettings) -> list[BusinessHours]:
    """The user's working hours; hours past midnight (22:00-06:00) are two spans a day."""
    days = sorted(d % 7 for d in settings.working_days)  # ISO 7 (Sunday) is 0 here
    begin, finish = settings.working_hours_start, settings.working_hours_end
    if begin < finish:
        return [BusinessHours(days_of_week=days, start_time=_hhmm(begin), end_time=_hhmm(finish))]
    return [
        BusinessHours(days_of_week=days, start_time=_hhmm(begin), end_time="24:00"),
        BusinessHours(
            days_of_week=sorted((d + 1) % 7 for d in days),
            start_time="00:00",
            end_time=_hhmm(finish),
        ),
    ]


class CalendarView:
    """Reads the signed-in user's calendar for the page; never writes."""

    def __init__(
        self,
        users: Callable[[UserRef], Awaitable[UserRecord]],
        calendars: Callable[[int], CalendarBackend],
        clock: Callable[[], datetime],
        stamps: Callable[[int], Awaitable[str]],
        poll_seconds: float,
    ) -> None:
        self._users = users
        self._calendars = calendars
        self._clock = clock
        self._stamps = stamps
        self._poll_seconds = poll_seconds

    async def _record(self, user: SessionUser) -> UserRecord:
        return await self._users(UserRef(key=user.key, display_name=user.display_name))

    async def settings(self, user: SessionUser) -> ViewSettingsOut:
        settings = (await self._record(user)).settings
        return ViewSettingsOut(
            timezone=settings.timezone,
            language=settings.language,
            now=self._clock().astimezone(ZoneInfo(settings.timezone)).isoformat(timespec="seconds"),
            business_hours=business_hours(settings),
            poll_seconds=self._poll_seconds,
        )

    async def version(self, user: SessionUser) -> VersionOut:
        """The user's change stamp (storage.calendar_stamps): two reads of an index."""
        record = await self._record(user)
        return VersionOut(version=await self._stamps(record.id))

    async def events(self, user: SessionUser, start: str | None, end: str | None) -> bytes:
        """The user's events overlapping the window, in their zone (400 for a bad window),
        as `EventsOut`'s JSON."""
        record = await self._record(user)
        zone = ZoneInfo(record.settings.timezone)
        lo, hi = window(start, end, zone)
        try:
            found = await self._calendars(record.id).list_events(lo, hi)
        except CalendarError as error:
            log.warning("calendar_view_failed", error=type(error).__name__)
            raise HTTPException(status_code=502, detail="the calendar did not answer") from None
        answer = {
            "timezone": record.settings.timezone,
            "start": lo.astimezone(zone).isoformat(timespec="seconds"),
            "end": hi.astimezone(zone).isoformat(timespec="seconds"),
            "events": [event_out(e, zone) for e in found[:MAX_EVENTS]],
            "truncated": len(found) > MAX_EVENTS,
        }
        return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


_SIGNED_IN: dict[int | str, dict[str, object]] = {
    401: {"description": "not signed in: see /signin"}
}


def calendar_router(
    view: Callable[[Request], CalendarView], auth: Callable[[Request], WebAuth]
) -> APIRouter:
    """The calendar view's API; `view` and `auth` find the running parts from the request."""
    router = APIRouter()

    @router.get(
        "/api/calendar/events",
        response_model=EventsOut,
        tags=["web calendar"],
        responses={
            **_SIGNED_IN,
            400: {"description": "start or end missing, not ISO 8601, or too far apart"},
            502: {"description": "the calendar did not answer"},
        },
    )
    async def events(
        request: Request, start: str | None = None, end: str | None = None
    ) -> Response:
        """The signed-in user's events overlapping [start, end) (at most 62 days), recurring
        series expanded, times in the user's zone."""
        user = await auth(request).require(request)
        # Written out once (EventsOut documents it), not built as models and validated.
        return Response(await view(request).events(user, start, end), media_type="application/json")

    @router.get(
        "/api/calendar/settings",
        response_model=ViewSettingsOut,
        tags=["web calendar"],
        responses=_SIGNED_IN,
    )
    async def settings(request: Request) -> ViewSettingsOut:
        """The signed-in user's time zone, language and working hours, for the view."""
        user = await auth(request).require(request)
        return await view(request).settings(user)

    @router.get(
        "/api/calendar/version",
        response_model=VersionOut,
        tags=["web calendar"],
        responses=_SIGNED_IN,
    )
    async def version(request: Request) -> VersionOut:
        """A stamp that changes whenever the signed-in user's calendar changes (here, in
        Telegram, in another tab): the page polls it and fetches events only on a change."""
        user = await auth(request).require(request)
        return await view(request).version(user)

    return router
