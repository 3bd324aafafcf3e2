"""A fake Google Calendar v3 HTTP server for tests: the far side of the wire, in memory.

It speaks the subset of the REST API the client library calls (calendarList, events list /
get / insert / update / patch / delete / instances, freeBusy), honours timeMin, timeMax,
singleEvents, orderBy, showDeleted, iCalUID and paging, expands recurrences with dateutil
(RRULE and EXDATE lines, exceptions keyed `<id>_<original start>`), checks bearer tokens and
If-Match, and fails on demand (an HTTP status, or a stall longer than the client's timeout).
A calendar can be shared with the user as `reader` or `freeBusyReader` (its calendarList
`accessRole`): writes to its events are then refused with 403 `requiredAccessLevel`, as
Google does.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

_PREFIX = "/calendar/v3/"
_ID = re.compile(r"^[a-v0-9]{5,1024}$")


@dataclass
class Failure:
    status: int
    reason: str
    stall_seconds: float = 0.0
    after: bool = False


@dataclass
class FakeCalendar:
    id: str
    summary: str
    time_zone: str
    primary: bool = False
    access_role: str = "owner"
    events: dict[str, dict[str, Any]] = field(default_factory=dict)


class GoogleApiError(Exception):
    def __init__(self, status: int, message: str, reason: str = "invalid") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class FakeGoogleCalendar:
    """Start with `with FakeGoogleCalendar() as fake:`; `fake.endpoint` is the API base URL."""

    def __init__(self) -> None:
        self.calendars: dict[str, FakeCalendar] = {}
        self.tokens: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[dict[str, Any]] = []
        self._failures: deque[Failure] = deque()
        self._lock = threading.RLock()
        self._etag = 0
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ control

    def __enter__(self) -> FakeGoogleCalendar:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_PUT(self) -> None:
                fake._handle(self, "PUT")

            def do_PATCH(self) -> None:
                fake._handle(self, "PATCH")

            def do_DELETE(self) -> None:
                fake._handle(self, "DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def __exit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def endpoint(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{_PREFIX}"

    def add_calendar(
        self,
        calendar_id: str,
        summary: str,
        time_zone: str,
        *,
        primary: bool = False,
        access_role: str = "owner",
    ) -> None:
        """`access_role`: owner, writer, reader or freeBusyReader (a calendar shared with
        the user, as Google's calendarList reports it)."""
        with self._lock:
            self.calendars[calendar_id] = FakeCalendar(
                calendar_id, summary, time_zone, primary, access_role
            )

    def share(self, calendar_id: str, access_role: str) -> None:
        """Change the user's role on a calendar (its owner shares it differently)."""
        with self._lock:
            self.calendars[calendar_id].access_role = access_role

    def writes(self) -> list[tuple[str, str]]:
        """The requests that asked to change an event (insert, update, patch, delete)."""
        return [(m, p) for m, p in self.requests if m != "GET" and "/events" in p]

    def fail_next(self, status: int, *, times: int = 1, reason: str = "backendError") -> None:
        """The next `times` requests answer `status` (429, 500, 401, ...)."""
        self._failures.extend(Failure(status, reason) for _ in range(times))

    def stall_next(self, seconds: float, *, times: int = 1) -> None:
        """The next `times` requests wait `seconds` before answering (a client timeout)."""
        self._failures.extend(Failure(0, "stall", seconds) for _ in range(times))

    def lose_next_answer(self, seconds: float) -> None:
        """The next request is carried out, but its answer comes `seconds` late (lost)."""
        self._failures.append(Failure(0, "lost", seconds, after=True))

    def stored(self, calendar_id: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            return json.loads(json.dumps(self.calendars[calendar_id].events))

    # ------------------------------------------------------------------ HTTP

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        self.requests.append((method, url.path))
        failure = self._failures.popleft() if self._failures else None
        if failure is not None and failure.stall_seconds and not failure.after:
            time.sleep(failure.stall_seconds)
        elif failure is not None:
            self._send(handler, failure.status, _error(failure.status, failure.reason, "injected"))
            return
        auth = handler.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            self._send(handler, 401, _error(401, "authError", "Invalid Credentials"))
            return
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
            if body:
                self.bodies.append(body)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            parts = [unquote(p) for p in url.path.removeprefix(_PREFIX).split("/") if p]
            with self._lock:
                status, answer = self._route(
                    method, parts, query, body, handler.headers.get("If-Match")
                )
        except GoogleApiError as error:
            self._send(handler, error.status, _error(error.status, error.reason, str(error)))
            return
        except (ValueError, KeyError) as error:
            self._send(handler, 400, _error(400, "invalid", f"bad request: {error}"))
            return
        if failure is not None and failure.after:
            time.sleep(failure.stall_seconds)
        self._send(handler, status, answer)

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json; charset=UTF-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a stall longer than its timeout)

    def _route(
        self,
        method: str,
        parts: list[str],
        query: dict[str, str],
        body: dict[str, Any],
        if_match: str | None,
    ) -> tuple[int, Any]:
        if parts == ["users", "me", "calendarList"] and method == "GET":
            return 200, self._calendar_list()
        if parts[:3] == ["users", "me", "calendarList"] and len(parts) == 4 and method == "GET":
            listed = self.calendars.get(parts[3])
            if listed is None:
                raise GoogleApiError(404, "Not Found", "notFound")
            return 200, _list_entry(listed)
        if parts == ["freeBusy"] and method == "POST":
            return 200, self._free_busy(body)
        if len(parts) >= 3 and parts[0] == "calendars" and parts[2] == "events":
            calendar = self.calendars.get(parts[1])
            if calendar is None:
                raise GoogleApiError(404, "Not Found", "notFound")
            if method != "GET" and calendar.access_role not in ("owner", "writer"):
                raise GoogleApiError(
                    403, "You need to have writer access to this calendar.", "requiredAccessLevel"
                )
            if len(parts) == 3 and method == "GET":
                return 200, self._list(calendar, query)
            if len(parts) == 3 and method == "POST":
                return 200, self._insert(calendar, body)
            if len(parts) == 4:
                event_id = parts[3]
                if method == "GET":
                    return 200, self._get(calendar, event_id, visible_only=False)
                if method in ("PUT", "PATCH"):
                    return 200, self._write(calendar, event_id, body, method, if_match)
                if method == "DELETE":
                    self._delete(calendar, event_id, if_match)
                    return 204, None
            if len(parts) == 5 and parts[4] == "instances" and method == "GET":
                return 200, self._instances(calendar, parts[3], query)
        raise GoogleApiError(404, f"no route {method} {'/'.join(parts)}", "notFound")

    # ------------------------------------------------------------------ resources

    def _calendar_list(self) -> dict[str, Any]:
        return {
            "kind": "calendar#calendarList",
            "items": [_list_entry(c) for c in self.calendars.values()],
        }

    def _next_etag(self) -> str:
        self._etag += 1
        return f'"{self._etag}"'

    def _insert(self, calendar: FakeCalendar, body: dict[str, Any]) -> dict[str, Any]:
        event_id = body.get("id") or f"fake{self._etag + 1:08d}"
        if not _ID.match(event_id):
            raise GoogleApiError(400, "Invalid resource id value.", "invalid")
        if event_id in calendar.events:
            raise GoogleApiError(409, "The requested identifier already exists.", "duplicate")
        _check_times(body)
        event = dict(body)
        event.update(
            id=event_id,
            status="confirmed",
            etag=self._next_etag(),
            iCalUID=body.get("iCalUID") or f"{event_id}@google.com",
            sequence=0,
            kind="calendar#event",
        )
        calendar.events[event_id] = event
        return event

    def _get(self, calendar: FakeCalendar, event_id: str, *, visible_only: bool) -> dict[str, Any]:
        event = calendar.events.get(event_id)
        if event is None and "_" in event_id:
            master_id, suffix = event_id.rsplit("_", 1)
            master = calendar.events.get(master_id)
            if master is not None and master.get("recurrence"):
                original = _from_suffix(suffix, master, calendar)
                if original in _occurrences(master, calendar, None, None, limit=original):
                    return _instance(master, original, calendar)
        if event is None or (visible_only and event["status"] == "cancelled"):
            raise GoogleApiError(404, "Not Found", "notFound")
        return event

    def _write(
        self,
        calendar: FakeCalendar,
        event_id: str,
        body: dict[str, Any],
        method: str,
        if_match: str | None,
    ) -> dict[str, Any]:
        current = self._get(calendar, event_id, visible_only=False)
        if if_match is not None and if_match != current.get("etag"):
            raise GoogleApiError(412, "Precondition Failed", "conditionNotMet")
        event = _merged(current, body) if method == "PATCH" else {**_kept(current), **body}
        _check_times(event)
        event.update(
            id=event_id,
            etag=self._next_etag(),
            sequence=int(current.get("sequence", 0)) + 1,
            status=body.get("status", "confirmed"),
        )
        calendar.events[event_id] = event
        return event

    def _delete(self, calendar: FakeCalendar, event_id: str, if_match: str | None) -> None:
        current = self._get(calendar, event_id, visible_only=True)
        if if_match is not None and if_match != current.get("etag"):
            raise GoogleApiError(412, "Precondition Failed", "conditionNotMet")
        # Google keeps deleted events as cancelled (their ids stay taken).
        calendar.events[event_id] = {**current, "status": "cancelled", "etag": self._next_etag()}
        if current.get("recurrence"):
            for other in calendar.events.values():
                if other.get("recurringEventId") == event_id:
                    other["status"] = "cancelled"

    def _list(self, calendar: FakeCalendar, query: dict[str, str]) -> dict[str, Any]:
        single = query.get("singleEvents") == "true"
        if query.get("orderBy") == "startTime" and not single:
            raise GoogleApiError(400, "orderBy=startTime needs singleEvents", "badRequest")
        low = _parse_instant(query["timeMin"]) if "timeMin" in query else None
        high = _parse_instant(query["timeMax"]) if "timeMax" in query else None
        show_deleted = query.get("showDeleted") == "true"
        uid = query.get("iCalUID")
        items: list[dict[str, Any]] = []
        for event in calendar.events.values():
            if uid is not None and event.get("iCalUID") != uid:
                continue
            if event["status"] == "cancelled" and not (show_deleted and not single):
                continue
            if single and event.get("recurringEventId"):
                continue  # exceptions come out of their series' expansion
            if single and event.get("recurrence"):
                items.extend(self._expanded(event, calendar, low, high))
            elif _overlaps(event, calendar, low, high):
                items.append(event)
        if query.get("orderBy") == "startTime":
            items.sort(key=lambda e: _bounds(e, calendar)[0])
        return _page(items, query, "calendar#events", calendar.time_zone)

    def _instances(self, calendar: FakeCalendar, event_id: str, query: dict[str, str]) -> Any:
        master = self._get(calendar, event_id, visible_only=True)
        if not master.get("recurrence"):
            raise GoogleApiError(400, "not a recurring event", "badRequest")
        low = _parse_instant(query["timeMin"]) if "timeMin" in query else None
        high = _parse_instant(query["timeMax"]) if "timeMax" in query else None
        items = self._expanded(master, calendar, low, high)
        return _page(items, query, "calendar#events", calendar.time_zone)

    def _expanded(
        self,
        master: dict[str, Any],
        calendar: FakeCalendar,
        low: datetime | None,
        high: datetime | None,
    ) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        start, end = _bounds(master, calendar)
        span = end - start
        for original in _occurrences(master, calendar, low - span if low else None, high):
            exception = calendar.events.get(f"{master['id']}_{_suffix(master, original, calendar)}")
            if exception is not None:
                if exception["status"] != "cancelled" and _overlaps(exception, calendar, low, high):
                    found.append(exception)
                continue
            instance = _instance(master, original, calendar)
            if _overlaps(instance, calendar, low, high):
                found.append(instance)
        return found

    def _free_busy(self, body: dict[str, Any]) -> dict[str, Any]:
        low, high = _parse_instant(body["timeMin"]), _parse_instant(body["timeMax"])
        answer: dict[str, Any] = {}
        for item in body.get("items", []):
            calendar = self.calendars.get(item["id"])
            if calendar is None:
                answer[item["id"]] = {"errors": [{"domain": "global", "reason": "notFound"}]}
                continue
            spans = []
            listed = self._list(
                calendar,
                {"timeMin": body["timeMin"], "timeMax": body["timeMax"], "singleEvents": "true"},
            )["items"]
            for event in listed:
                if event.get("transparency") == "transparent":
                    continue
                start, end = _bounds(event, calendar)
                spans.append((max(start, low), min(end, high)))
            merged: list[list[datetime]] = []
            for start, end in sorted(spans):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            answer[item["id"]] = {
                "busy": [{"start": _rfc3339(s), "end": _rfc3339(e)} for s, e in merged]
            }
        return {"kind": "calendar#freeBusy", "timeMin": body["timeMin"], "calendars": answer}


# ---------------------------------------------------------------------- time


def _list_entry(calendar: FakeCalendar) -> dict[str, Any]:
    return {
        "kind": "calendar#calendarListEntry",
        "id": calendar.id,
        "summary": calendar.summary,
        "timeZone": calendar.time_zone,
        "primary": calendar.primary,
        "accessRole": calendar.access_role,
    }


def _error(status: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}],
        }
    }


def _merged(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Patch semantics: objects merge field by field, arrays and values are replaced."""
    result = dict(current)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merged(result[key], value)
        elif value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def _kept(current: dict[str, Any]) -> dict[str, Any]:
    """What an update (PUT) keeps of the stored event: server-owned fields only."""
    keep = ("id", "iCalUID", "kind", "recurringEventId", "originalStartTime", "etag", "sequence")
    return {k: v for k, v in current.items() if k in keep}


def _parse_instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no offset")
    return value.astimezone(UTC)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(spec: dict[str, Any], calendar: FakeCalendar) -> datetime:
    if "date" in spec:
        zone = ZoneInfo(calendar.time_zone)
        return datetime.combine(date.fromisoformat(spec["date"]), datetime.min.time(), zone)
    value = datetime.fromisoformat(spec["dateTime"].replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(spec["timeZone"]))
    return value


def _check_times(event: dict[str, Any]) -> None:
    for key in ("start", "end"):
        spec = event.get(key)
        if not isinstance(spec, dict) or not ("date" in spec or "dateTime" in spec):
            raise GoogleApiError(400, f"Missing {key} time.", "required")
        if "timeZone" in spec:
            ZoneInfo(spec["timeZone"])


def _bounds(event: dict[str, Any], calendar: FakeCalendar) -> tuple[datetime, datetime]:
    return (
        _moment(event["start"], calendar).astimezone(UTC),
        _moment(event["end"], calendar).astimezone(UTC),
    )


def _overlaps(
    event: dict[str, Any], calendar: FakeCalendar, low: datetime | None, high: datetime | None
) -> bool:
    start, end = _bounds(event, calendar)
    return (high is None or start < high) and (low is None or end > low)


def _series_zone(master: dict[str, Any], calendar: FakeCalendar) -> ZoneInfo:
    return ZoneInfo(master["start"].get("timeZone") or calendar.time_zone)


def _local_start(master: dict[str, Any], calendar: FakeCalendar) -> datetime:
    """DTSTART of the series: naive for all-day, else aware in the series' zone."""
    if "date" in master["start"]:
        return datetime.combine(date.fromisoformat(master["start"]["date"]), datetime.min.time())
    return _moment(master["start"], calendar).astimezone(_series_zone(master, calendar))


def _occurrences(
    master: dict[str, Any],
    calendar: FakeCalendar,
    low: datetime | None,
    high: datetime | None,
    *,
    limit: datetime | None = None,
) -> Iterator[datetime]:
    """Original starts (UTC) of a series in [low, high), EXDATE lines removed."""
    start = _local_start(master, calendar)
    zone = _series_zone(master, calendar)
    all_day = start.tzinfo is None
    excluded: set[datetime] = set()
    rules = []
    for line in master.get("recurrence", []):
        name, _, value = line.partition(":")
        if name.startswith("RRULE"):
            rules.append(_with_until(value, all_day, zone))
        elif name.startswith("EXDATE"):
            tzid = re.search(r"TZID=([^;:]+)", name)
            for item in value.split(","):
                excluded.add(_exdate(item, all_day, ZoneInfo(tzid.group(1)) if tzid else zone))
    for rule_text in rules:
        rule = rrulestr(rule_text, dtstart=start)
        for found in rule:
            real = (
                datetime.combine(found.date(), datetime.min.time(), ZoneInfo(calendar.time_zone))
                if all_day
                else found.astimezone(UTC).astimezone(zone)
            ).astimezone(UTC)
            if (high is not None and real >= high) or (limit is not None and real > limit):
                break
            if (low is not None and real < low) or real in excluded:
                continue
            yield real
            if high is None and limit is None:
                break


def _with_until(rule: str, all_day: bool, zone: ZoneInfo) -> str:
    """dateutil wants UNTIL in UTC for an aware DTSTART and naive for a naive one."""
    match = re.search(r"UNTIL=([0-9TZ]+)", rule)
    if match is None:
        return rule
    value = match.group(1)
    if all_day:
        fixed = value[:8] + ("T235959" if len(value) == 8 else value[8:15])
    elif len(value) == 8:
        local_end = datetime.strptime(value + "235959", "%Y%m%d%H%M%S").replace(tzinfo=zone)
        fixed = local_end.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    else:
        fixed = value if value.endswith("Z") else value + "Z"
    return rule.replace(f"UNTIL={value}", f"UNTIL={fixed}")


def _exdate(item: str, all_day: bool, zone: ZoneInfo) -> datetime:
    item = item.strip()
    if len(item) == 8:
        day = date(int(item[:4]), int(item[4:6]), int(item[6:8]))
        return datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
    if item.endswith("Z"):
        return datetime.strptime(item, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(item, "%Y%m%dT%H%M%S").replace(tzinfo=zone).astimezone(UTC)


def _suffix(master: dict[str, Any], original: datetime, calendar: FakeCalendar) -> str:
    if "date" in master["start"]:
        return original.astimezone(ZoneInfo(calendar.time_zone)).strftime("%Y%m%d")
    return original.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _from_suffix(suffix: str, master: dict[str, Any], calendar: FakeCalendar) -> datetime:
    if len(suffix) == 8:
        day = date(int(suffix[:4]), int(suffix[4:6]), int(suffix[6:8]))
        zone = ZoneInfo(calendar.time_zone)
        return datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
    return datetime.strptime(suffix, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def _instance(master: dict[str, Any], original: datetime, calendar: FakeCalendar) -> dict[str, Any]:
    """One plain occurrence of a series, as events.list(singleEvents=true) gives it."""
    instance = {k: v for k, v in master.items() if k not in ("recurrence", "id", "etag")}
    start, end = _bounds(master, calendar)
    if "date" in master["start"]:
        zone = ZoneInfo(calendar.time_zone)
        first = original.astimezone(zone).date()
        days = (
            date.fromisoformat(master["end"]["date"]) - date.fromisoformat(master["start"]["date"])
        ).days
        instance["start"] = {"date": first.isoformat()}
        instance["end"] = {"date": (first + timedelta(days=days)).isoformat()}
        instance["originalStartTime"] = {"date": first.isoformat()}
    else:
        zone = _series_zone(master, calendar)
        name = master["start"].get("timeZone")
        begin = original.astimezone(zone)
        finish = (original + (end - start)).astimezone(zone)
        instance["start"] = {"dateTime": begin.isoformat(), **({"timeZone": name} if name else {})}
        instance["end"] = {"dateTime": finish.isoformat(), **({"timeZone": name} if name else {})}
        instance["originalStartTime"] = dict(instance["start"])
    instance["id"] = f"{master['id']}_{_suffix(master, original, calendar)}"
    instance["recurringEventId"] = master["id"]
    instance["etag"] = master["etag"]
    return instance


def _page(items: list[dict[str, Any]], query: dict[str, str], kind: str, zone: str) -> Any:
    size = min(int(query.get("maxResults", 250)), 2500)
    offset = int(query.get("pageToken", "0"))
    page: dict[str, Any] = {"kind": kind, "timeZone": zone, "items": items[offset : offset + size]}
    if offset + size < len(items):
        page["nextPageToken"] = str(offset + size)
    return page
