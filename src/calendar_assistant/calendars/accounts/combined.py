"""All of a user's calendars as one CalendarBackend: read from all, write new events to one.

Events keep the ids their own calendars gave them and carry the calendar in `calendar_id`;
a change to an existing event is routed to the calendar that holds it (remembered from what
was last listed, else asked of each calendar in turn, the default first).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime

from calendar_assistant.calendars.base import (
    CalendarBackend,
    Capabilities,
    EventNotFound,
    capabilities_of,
)
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.free_slots import merge_busy
from calendar_assistant.domain.intervals import Interval


class CombinedCalendar:
    """`members` maps each calendar's id (the `calendar_id` of its events) to its backend."""

    def __init__(self, members: Mapping[str, CalendarBackend], default: str) -> None:
        if default not in members:
            raise ValueError(f"the default calendar {default!r} is not one of the members")
        self._members = dict(members)
        self._default = default
        self._where: dict[str, str] = {}

    @property
    def default_calendar(self) -> str:
        return self._default

    @property
    def members(self) -> Mapping[str, CalendarBackend]:
        return dict(self._members)

    @property
    def capabilities(self) -> Capabilities:
        """The default calendar's: new events go there, and a read-only default is refused
        (the user picks another with /calendars). A change to an event in another calendar
        that is read-only is refused by that calendar itself (`ReadOnlyCalendar`)."""
        return self._members[self._default].capabilities

    async def load_capabilities(self) -> Capabilities:
        return await capabilities_of(self._members[self._default])

    async def list_events(self, start: datetime, end: datetime) -> list[Event]:
        """Every calendar's events, fetched concurrently, in one sorted list."""
        results = await asyncio.gather(
            *(backend.list_events(start, end) for backend in self._members.values())
        )
        found: list[Event] = []
        for key, events in zip(self._members, results, strict=True):
            for event in events:
                self._where[event.id] = key
            found.extend(events)
        found.sort(key=lambda e: (e.start, e.end, e.title, e.id))
        return found

    async def free_busy(self, start: datetime, end: datetime) -> list[Interval]:
        results = await asyncio.gather(
            *(backend.free_busy(start, end) for backend in self._members.values())
        )
        return merge_busy(interval for busy in results for interval in busy)

    async def get_event(self, event_id: str) -> Event | None:
        key = await self._holder(event_id)
        return None if key is None else await self._members[key].get_event(event_id)

    async def create_event(self, new: NewEvent) -> Event:
        event = await self._members[self._default].create_event(new)
        self._where[event.id] = self._default
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
        key = await self._required(event_id)
        changed = await self._members[key].update_event(
            event_id,
            patch,
            scope=scope,
            occurrence=occurrence,
            expected_version=expected_version,
        )
        self._where[changed.id] = key
        return changed

    async def delete_event(
        self,
        event_id: str,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        key = await self._required(event_id)
        await self._members[key].delete_event(
            event_id, scope=scope, occurrence=occurrence, expected_version=expected_version
        )

    async def snapshot(self, event_id: str) -> list[Event]:
        key = await self._holder(event_id)
        return [] if key is None else await self._members[key].snapshot(event_id)

    async def restore(self, event_id: str, snapshot: list[Event]) -> None:
        """Back into the calendar the snapshot came from; [] removes it wherever it is."""
        if snapshot:
            key = snapshot[0].calendar_id
            if key not in self._members:
                raise ValueError(f"the calendar {key!r} of this event is no longer connected")
            await self._members[key].restore(event_id, snapshot)
            self._where[event_id] = key
            return
        holder = await self._holder(event_id)
        if holder is not None:
            await self._members[holder].restore(event_id, [])

    async def _required(self, event_id: str) -> str:
        key = await self._holder(event_id)
        if key is None:
            raise EventNotFound(event_id)
        return key

    async def _holder(self, event_id: str) -> str | None:
        """The calendar holding `event_id`: the remembered one if it still does, else a search."""
        remembered = self._where.get(event_id)
        order = [self._default, *(k for k in self._members if k != self._default)]
        if remembered is not None:
            order.remove(remembered)
            order.insert(0, remembered)
        for key in order:
            if await self._members[key].get_event(event_id) is not None:
                self._where[event_id] = key
                return key
        self._where.pop(event_id, None)
        return None
