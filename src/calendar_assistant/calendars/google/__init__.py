"""Google Calendar over OAuth2 on google-api-python-client (its bundled discovery document)."""

from calendar_assistant.calendars.google.api import GoogleApi, GoogleClientConfig
from calendar_assistant.calendars.google.backend import (
    GoogleCalendar,
    GoogleCalendarInfo,
    list_calendars,
)

__all__ = [
    "GoogleApi",
    "GoogleCalendar",
    "GoogleCalendarInfo",
    "GoogleClientConfig",
    "list_calendars",
]
