"""Google Calendar event resources ↔ our Event.

Times are written as local wall-clock time with the event's IANA zone (`timeZone`), so Google
shows them in the user's zone and expands a series on its wall clock across DST. Our version
counter and an all-day event's zone travel in private extended properties; a series' deleted
occurrences are EXDATE lines of its `recurrence`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calendar_assistant.domain.events import Event
from calendar_assistant.domain.series_edits import zone_of

VERSION_KEY = "calendarAssistantVersion"
ZONE_KEY = "calendarAssistantZone"
_GOOGLE_ID = re.compile(r"^[a-v0-9]{5,1024}$")


def google_id(requested: str | None, generated: str) -> str:
    """A valid Google event id: the requested one when Google accepts it, else derived from it
    (deterministically, so importing the same file twice finds the same id)."""
    if requested is None:
        return generated
    if _GOOGLE_ID.match(requested):
        return requested
    return "ca" + hashlib.sha256(requested.encode()).hexdigest()[:40]


def instance_id(master: Event, original: datetime) -> str:
    """Google's id of one occurrence: `<series id>_<original start>`."""
    zone = zone_of(master.timezone)
    if master.all_day:
        return f"{master.id}_{original.astimezone(zone):%Y%m%d}"
    return f"{master.id}_{original.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def to_body(event: Event, *, version: int) -> dict[str, Any]:
    """The resource written for `event` (a whole replacement: absent fields are cleared)."""
    body: dict[str, Any] = {
        "summary": event.title,
        "start": _when(event.start, event),
        "end": _when(event.end, event),
        "location": event.location or "",
        "description": event.description or "",
        "attendees": [{"email": a} for a in event.attendees],
        "reminders": {
            "useDefault": False,
            "overrides": [{"method": "popup", "minutes": m} for m in event.reminders],
        },
        "extendedProperties": {"private": {VERSION_KEY: str(version), ZONE_KEY: event.timezone}},
        "status": "confirmed",
    }
    if event.recurrence_id is None and event.rrule is not None:
        body["recurrence"] = [f"RRULE:{event.rrule.removeprefix('RRULE:')}", *_exdate_lines(event)]
    return body


def override_body(master: Event, override: Event, *, version: int) -> dict[str, Any]:
    assert override.recurrence_id is not None
    body = to_body(override, version=version)
    body["recurringEventId"] = master.id
    body["originalStartTime"] = _when(override.recurrence_id, master)
    return body


def from_resource(item: dict[str, Any], *, default_zone: str, calendar_id: str) -> Event:
    """Our event for a resource; an occurrence keeps its series' id and original start."""
    private = (item.get("extendedProperties") or {}).get("private") or {}
    zone_name = _zone_name(item, private, default_zone)
    zone = zone_of(zone_name)
    start = _instant(item["start"], zone)
    end = _instant(item["end"], zone)
    if end <= start:
        end = start + timedelta(minutes=1)  # an instant event; our model needs a length
    rrule: str | None = None
    exdates: tuple[datetime, ...] = ()
    for line in item.get("recurrence") or []:
        if line.startswith("RRULE:") and rrule is None:
            rrule = line.removeprefix("RRULE:")
    if rrule is not None:
        exdates = tuple(sorted(exdates_of(item, zone)))
    recurrence_id = None
    if item.get("recurringEventId") and item.get("originalStartTime"):
        recurrence_id = _instant(item["originalStartTime"], zone)
    version = str(private.get(VERSION_KEY) or "")
    reminders = item.get("reminders") or {}
    return Event(
        id=str(item.get("recurringEventId") or item["id"]),
        title=str(item.get("summary") or "").strip() or "(no title)",
        start=start,
        end=end,
        timezone=zone_name,
        all_day="date" in item["start"],
        rrule=rrule,
        exdates=exdates,
        location=(item.get("location") or "").strip() or None,
        description=(item.get("description") or "").strip() or None,
        attendees=tuple(a["email"] for a in item.get("attendees") or [] if a.get("email")),
        reminders=tuple(
            int(o["minutes"])
            for o in (reminders.get("overrides") or [])
            if not reminders.get("useDefault")
        ),
        recurrence_id=recurrence_id,
        version=int(version) if version.isdigit() else int(item.get("sequence") or 0),
        calendar_id=calendar_id,
    )


def exdates_of(item: dict[str, Any], zone: ZoneInfo) -> list[datetime]:
    found: list[datetime] = []
    for line in item.get("recurrence") or []:
        name, _, values = line.partition(":")
        if not name.startswith("EXDATE"):
            continue
        tzid = re.search(r"TZID=([^;:]+)", name)
        line_zone = zone_of(tzid.group(1)) if tzid else zone
        for value in values.split(","):
            found.append(_basic(value.strip(), line_zone, zone))
    return found


def instant_of(spec: dict[str, Any], zone: ZoneInfo) -> datetime:
    return _instant(spec, zone)


# ---------------------------------------------------------------------- inside


def _when(value: datetime, event: Event) -> dict[str, str]:
    zone = zone_of(event.timezone)
    local = value.astimezone(zone)
    if event.all_day:
        return {"date": local.date().isoformat()}
    return {"dateTime": local.isoformat(), "timeZone": event.timezone}


def _exdate_lines(event: Event) -> list[str]:
    if not event.exdates:
        return []
    zone = zone_of(event.timezone)
    values = sorted(d.astimezone(zone) for d in event.exdates)
    if event.all_day:
        return ["EXDATE;VALUE=DATE:" + ",".join(f"{d:%Y%m%d}" for d in values)]
    return [f"EXDATE;TZID={event.timezone}:" + ",".join(f"{d:%Y%m%dT%H%M%S}" for d in values)]


def _zone_name(item: dict[str, Any], private: dict[str, Any], default_zone: str) -> str:
    for candidate in (item["start"].get("timeZone"), private.get(ZONE_KEY)):
        if candidate:
            try:
                zone_of(str(candidate))
                return str(candidate)
            except ValueError:
                continue
    return default_zone


def _instant(spec: dict[str, Any], zone: ZoneInfo) -> datetime:
    if "date" in spec:
        day = date.fromisoformat(spec["date"])
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC).astimezone(zone)
    value = datetime.fromisoformat(str(spec["dateTime"]).replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone_of(spec.get("timeZone") or str(zone)))
    return value.astimezone(zone)


def _basic(value: str, line_zone: ZoneInfo, zone: ZoneInfo) -> datetime:
    if len(value) == 8:
        day = datetime.strptime(value, "%Y%m%d").replace(tzinfo=zone)
        return day.astimezone(UTC).astimezone(zone)
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).astimezone(zone)
    local = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=line_zone)
    return local.astimezone(UTC).astimezone(zone)
