"""How a reminder reads in the chat, and the note on one that comes late."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from calendar_assistant.domain.language import Lang
from calendar_assistant.replies import catalogue

#: Later than this after its due time, a reminder says it is late and why.
LATE_NOTE_AFTER = timedelta(minutes=1)


def reminder_text(
    text: str,
    due: datetime,
    *,
    minutes_before: int | None,
    lang: Lang,
    zone: ZoneInfo,
    now: datetime,
) -> str:
    """«⏰ Напоминание: позвонить маме» or, before an event, its name and start time."""
    if minutes_before is not None:
        start = (due + timedelta(minutes=minutes_before)).astimezone(zone)
        at = format_datetime(start, "HH:mm", locale=lang)
        body = catalogue.text(lang, "reminder_note.starts", text=text, at=at)
    else:
        body = catalogue.text(lang, "reminder_note.reminder", text=text)
    if now - due > LATE_NOTE_AFTER:
        was = format_datetime(due.astimezone(zone), "d MMMM, HH:mm", locale=lang)
        body += catalogue.text(lang, "reminder_note.late", was=was)
    return body
