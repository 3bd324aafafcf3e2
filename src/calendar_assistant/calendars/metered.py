"""A calendar backend wrapped to time every call and count failures, by backend name."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from calendar_assistant.calendars.accounts.registry import UserCalendar
from calendar_assistant.calendars.base import CalendarBackend, Capabilities
from calendar_assistant.calendars.forwarding import ForwardingCalendar
from calendar_assistant.observability.metrics import Metrics

T = TypeVar("T")


def backend_name(backend: CalendarBackend) -> str:
    """`LocalCalendar` -> "local", `GoogleCalendar` -> "google", `CombinedCalendar` -> "combined"."""
    return type(backend).__name__.removesuffix("Calendar").lower() or "calendar"


class MeteredCalendar(ForwardingCalendar):
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

    async def _forward(self, operation: str, call: Callable[[CalendarBackend], Awaitable[T]]) -> T:
        started = time.perf_counter()
        try:
            return await call(self._inner)
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


def metered(
    calendars: Callable[[int], CalendarBackend], metrics: Metrics
) -> Callable[[int], CalendarBackend]:
    """The same calendar factory, each backend it returns wrapped in a MeteredCalendar."""

    def calendar(user_id: int) -> CalendarBackend:
        return MeteredCalendar(calendars(user_id), metrics)

    return calendar
