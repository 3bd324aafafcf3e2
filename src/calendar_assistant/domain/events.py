"""The one event model every calendar backend reads and writes (end exclusive, RFC 5545)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Scope(StrEnum):
    """Which part of a recurring series a change applies to."""

    THIS = "this"
    FOLLOWING = "following"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Event:
    """A stored event, or one occurrence of a recurring series as a backend lists it.

    For an occurrence produced by expanding a series, `id` is the series id and
    `recurrence_id` is the occurrence's original start (RFC 5545 RECURRENCE-ID).
    All-day events start and end at local midnight of `timezone`.
    """

    id: str
    title: str
    start: datetime
    end: datetime
    timezone: str
    all_day: bool = False
    rrule: str | None = None
    exdates: tuple[datetime, ...] = ()
    location: str | None = None
    description: str | None = None
    attendees: tuple[str, ...] = ()
    reminders: tuple[int, ...] = ()
    recurrence_id: datetime | None = None
    version: int = 1
    calendar_id: str = "local"

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Event times must be timezone-aware")
        # Compared as instants: two datetimes sharing a tzinfo compare by wall clock, so
        # 01:30 EDT → 01:30 EST on a fall-back night would look like no time at all.
        if self.end.astimezone(UTC) <= self.start.astimezone(UTC):
            raise ValueError("An event must end after it starts")

    @property
    def is_recurring(self) -> bool:
        return self.rrule is not None or self.recurrence_id is not None


@dataclass(frozen=True, slots=True)
class NewEvent:
    """What is needed to create an event; the backend assigns id and version."""

    title: str
    start: datetime
    end: datetime
    timezone: str
    all_day: bool = False
    rrule: str | None = None
    location: str | None = None
    description: str | None = None
    attendees: tuple[str, ...] = ()
    reminders: tuple[int, ...] = ()
    id: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Event times must be timezone-aware")
        # Compared as instants: two datetimes sharing a tzinfo compare by wall clock, so
        # 01:30 EDT → 01:30 EST on a fall-back night would look like no time at all.
        if self.end.astimezone(UTC) <= self.start.astimezone(UTC):
            raise ValueError("An event must end after it starts")


@dataclass(frozen=True, slots=True)
class EventPatch:
    """The fields of an event a change sets; None leaves a field as it is."""

    title: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    location: str | None = None
    description: str | None = None
    reminders: tuple[int, ...] | None = None
    attendees: tuple[str, ...] | None = field(default=None)
