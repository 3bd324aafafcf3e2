"""The local calendar, kept in the assistant's own database."""

from calendar_assistant.calendars.local.backend import DuplicateEvent, LocalCalendar

__all__ = ["DuplicateEvent", "LocalCalendar"]
