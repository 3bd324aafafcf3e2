"""How a reminder reads in the chat, and the note on one that comes late."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from calendar_assistant.domain.language import Lang

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
        body = f"⏰ {text} — начало в {at}" if lang == "ru" else f"⏰ {text} — starts at {at}"
    else:
        body = f"⏰ Напоминание: {text}" if lang == "ru" else f"⏰ Reminder: {text}"
    if now - due > LATE_NOTE_AFTER:
        was = format_datetime(due.astimezone(zone), "d MMMM, HH:mm", locale=lang)
        body += (
            f"\n(С опозданием: было на {was}, сервер был недоступен.)"
            if lang == "ru"
            else f"\n(Late: it was due {was}, while the server was down.)"
        )
    return body
