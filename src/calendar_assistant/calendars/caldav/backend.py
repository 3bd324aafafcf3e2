"""A CalDAV calendar (Yandex, iCloud, Nextcloud, Fastmail, Radicale) as a CalendarBackend.

Each event id is one resource holding its master and overrides. Every change reads the
resource with its ETag, computes the new document (`series.py`) and PUTs it with If-Match,
so a change made meanwhile by another client is refused (VersionConflict), never
overwritten. The caldav library is synchronous: every request runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import structlog
from caldav.calendarobjectresource import Event as DavEvent
from caldav.collection import Calendar as DavCalendar
from caldav.davclient import DAVClient
from caldav.elements import cdav, dav
from caldav.lib import error as dav_error
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from calendar_assistant.calendars.accounts.errors import ProviderUnavailable, ReconnectNeeded
from calendar_assistant.calendars.base import (
    READ_ONLY,
    CalendarError,
    Capabilities,
    EventNotFound,
    ReadOnlyCalendar,
    VersionConflict,
)
from calendar_assistant.calendars.caldav import documents
from calendar_assistant.calendars.caldav.series import (
    Series,
    deleted,
    from_snapshot,
    new_event,
    updated,
)
from calendar_assistant.calendars.local import DuplicateEvent
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.free_slots import merge_busy
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.domain.series_edits import require_aware, zone_of
from calendar_assistant.net.guard import GuardedSession, OutboundPolicy

T = TypeVar("T")
_log = structlog.get_logger(__name__)
_MARGIN = timedelta(days=1)
#: DAV privileges (RFC 3744) that let a user add, change or remove events in a collection.
_WRITE_PRIVILEGES = frozenset({"all", "write", "write-content", "bind"})
_DAV = "{DAV:}"


@dataclasses.dataclass(frozen=True, slots=True)
class StoredSeries:
    """A series as read from the server, with the resource (URL and ETag) it came from."""

    series: Series
    resource: Any  # caldav.Event: its cached ETag is the If-Match of the next write


@dataclasses.dataclass(frozen=True, slots=True)
class DiscoveredCalendar:
    url: str
    name: str


def open_client(
    url: str,
    username: str,
    password: str,
    *,
    timeout: int = 30,
    policy: OutboundPolicy | None = None,
) -> Any:
    """A caldav client whose every request goes through the guarded session (`net.guard`):
    the URL is a user's, so it may only lead where `policy` allows (by default: public
    https servers). Nothing is sent until the first request."""
    rules = policy if policy is not None else OutboundPolicy()
    client = DAVClient(
        url=url, username=username, password=password, timeout=timeout, enable_rfc6764=False
    )
    client.session.close()
    client.session = GuardedSession(rules)
    return client


async def discover_calendars(client: Any) -> list[DiscoveredCalendar]:
    """The account's event calendars (principal → calendar home → calendars).

    Collections whose `supported-calendar-component-set` lacks VEVENT (task or journal
    lists, e.g. Nextcloud's "Tasks") are left out: they hold no events, and one of them
    must not become the calendar that receives new events.
    """

    def run() -> list[DiscoveredCalendar]:
        principal = client.principal()
        return [
            DiscoveredCalendar(str(c.url), str(c.get_display_name() or c.url))
            for c in principal.calendars()
            if "VEVENT" in {str(name).upper() for name in c.get_supported_components()}
        ]

    return await _call("discover calendars", run)


class CalDavCalendar:
    """One CalDAV calendar collection; `timezone` names all-day and floating events' zone."""

    def __init__(
        self,
        calendar: Any,
        *,
        timezone: str,
        calendar_id: str = "caldav",
        retries: int = 3,
        backoff_seconds: float = 0.5,
    ) -> None:
        zone_of(timezone)
        self._calendar = calendar
        self._timezone = timezone
        self._calendar_id = calendar_id
        self._retries = retries
        self._backoff = backoff_seconds
        self._capabilities: Capabilities | None = None

    @classmethod
    def at_url(
        cls,
        client: Any,
        url: str,
        *,
        timezone: str,
        calendar_id: str,
        retries: int = 3,
        backoff_seconds: float = 0.5,
    ) -> CalDavCalendar:
        return cls(
            DavCalendar(client=client, url=url),
            timezone=timezone,
            calendar_id=calendar_id,
            retries=retries,
            backoff_seconds=backoff_seconds,
        )

    @property
    def capabilities(self) -> Capabilities:
        """From the collection's DAV properties once `load_capabilities` read them; until
        then the default (every write asks first, so nothing is attempted on a read-only one)."""
        return self._capabilities or Capabilities()

    async def load_capabilities(self) -> Capabilities:
        """Read once per instance, in one PROPFIND: `current-user-privilege-set` (no write,
        write-content, bind or all: read-only) and `supported-calendar-component-set` (no
        VEVENT: the collection holds tasks or journals, and the assistant writes nothing
        there). A server that reports neither property is taken as writable for events."""
        if self._capabilities is None:
            self._capabilities = await self._read("read privileges", self._properties)
        return self._capabilities

    def _properties(self) -> Capabilities:
        found = self._calendar.get_properties(
            [dav.CurrentUserPrivilegeSet(), cdav.SupportedCalendarComponentSet()],
            parse_props=False,
        )
        privileges = found.get(dav.CurrentUserPrivilegeSet.tag)
        components = found.get(cdav.SupportedCalendarComponentSet.tag)
        return READ_ONLY if _refuses_events(privileges, components) else Capabilities()

    async def _writable(self) -> None:
        if (await self.load_capabilities()).read_only:
            raise ReadOnlyCalendar(f"caldav calendar {self._calendar_id!r} is read-only")

    # ----------------------------------------------------------------- reading

    async def list_events(self, start: datetime, end: datetime) -> list[Event]:
        """Events overlapping [start, end): the server picks resources, we expand series."""
        require_aware(start, "range start")
        require_aware(end, "range end")
        if end < start:
            raise ValueError("the range ends before it starts")
        if end == start:
            return []

        def run() -> list[str]:
            # A day more on each side: servers place all-day and floating events in UTC.
            # We filter exactly ourselves, so the library's client-side filter is skipped.
            found = self._calendar.search(
                start=start - _MARGIN,
                end=end + _MARGIN,
                event=True,
                expand=False,
                post_filter=False,
            )
            return [str(obj.data) for obj in found]

        found: list[Event] = []
        for data in await self._read("list events", run):
            series = self._parse(data)
            if series is None:
                continue
            try:
                found.extend(series.listed(start, end))
            except ValueError as error:  # a rule we do not expand (e.g. SECONDLY) from elsewhere
                _log.warning("caldav_series_skipped", event_id=series.master.id, error=str(error))
        found.sort(key=lambda e: (e.start, e.end, e.title, e.id))
        return found

    async def get_event(self, event_id: str) -> Event | None:
        stored = await self.fetch(event_id)
        return None if stored is None else stored.series.master

    async def free_busy(self, start: datetime, end: datetime) -> list[Interval]:
        """Busy time from the expanded events (servers' free-busy REPORT support varies)."""
        events = await self.list_events(start, end)
        return merge_busy(Interval(max(e.start, start), min(e.end, end)) for e in events)

    async def snapshot(self, event_id: str) -> list[Event]:
        stored = await self.fetch(event_id)
        return [] if stored is None else stored.series.events()

    async def fetch(self, event_id: str) -> StoredSeries | None:
        """The series stored under `event_id` with its resource, or None."""
        if not event_id or len(event_id) > 255:
            return None

        def run() -> StoredSeries | None:
            resource = DavEvent(
                client=self._calendar.client, url=self._href(event_id), parent=self._calendar
            )
            try:
                resource.load()
            except dav_error.NotFoundError:
                try:
                    resource = self._calendar.get_event_by_uid(event_id)
                    resource.load()
                except dav_error.NotFoundError:
                    return None
            series = self._parse(str(resource.data))
            if series is None or series.master.id != event_id:
                return None
            return StoredSeries(series, resource)

        return await self._read("read event", run)

    # ----------------------------------------------------------------- writing

    async def create_event(self, new: NewEvent) -> Event:
        """Store a new event at a URL made from its id: a retried create never duplicates."""
        await self._writable()
        series = documents.canonical(Series(new_event(new, self._calendar_id)))
        await self._create(series)
        return series.master

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
            tail = documents.canonical(change.split_off)
            await self._create(tail)
            try:
                await self.store(stored, change.series)
            except CalendarError:
                await self._remove(tail.master.id)
                raise
            return tail.master
        await self.store(stored, change.series)
        return dataclasses.replace(
            change.result, rrule=documents.canonical_rrule(change.result.rrule)
        )

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
        if remaining is not None:
            await self.store(stored, remaining)
            return

        def run() -> None:
            stored.resource.delete(if_match=True, precondition="etag")

        await self._conditional(event_id, "delete event", run)

    async def restore(self, event_id: str, snapshot: list[Event]) -> None:
        await self._writable()
        wanted = from_snapshot(event_id, snapshot)
        stored = await self.fetch(event_id)
        if wanted is None:
            if stored is not None:
                await self._remove(event_id)
            return
        if stored is None:
            await self._create(wanted)
        else:
            await self.store(stored, wanted)

    async def store(self, stored: StoredSeries, series: Series) -> None:
        """Write `series` over `stored` only if the resource is unchanged since it was read;
        properties other clients gave the event are kept."""
        await self._writable()
        body = documents.updated_ical(
            series, str(stored.resource.data), default_zone=self._timezone
        )

        def run() -> None:
            stored.resource.save(raw_data=body, increase_seqno=False, precondition="etag")

        await self._conditional(series.master.id, "save event", run)

    # ----------------------------------------------------------------- inside

    def _href(self, event_id: str) -> str:
        base = str(self._calendar.url).rstrip("/")
        return f"{base}/{quote(event_id, safe='@-_.')}.ics"

    def _parse(self, data: str) -> Series | None:
        return _parsed(data, self._timezone, self._calendar_id)

    async def _read(self, what: str, run: Callable[[], T]) -> T:
        """A read, retried with backoff and jitter when the server or network fails.

        Writes are not retried: a conditional PUT whose answer was lost cannot be told apart
        from a change made by someone else, so it is reported instead.
        """
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(self._retries + 1),
            wait=wait_random_exponential(multiplier=self._backoff, max=30),
            retry=retry_if_exception_type(ProviderUnavailable),
            reraise=True,
        ):
            with attempt:
                return await _call(what, run)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _checked(self, event_id: str, expected_version: int | None) -> StoredSeries:
        stored = await self.fetch(event_id)
        if stored is None:
            raise EventNotFound(event_id)
        if expected_version is not None and stored.series.master.version != expected_version:
            raise VersionConflict(stored.series.master)
        return stored

    async def _create(self, series: Series) -> None:
        """PUT with If-None-Match: * — the server refuses an existing URL or UID (RFC 4791
        no-uid-conflict) in the same request, with no search of the calendar first."""
        body = documents.to_ical(series)
        url = self._href(series.master.id)
        headers = {"If-None-Match": "*", "Content-Type": "text/calendar; charset=utf-8"}

        def run() -> int:
            answer = self._calendar.client.put(url, body.decode(), headers)
            return int(answer.status)

        status = await _call("create event", run)
        if status in (409, 412):
            raise DuplicateEvent(series.master.id)
        if status in (401, 403):
            raise ReconnectNeeded("caldav", f"create event: HTTP {status}")
        if status >= 500:
            raise ProviderUnavailable("caldav", f"create event: HTTP {status}")
        if status >= 400:
            raise CalendarError(f"caldav create event: HTTP {status}")

    async def _remove(self, event_id: str) -> None:
        def run() -> None:
            resource = DavEvent(
                client=self._calendar.client, url=self._href(event_id), parent=self._calendar
            )
            resource.delete()

        await _call("delete event", run)

    async def _conditional(self, event_id: str, what: str, run: Callable[[], None]) -> None:
        try:
            await _call(what, run)
        except _Stale:
            current = await self.fetch(event_id)
            if current is None:
                raise EventNotFound(event_id) from None
            raise VersionConflict(current.series.master) from None


def _refuses_events(privileges: Any, components: Any) -> bool:
    """Whether the PROPFIND's answer says no event may be written (None: not reported)."""
    if privileges is not None:
        granted = {
            child.tag.removeprefix(_DAV)
            for privilege in privileges.iter(f"{_DAV}privilege")
            for child in privilege
        }
        if not granted & _WRITE_PRIVILEGES:
            return True
    if components is not None:
        names = {str(comp.get("name", "")).upper() for comp in components.iter()}
        if "VEVENT" not in names:
            return True
    return False


@functools.lru_cache(maxsize=2048)
def _parsed(data: str, default_zone: str, calendar_id: str) -> Series | None:
    """A resource's series; cached by its text, as listings read the same ones again."""
    try:
        return documents.from_ical(data, default_zone=default_zone, calendar_id=calendar_id)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # one unreadable resource must not hide the rest of the calendar


class _Stale(CalendarError):
    """The server answered 412: the resource changed since we read it."""


async def _call(what: str, run: Callable[[], T]) -> T:
    """Run one blocking caldav call in a thread, turning its errors into ours."""
    try:
        return await asyncio.to_thread(run)
    except CalendarError:
        raise
    except (dav_error.ETagMismatchError, dav_error.ScheduleTagMismatchError) as exc:
        raise _Stale(str(exc)) from exc
    except dav_error.AuthorizationError as exc:
        raise ReconnectNeeded("caldav", f"{what}: {exc}") from exc
    except dav_error.NotFoundError as exc:
        raise CalendarError(f"caldav {what}: not found ({exc})") from exc
    except dav_error.DAVError as exc:
        if "412" in str(exc):
            raise _Stale(str(exc)) from exc
        raise ProviderUnavailable("caldav", f"{what}: {exc}") from exc
    except OSError as exc:
        raise ProviderUnavailable("caldav", f"{what}: {exc}") from exc
    except Exception as exc:  # the HTTP stack's own errors (niquests/requests)
        if type(exc).__module__.split(".")[0] in {"niquests", "requests", "urllib3", "httpx"}:
            raise ProviderUnavailable("caldav", f"{what}: {exc}") from exc
        raise
