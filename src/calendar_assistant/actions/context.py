"""Everything one command runs against: the user's calendar, reminders, profile and clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from calendar_assistant.actions.profile import UserProfile
from calendar_assistant.calendars.base import CalendarBackend


def instant(moment: datetime) -> datetime:
    """The same moment in UTC. Compare and add there: Python compares and subtracts two
    datetimes sharing a tzinfo by wall clock, which is wrong across a DST fold (01:30 EDT
    and 01:30 EST of a fall-back night compare equal)."""
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class PendingReminder:
    """A reminder not yet delivered, as the user can see and remove it."""

    id: int
    text: str
    due: datetime
    event_id: str | None = None
    minutes_before: int | None = None
    rrule: str | None = None  # a repeating reminder's rule; `due` is its next time


class ReminderBook(Protocol):
    """Where standalone and event reminders are kept until a channel delivers them."""

    async def add(
        self,
        *,
        text: str,
        due: datetime,
        event_id: str | None,
        minutes_before: int | None,
        rrule: str | None = None,
    ) -> int:
        """Store a reminder (repeating by `rrule` in the user's zone, from `due`); its id."""
        ...

    async def remove(self, reminder_id: int) -> None:
        """Delete a reminder (used by undo); a missing id is not an error."""
        ...

    async def pending(self) -> list[PendingReminder]:
        """The user's reminders not yet delivered, soonest first."""
        ...


@dataclass(frozen=True, slots=True)
class ActionContext:
    calendar: CalendarBackend
    reminders: ReminderBook
    profile: UserProfile
    now: datetime

    def midnight(self, day: date) -> datetime:
        """The local start of `day` in the user's zone (DST-safe: the zone decides the offset)."""
        return datetime.combine(day, time(0), tzinfo=self.profile.zone)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.profile.zone).date()

    def day_window(self, day: date, days: int = 1) -> tuple[datetime, datetime]:
        return self.midnight(day), self.midnight(day + timedelta(days=days))
