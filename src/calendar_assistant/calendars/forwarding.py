"""A calendar that hands every call to another backend, for wrappers that add one step.

A wrapper (a user's calendar resolved on first use, the metered calendar) must offer the
whole `CalendarBackend` protocol; spelling out each method in every wrapper repeated the same
forwarding, so it is written once here and a wrapper says only what it does around a call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from calendar_assistant.calendars.base import CalendarBackend, Capabilities, capabilities_of
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.intervals import Interval

T = TypeVar("T")


class ForwardingCalendar(ABC):
    """Every backend operation forwarded, by name, through `_forward`."""

    @property
    @abstractmethod
    def capabilities(self) -> Capabilities: ...

    @abstractmethod
    async def _forward(self, operation: str, call: Callable[[CalendarBackend], Awaitable[T]]) -> T:
        """Run `call` on the backend behind this one; `operation` names it for the wrapper."""

    async def load_capabilities(self) -> Capabilities:
        """The inner backend's real capabilities (asked of its server when they come from it)."""
        return await self._forward("capabilities", capabilities_of)

    async def list_events(self, start: datetime, end: datetime) -> list[Event]:
        return await self._forward("list_events", lambda inner: inner.list_events(start, end))

    async def get_event(self, event_id: str) -> Event | None:
        return await self._forward("get_event", lambda inner: inner.get_event(event_id))

    async def create_event(self, new: NewEvent) -> Event:
        return await self._forward("create_event", lambda inner: inner.create_event(new))

    async def update_event(
        self,
        event_id: str,
        patch: EventPatch,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> Event:
        return await self._forward(
            "update_event",
            lambda inner: inner.update_event(
                event_id,
                patch,
                scope=scope,
                occurrence=occurrence,
                expected_version=expected_version,
            ),
        )

    async def delete_event(
        self,
        event_id: str,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        await self._forward(
            "delete_event",
            lambda inner: inner.delete_event(
                event_id, scope=scope, occurrence=occurrence, expected_version=expected_version
            ),
        )

    async def free_busy(self, start: datetime, end: datetime) -> list[Interval]:
        return await self._forward("free_busy", lambda inner: inner.free_busy(start, end))

    async def snapshot(self, event_id: str) -> list[Event]:
        return await self._forward("snapshot", lambda inner: inner.snapshot(event_id))

    async def restore(self, event_id: str, snapshot: list[Event]) -> None:
        await self._forward("restore", lambda inner: inner.restore(event_id, snapshot))
