"""Half-open time intervals: the unit of busy time and free slots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open span [start, end) of aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Interval needs aware datetimes")
        # Instants, not wall clocks: two datetimes sharing a tzinfo compare by wall time,
        # so 01:45 EDT → 01:15 EST (half an hour on a fall-back night) would look reversed.
        if self.end.astimezone(UTC) < self.start.astimezone(UTC):
            raise ValueError("Interval ends before it starts")

    @classmethod
    def ordered(cls, start: datetime, end: datetime) -> Interval:
        """An interval from times already known aware and in order (merged busy times):
        without `__post_init__`'s checks, which cost more than the rest for thousands."""
        interval = object.__new__(cls)
        object.__setattr__(interval, "start", start)
        object.__setattr__(interval, "end", end)
        return interval

    @property
    def duration(self) -> timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    def overlaps(self, other: Interval) -> bool:
        start, end = self.start.astimezone(UTC), self.end.astimezone(UTC)
        return start < other.end.astimezone(UTC) and other.start.astimezone(UTC) < end
