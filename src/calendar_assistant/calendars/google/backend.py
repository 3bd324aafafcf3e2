"""One Google calendar as a CalendarBackend.

Reading uses Google's own expansion (`singleEvents=true`, `orderBy=startTime`) and freeBusy.
A change reads the series (the master and its exceptions), computes the new state with the
same pure rules as CalDAV (`caldav/series.py`), and writes it back: the master with If-Match
on its ETag (a change made meanwhile is refused, never overwritten), then the occurrences
changed alone as exception instances. New events get client-generated ids, so a retried
insert whose first answer was lost finds its own event instead of making a second one.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from googleapiclient.errors import HttpError

from calendar_assistant.calendars.base import (
    READ_ONLY,
    CalendarError,
    Capabilities,
    EventNotFound,
    ReadOnlyCalendar,
    VersionConflict,
)
from calendar_assistant.calendars.caldav.series import (
    Series,
    deleted,
    from_snapshot,
    new_event,
    updated,
)
from calendar_assistant.calendars.google.api import GoogleApi
from calendar_assistant.calendars.google.mapping import (
    from_resource,
    google_id,
    instance_id,
    override_body,
    to_body,
)
from calendar_assistant.calendars.local import DuplicateEvent
from calendar_assistant.domain import recurrence
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.free_slots import merge_busy
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.domain.series_edits import plain_occurrence, require_aware, zone_of

_PAGE = 2500
#: calendarList accessRole values that allow no writes; a freeBusyReader sees no events at all.
_READ_ROLES = frozenset({"reader", "freeBusyReader"})
_BUSY_ONLY = "freeBusyReader"


@dataclasses.dataclass(frozen=True, slots=True)
class GoogleCalendarInfo:
    id: str
    summary: str
    time_zone: str
    primary: bool


@dataclasses.dataclass(frozen=True, slots=True)
class StoredGoogleSeries:
    """A series as read, with the master's ETag (the If-Match of the next write)."""

    series: Series
    etag: str | None
    cancelled: bool = False


async def list_calendars(api: GoogleApi) -> list[GoogleCalendarInfo]:
    """The account's calendars (calendarList), the primary first."""
    answer = await api.call("calendar list", lambda s: s.calendarList().list())
    found = [
        GoogleCalendarInfo(
            id=str(item["id"]),
            summary=str(item.get("summaryOverride") or item.get("summary") or item["id"]),
            time_zone=str(item.get("timeZone") or "UTC"),
            primary=bool(item.get("primary")),
        )
        for item in answer.get("items", [])
    ]
    return sorted(found, key=lambda c: not c.primary)


class GoogleCalendar:
    """The calendar `google_calendar_id` of one account; `timezone` is the user's zone."""

    def __init__(
        self,
        api: GoogleApi,
        google_calendar_id: str,
        *,
        timezone: str,
        calendar_id: str,
        page_size: int = _PAGE,
    ) -> None:
        zone_of(timezone)
        self._page_size = page_size
        self._api = api
        self._gcal = google_calendar_id
        self._timezone = timezone
        self._calendar_id = calendar_id
        self._role: str | None = None

    @property
    def capabilities(self) -> Capabilities:
        """From the calendar's accessRole once `load_capabilities` read it; until then the
        default (every write asks first, so nothing is attempted on a read-only calendar)."""
        return READ_ONLY if self._role in _READ_ROLES else Capabilities()

    async def load_capabilities(self) -> Capabilities:
        """The user's accessRole on this calendar (calendarList.get), read once per instance.

        `owner` and `writer` write; `reader` and `freeBusyReader` are read-only. A calendar
        missing from the user's list (opened by id) counts as writable: Google's 403 on a
        write is then turned into the same refusal.
        """
        if self._role is None:
            self._role = await self._access_role()
        return self.capabilities

    async def _access_role(self) -> str:
        try:
            entry: dict[str, Any] = await self._api.call(
                "calendar entry", lambda s: s.calendarList().get(calendarId=self._gcal)
            )
        except HttpError as error:
            if error.status_code == 404:
                return "unknown"
            raise CalendarError(f"google calendar entry: HTTP {error.status_code}") from error
        return str(entry.get("accessRole") or "unknown")

    async def _writable(self) -> None:
        if (await self.load_capabilities()).read_only:
            raise ReadOnlyCalendar(f"google calendar {self._calendar_id!r} is {self._role}")

    def _refused(self, error: HttpError, what: str) -> CalendarError:
        """Google's 403 `requiredAccessLevel`: the calendar became read-only after its role
        was read (or was not in the user's list); later writes are refused before sending."""
        reasons = {d.get("reason") for d in (error.error_details or []) if isinstance(d, dict)}
        if error.status_code == 403 and "requiredAccessLevel" in reasons:
            self._role = "reader"
            return ReadOnlyCalendar(f"google {what}: the calendar is read-only")
        return CalendarError(f"google {what}: HTTP {error.status_code}")

    async def _busy_only(self) -> bool:
        """A freeBusyReader may not read events: it gives busy time (freeBusy), nothing else."""
        await self.load_capabilities()
        return self._role == _BUSY_ONLY

    # ----------------------------------------------------------------- reading

    async def list_events(self, start: datetime, end: datetime) -> list[Event]:
        require_aware(start, "range start")
        require_aware(end, "range end")
        if end < start:
            raise ValueError("the range ends before it starts")
        if end == start or await self._busy_only():
            return []
        items: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            page = await self._api.call("list events", self._lister(start, end, token))
            items.extend(page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                break
        masters: dict[str, Event | None] = {}
        found: list[Event] = []
        for item in items:
            if item.get("status") == "cancelled":
                continue
            event = self._event(item)
            series_id = item.get("recurringEventId")
            if series_id:
                if series_id not in masters:
                    masters[series_id] = await self.get_event(series_id)
                master = masters[series_id]
                if master is not None:
                    event = dataclasses.replace(
                        event, rrule=master.rrule, exdates=master.exdates, version=master.version
                    )
            found.append(event)
        found.sort(key=lambda e: (e.start, e.end, e.title, e.id))
        return found

    def _lister(self, start: datetime, end: datetime, token: str | None) -> Callable[[Any], Any]:
        def make(service: Any) -> Any:
            return service.events().list(
                calendarId=self._gcal,
                timeMin=_rfc3339(start),
                timeMax=_rfc3339(end),
                singleEvents=True,
                orderBy="startTime",
                maxResults=self._page_size,
                pageToken=token,
            )

        return make

    async def get_event(self, event_id: str) -> Event | None:
        if await self._busy_only():
            return None
        item = await self._get(event_id)
        if item is None or item.get("status") == "cancelled" or item.get("recurringEventId"):
            return None
        return self._event(item)

    async def free_busy(self, start: datetime, end: datetime) -> list[Interval]:
        """Busy time from Google's freeBusy query, merged and clipped to the range."""
        require_aware(start, "range start")
        require_aware(end, "range end")
        if end <= start:
            return []
        answer = await self._api.call(
            "free/busy",
            lambda s: s.freebusy().query(
                body={
                    "timeMin": _rfc3339(start),
                    "timeMax": _rfc3339(end),
                    "timeZone": self._timezone,
                    "items": [{"id": self._gcal}],
                }
            ),
        )
        entry = answer.get("calendars", {}).get(self._gcal, {})
        if entry.get("errors"):
            raise CalendarError(f"google free/busy refused: {entry['errors']}")
        zone = zone_of(self._timezone)
        spans = []
        for busy in entry.get("busy", []):
            low = _parse(busy["start"]).astimezone(zone)
            high = _parse(busy["end"]).astimezone(zone)
            low, high = max(low, start), min(high, end)
            if high > low:
                spans.append(Interval(low, high))
        return merge_busy(spans)

    async def snapshot(self, event_id: str) -> list[Event]:
        stored = await self.fetch(event_id)
        return [] if stored is None or stored.cancelled else stored.series.events()

    async def fetch(self, event_id: str) -> StoredGoogleSeries | None:
        """The master with its exceptions (cancelled ones read as EXDATEs), or None."""
        item = await self._get(event_id)
        if item is None or item.get("recurringEventId"):
            return None
        master = self._event(item)
        cancelled = item.get("status") == "cancelled"
        if master.rrule is None:
            return StoredGoogleSeries(Series(master), item.get("etag"), cancelled)
        answer = await self._api.call(
            "read exceptions",
            lambda s: s.events().list(
                calendarId=self._gcal,
                iCalUID=item.get("iCalUID"),
                showDeleted=True,
                singleEvents=False,
                maxResults=self._page_size,
            ),
        )
        exdates = {d.astimezone(UTC): d for d in master.exdates}
        overrides: list[Event] = []
        for exception in answer.get("items", []):
            if exception.get("recurringEventId") != master.id:
                continue
            override = self._event(exception)
            rid = override.recurrence_id
            if rid is None or rid.astimezone(UTC) in exdates or not _is_occurrence(master, rid):
                continue  # orphaned by a move of the series, or already excluded
            if exception.get("status") == "cancelled":
                exdates[rid.astimezone(UTC)] = rid
                continue
            override = dataclasses.replace(override, version=master.version)
            plain = dataclasses.replace(plain_occurrence(master, rid), rrule=None, exdates=())
            if override != plain:
                overrides.append(override)
        master = dataclasses.replace(master, exdates=tuple(sorted(exdates.values())))
        return StoredGoogleSeries(Series(master, tuple(overrides)), item.get("etag"), cancelled)

    # ----------------------------------------------------------------- writing

    async def create_event(self, new: NewEvent) -> Event:
        """Insert with an id made here: a retry after a lost answer finds the same event."""
        await self._writable()
        event_id = google_id(new.id, uuid.uuid4().hex)
        event = new_event(dataclasses.replace(new, id=event_id), self._calendar_id)
        body = to_body(event, version=event.version) | {"id": event_id}
        if new.id is not None and new.id != event_id:
            body["iCalUID"] = new.id
        try:
            await self._api.call(
                "create event",
                lambda s: s.events().insert(calendarId=self._gcal, body=body),
            )
        except HttpError as error:
            if error.status_code != 409:
                raise self._refused(error, "create") from error
            existing = await self.get_event(event_id)
            if new.id is None and existing is not None and _same(existing, event):
                return existing  # our own insert, whose first answer was lost
            raise DuplicateEvent(new.id or event_id) from error
        return event

    async def update_event(
        self,
        event_id: str,
        patch: EventPatch,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> Event:
        await self._writable()
        stored = await self._checked(event_id, expected_version)
        change = updated(stored.series, patch, scope, occurrence)
        if change.split_off is not None:
            tail = _renamed(change.split_off, uuid.uuid4().hex)  # Google's id alphabet
            await self._insert_series(tail)
            try:
                await self.store(stored, change.series)
            except CalendarError:
                await self._delete_resource(tail.master.id, etag=None)
                raise
            return tail.master
        await self.store(stored, change.series)
        return change.result

    async def delete_event(
        self,
        event_id: str,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        await self._writable()
        stored = await self._checked(event_id, expected_version)
        remaining = deleted(stored.series, scope, occurrence)
        if remaining is None:
            await self._delete_resource(event_id, etag=stored.etag)
        else:
            await self.store(stored, remaining)

    async def restore(self, event_id: str, snapshot: list[Event]) -> None:
        await self._writable()
        wanted = from_snapshot(event_id, snapshot)
        stored = await self.fetch(event_id)
        if wanted is None:
            if stored is not None and not stored.cancelled:
                await self._delete_resource(event_id, etag=None)
            return
        if stored is None:
            await self._insert_series(wanted)
        else:
            await self.store(dataclasses.replace(stored, etag=None), wanted)

    async def store(self, stored: StoredGoogleSeries, series: Series) -> None:
        """Write `series` over what was read: the master only if its ETag still matches.

        Masters and occurrences are patched with the fields we changed, so what we do not
        model (a Meet link, a colour, attachments) is never lost.
        """
        await self._writable()
        master = series.master
        body = to_body(master, version=master.version)
        if not stored.cancelled:
            read = to_body(stored.series.master, version=stored.series.master.version)
            changed: dict[str, Any] = {k: v for k, v in body.items() if read.get(k) != v}
            changed.update(dict.fromkeys(read.keys() - body.keys()))
            body = changed
        headers = {"If-Match": stored.etag} if stored.etag else None
        try:
            await self._api.call(
                "save event",
                lambda s: s.events().patch(calendarId=self._gcal, eventId=master.id, body=body),
                headers=headers,
            )
        except HttpError as error:
            if error.status_code == 412:
                current = await self.get_event(master.id)
                if current is None:
                    raise EventNotFound(master.id) from error
                raise VersionConflict(current) from error
            raise self._refused(error, "save") from error
        if master.rrule is None:
            return
        before = {
            o.recurrence_id.astimezone(UTC): o for o in stored.series.overrides if o.recurrence_id
        }
        now = {o.recurrence_id.astimezone(UTC): o for o in series.overrides if o.recurrence_id}
        excluded = {d.astimezone(UTC) for d in master.exdates}
        for rid, override in now.items():
            if before.get(rid) != override or stored.cancelled:
                await self._patch_instance(master, override, master.version)
        for rid, old in before.items():
            if rid in now or rid in excluded or not _is_occurrence(master, old.recurrence_id):
                continue
            assert old.recurrence_id is not None
            plain = plain_occurrence(master, old.recurrence_id)
            await self._patch_instance(master, plain, master.version)

    # ----------------------------------------------------------------- inside

    def _event(self, item: dict[str, Any]) -> Event:
        return from_resource(item, default_zone=self._timezone, calendar_id=self._calendar_id)

    async def _get(self, event_id: str) -> dict[str, Any] | None:
        if not event_id or len(event_id) > 1024:
            return None
        try:
            item: dict[str, Any] = await self._api.call(
                "read event",
                lambda s: s.events().get(calendarId=self._gcal, eventId=event_id),
            )
        except HttpError as error:
            if error.status_code in (400, 404, 410):
                return None
            raise CalendarError(f"google read: HTTP {error.status_code}") from error
        return item

    async def _checked(self, event_id: str, expected_version: int | None) -> StoredGoogleSeries:
        stored = await self.fetch(event_id)
        if stored is None or stored.cancelled:
            raise EventNotFound(event_id)
        if expected_version is not None and stored.series.master.version != expected_version:
            raise VersionConflict(stored.series.master)
        return stored

    async def _insert_series(self, series: Series) -> None:
        master = series.master
        body = to_body(master, version=master.version) | {"id": master.id}
        try:
            await self._api.call(
                "create event", lambda s: s.events().insert(calendarId=self._gcal, body=body)
            )
        except HttpError as error:
            if error.status_code != 409:
                raise CalendarError(f"google create: HTTP {error.status_code}") from error
            # A cancelled event keeps its id at Google: bring it back instead.
            await self._api.call(
                "restore event",
                lambda s: s.events().patch(calendarId=self._gcal, eventId=master.id, body=body),
            )
        for override in series.overrides:
            await self._patch_instance(master, override, master.version)

    async def _patch_instance(self, master: Event, override: Event, version: int) -> None:
        assert override.recurrence_id is not None
        body = override_body(master, override, version=version)
        target = instance_id(master, override.recurrence_id)
        await self._api.call(
            "save occurrence",
            lambda s: s.events().patch(calendarId=self._gcal, eventId=target, body=body),
        )

    async def _delete_resource(self, event_id: str, *, etag: str | None) -> None:
        headers = {"If-Match": etag} if etag else None
        try:
            await self._api.call(
                "delete event",
                lambda s: s.events().delete(calendarId=self._gcal, eventId=event_id),
                headers=headers,
            )
        except HttpError as error:
            if error.status_code == 412:
                current = await self.get_event(event_id)
                if current is None:
                    raise EventNotFound(event_id) from error
                raise VersionConflict(current) from error
            if error.status_code in (404, 410):
                raise EventNotFound(event_id) from error
            raise self._refused(error, "delete") from error


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _is_occurrence(master: Event, when: datetime | None) -> bool:
    if when is None or master.rrule is None:
        return False
    zone = zone_of(master.timezone)
    return recurrence.is_occurrence(
        master.start, master.rrule, master.timezone, when.astimezone(zone)
    )


def _renamed(series: Series, event_id: str) -> Series:
    return Series(
        dataclasses.replace(series.master, id=event_id),
        tuple(dataclasses.replace(o, id=event_id) for o in series.overrides),
    )


def _same(stored: Event, wanted: Event) -> bool:
    return (stored.title, stored.start, stored.end, stored.rrule) == (
        wanted.title,
        wanted.start,
        wanted.end,
        wanted.rrule,
    )
