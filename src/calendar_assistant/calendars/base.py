"""The calendar Protocol every backend implements, and the errors it raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.intervals import Interval


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a backend can do, so the assistant never offers what it cannot carry out."""

    recurrence: bool = True
    series_scopes: bool = True
    free_busy: bool = True
    reminders: bool = True
    read_only: bool = False


#: What a calendar that can be read but never written reports.
READ_ONLY = Capabilities(recurrence=False, series_scopes=False, reminders=False, read_only=True)


class CalendarError(Exception):
    """A calendar backend failed; the message is for logs, not for users."""


class ReadOnlyCalendar(CalendarError):
    """The calendar may not be written by this user (shared read-only, free/busy only, or a
    collection that holds no events); raised before anything is sent to the server."""


class EventNotFound(CalendarError):
    def __init__(self, event_id: str) -> None:
        super().__init__(f"no event with id {event_id!r}")
        self.event_id = event_id


class VersionConflict(CalendarError):
    """The event changed since it was read; `current` is its state now."""

    def __init__(self, current: Event) -> None:
        super().__init__(f"event {current.id!r} changed meanwhile (now version {current.version})")
        self.current = current


class CalendarBackend(Protocol):
    """One user's calendar. Times in and out are aware; ends are exclusive."""

    @property
    def capabilities(self) -> Capabilities: ...

    async def list_events(self, start: datetime, end: datetime) -> list[Event]:
        """Events overlapping [start, end), recurring series expanded, sorted by start."""
        ...

    async def get_event(self, event_id: str) -> Event | None:
        """The stored event (a series' master for a recurring one), or None."""
        ...

    async def create_event(self, new: NewEvent) -> Event: ...

    async def update_event(
        self,
        event_id: str,
        patch: EventPatch,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> Event:
        """Change an event; for a series, `scope` and the occurrence's original start say where.

        Raises VersionConflict when `expected_version` no longer matches.
        """
        ...

    async def delete_event(
        self,
        event_id: str,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> None: ...

    async def free_busy(self, start: datetime, end: datetime) -> list[Interval]:
        """Busy intervals inside [start, end), merged and sorted."""
        ...

    async def snapshot(self, event_id: str) -> list[Event]:
        """Everything stored for an event id (a master and its overrides), for undo."""
        ...

    async def restore(self, event_id: str, snapshot: list[Event]) -> None:
        """Put an event id back exactly as a snapshot had it; an empty snapshot removes it."""
        ...


@runtime_checkable
class LearnsCapabilities(Protocol):
    """A backend whose capabilities come from its server (a sharing role, DAV privileges).

    `capabilities` is a property, read synchronously by the actions; such a backend answers
    the optimistic default until `load_capabilities` has asked the server once.
    """

    async def load_capabilities(self) -> Capabilities: ...


async def capabilities_of(calendar: CalendarBackend) -> Capabilities:
    """The calendar's real capabilities, asked of its server when they come from there."""
    if isinstance(calendar, LearnsCapabilities):
        return await calendar.load_capabilities()
    return calendar.capabilities
