"""Rows of the `events` table and `Event`s, each made from the other.

One place for the stored form: the times in UTC with the zone beside them, a series' span
end computed on write so a window's query needs no expansion, and the EXDATEs as ISO text.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from calendar_assistant.domain import recurrence
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.series_edits import from_wall, wall, zone_of


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def span_end(event: Event) -> datetime | None:
    """When the last occurrence ends; None for a series with no (known) end."""
    if event.rrule is None:
        return event.end
    last = recurrence.last_occurrence(event.start, event.rrule, event.timezone)
    if last is None:
        return None
    if event.all_day:
        zone = zone_of(event.timezone)
        days = (wall(event.end, zone).date() - wall(event.start, zone).date()).days
        return from_wall(wall(last, zone) + timedelta(days=max(1, days)), zone)
    return recurrence.plus_elapsed(last, recurrence.elapsed(event.start, event.end))


def event_of(row: Any, *, version: int | None = None) -> Event:
    """An Event from an ORM row or a Core row (both have the columns as attributes)."""
    zone = zone_of(row.timezone)
    # Most rows have no exdates, attendees or reminders: () without a generator each.
    exdates = row.exdates
    return Event(
        id=row.event_id,
        title=row.title,
        start=row.start_utc.astimezone(zone),
        end=row.end_utc.astimezone(zone),
        timezone=row.timezone,
        all_day=row.all_day,
        rrule=row.rrule,
        exdates=(
            tuple(datetime.fromisoformat(d).astimezone(zone) for d in exdates) if exdates else ()
        ),
        location=row.location,
        description=row.description,
        attendees=tuple(row.attendees) if row.attendees else (),
        reminders=tuple(row.reminders) if row.reminders else (),
        recurrence_id=(
            None if row.recurrence_id_utc is None else row.recurrence_id_utc.astimezone(zone)
        ),
        version=row.version if version is None else version,
        calendar_id=row.calendar_id,
    )


def columns_of(event: Event, calendar_id: str) -> dict[str, Any]:
    """The stored form of `event`: every column but the row's own id, user and stamps."""
    zone_of(event.timezone)
    rrule = None if event.recurrence_id is not None else event.rrule
    return {
        "event_id": event.id,
        "recurrence_id_utc": event.recurrence_id,
        "calendar_id": calendar_id,
        "title": event.title,
        "start_utc": event.start,
        "end_utc": event.end,
        "timezone": event.timezone,
        "all_day": event.all_day,
        "rrule": rrule,
        "span_end_utc": span_end(dataclasses.replace(event, rrule=rrule)),
        "exdates": sorted(iso(d) for d in event.exdates),
        "location": event.location,
        "description": event.description,
        "attendees": list(event.attendees),
        "reminders": list(event.reminders),
        "version": event.version,
    }
