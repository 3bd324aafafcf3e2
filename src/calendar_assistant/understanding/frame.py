"""The SPEC.md §3 frame of a Command and the §3b frame of a TimeSpan (JSON-ready dicts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from calendar_assistant.domain.commands import Command
from calendar_assistant.understanding.timeexpr.span import TimeSpan


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def command_frame(command: Command) -> dict[str, Any]:
    """SPEC §3: offsets in the user's zone; an all-day event's start/end as dates."""
    if command.all_day and command.start is not None and command.end is not None:
        start: str | None = command.start.date().isoformat()
        end: str | None = command.end.date().isoformat()
    else:
        start, end = _iso(command.start), _iso(command.end)
    target = None
    missing = [m.value for m in command.missing]
    said = command.target
    if said is not None and said.previous and not (said.title or said.start or said.range_start):
        # «удали это» alone cannot say which event: a conversation knows, one message does not
        missing.append("target")
    elif command.target is not None:
        target = {
            "title": command.target.title,
            "start": _iso(command.target.start),
            "range_start": _iso(command.target.range_start),
            "range_end": _iso(command.target.range_end),
        }
    changes = None
    if command.changes is not None:
        changes = {
            key: value
            for key, value in {
                "start": _iso(command.changes.start),
                "end": _iso(command.changes.end),
                "title": command.changes.title,
                "location": command.changes.location,
                "duration_minutes": command.changes.duration_minutes,
                # moves by an amount (no SPEC key of their own; present only when said)
                "shift_minutes": command.changes.shift_minutes,
                "end_shift_minutes": command.changes.end_shift_minutes,
            }.items()
            if value is not None
        }
    frame = {
        "intent": command.intent.value,
        "lang": command.lang,
        "title": command.title,
        "start": start,
        "end": end,
        "all_day": command.all_day,
        "day": command.day.isoformat() if command.day else None,
        "range_start": _iso(command.range_start),
        "range_end": _iso(command.range_end),
        "duration_minutes": command.duration_minutes,
        "recurrence": command.recurrence,
        "reminder_minutes_before": command.reminder_minutes_before,
        "target": target,
        "changes": changes,
        "location": command.location,
        "attendees": list(command.attendees),
        "missing": missing,
        "confidence": command.confidence,
    }
    if command.reminder_day_offset is not None:  # beyond SPEC §3: "the night before <event>"
        frame["reminder_day_offset"] = command.reminder_day_offset
        frame["reminder_at"] = command.reminder_at.isoformat() if command.reminder_at else None
    return frame


def span_frame(span: TimeSpan | None) -> dict[str, Any]:
    """SPEC §3b: kind, start, end, grain (and duration_seconds for a duration)."""
    if span is None:
        return {"kind": None, "start": None, "end": None, "grain": None}
    frame: dict[str, Any] = {
        "kind": span.kind,
        "start": _iso(span.start),
        "end": _iso(span.end),
        "grain": span.grain,
    }
    if span.duration_seconds is not None:
        frame["duration_seconds"] = span.duration_seconds
    if span.recurrence is not None:
        frame["recurrence"] = span.recurrence
    return frame
