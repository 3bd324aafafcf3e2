"""A calendar backend wrapped to time every call and count failures, by backend name."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from calendar_assistant.calendars.accounts.registry import UserCalendar
from calendar_assistant.calendars.base import CalendarBackend, Capabilities
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.observability.metrics import Metrics

T = TypeVar("T")


def backend_name(backend: CalendarBackend) -> str:
    """`LocalCalendar` -> "local", `GoogleCalendar` -> "google", `CombinedCalendar` -> "combined"."""
    return type(backend).__name__.removesuffix("Calendar").lower() or "calendar"


class MeteredCalendar:
    """Delegates to the real backend; the metrics see latency and errors per operation."""

    def __init__(self, inner: CalendarBackend, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    @property
    def _backend(self) -> str:
        """The label: the concrete backend's name, known after a user's calendar resolved."""
        inner = self._inner
        if isinstance(inner, UserCalendar) and inner.current is not None:
            return backend_name(inner.current)
        return backend_name(inner)

    async def _timed(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        started = time.perf_counter()
        try:
            return await call()
        except Exception:
            self._metrics.calendar_errors.labels(self._backend, operation).inc()
            raise
        finally:
            self._metrics.calendar_seconds.labels(self._backend, operation).observe(
                time.perf_counter() - started
            )

    @property
    def capabilities(self) -> Capabilities:
        return self._inner.capabilities

    async def list_events(self, start: datetime, end: datetime) -> list[Event]:
        return await self._timed("list_events", lambda: self._inner.list_events(start, end))

    async def get_event(self, event_id: str) -> Event | None:
        return await self._timed("get_event", lambda: self._inner.get_event(event_id))

    async def create_event(self, new: NewEvent) -> Event:
        return await self._timed("create_event", lambda: self._inner.create_event(new))

    async def update_event(
        self,
        event_id: str,
        patch: EventPatch,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> Event:
        return await self._timed(
            "update_event",
            lambda: self._inner.update_event(
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
        await self._timed(
            "delete_event",
            lambda: self._inner.delete_event(
                event_id, scope=scope, occurrence=occurrence, expected_version=expected_version
            ),
        )

    async def free_busy(self, start: datetime, end: datetime) -> list[Interval]:
        return await self._timed("free_busy", lambda: self._inner.free_busy(start, end))

    async def snapshot(self, event_id: str) -> list[Event]:
        return await self._timed("snapshot", lambda: self._inner.snapshot(event_id))

    async def restore(self, event_id: str, snapshot: list[Event]) -> None:
        await self._timed("restore", lambda: self._inner.restore(event_id, snapshot))


def metered(
    calendars: Callable[[int], CalendarBackend], metrics: Metrics
) -> Callable[[int], CalendarBackend]:
    """The same calendar factory, each backend it returns wrapped in a MeteredCalendar."""

    def calendar(user_id: int) -> CalendarBackend:
        return MeteredCalendar(calendars(user_id), metrics)

    return calendar
