"""Events to and from plain JSON, so an undo record can be stored and replayed exactly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from calendar_assistant.domain.events import Event


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"naive datetime in a stored snapshot: {value!r}")
    return parsed


def event_to_json(event: Event) -> dict[str, Any]:
    """Every field of an event as JSON-ready values (times ISO 8601 with offset)."""
    return {
        "id": event.id,
        "title": event.title,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "timezone": event.timezone,
        "all_day": event.all_day,
        "rrule": event.rrule,
        "exdates": [d.isoformat() for d in event.exdates],
        "location": event.location,
        "description": event.description,
        "attendees": list(event.attendees),
        "reminders": list(event.reminders),
        "recurrence_id": _iso(event.recurrence_id),
        "version": event.version,
        "calendar_id": event.calendar_id,
    }


def event_from_json(data: dict[str, Any]) -> Event:
    """The inverse of `event_to_json`; raises ValueError on a malformed record."""
    start, end = _dt(data["start"]), _dt(data["end"])
    if start is None or end is None:
        raise ValueError("snapshot without start or end")
    return Event(
        id=str(data["id"]),
        title=str(data["title"]),
        start=start,
        end=end,
        timezone=str(data["timezone"]),
        all_day=bool(data.get("all_day", False)),
        rrule=data.get("rrule"),
        exdates=tuple(d for d in (_dt(x) for x in data.get("exdates", ())) if d is not None),
        location=data.get("location"),
        description=data.get("description"),
        attendees=tuple(str(a) for a in data.get("attendees", ())),
        reminders=tuple(int(m) for m in data.get("reminders", ())),
        recurrence_id=_dt(data.get("recurrence_id")),
        version=int(data.get("version", 1)),
        calendar_id=str(data.get("calendar_id", "local")),
    )
