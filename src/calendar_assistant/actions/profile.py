"""The per-user settings every action needs, resolved once per message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.domain.language import Lang


@dataclass(frozen=True, slots=True)
class UserProfile:
    """A user's stored preferences in the form the executor uses (zone resolved, typed)."""

    user_id: int
    language: Lang
    zone: ZoneInfo
    working_hours: tuple[time, time] = (time(9, 0), time(18, 0))
    working_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    default_duration: timedelta = timedelta(minutes=60)
    default_reminder_minutes: int | None = None
    #: Numeric dates month first (3/4 is March 4) or day first; None: as the zone writes them.
    month_first: bool | None = None
