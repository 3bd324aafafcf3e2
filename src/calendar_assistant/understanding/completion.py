"""`complete`: read the answer to a clarifying question (filled in step 3)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from calendar_assistant.domain.commands import Command


def complete(
    pending: Command, text: str, *, now: datetime, tz: ZoneInfo, default_duration_minutes: int = 60
) -> Command | None:
    return None
