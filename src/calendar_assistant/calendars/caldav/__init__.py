"""CalDAV calendars on the caldav library: Yandex, iCloud, Nextcloud, Fastmail, Radicale."""

from calendar_assistant.calendars.caldav.backend import (
    CalDavCalendar,
    DiscoveredCalendar,
    StoredSeries,
    discover_calendars,
    open_client,
)

__all__ = [
    "CalDavCalendar",
    "DiscoveredCalendar",
    "StoredSeries",
    "discover_calendars",
    "open_client",
]
