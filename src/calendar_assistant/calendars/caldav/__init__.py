"""CalDAV calendars on the caldav library: Yandex, iCloud, Nextcloud, Fastmail, Radicale.

The backend's names load on first use, so `presets` (plain data) imports without the caldav
extra installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("calendar_assistant.calendars.caldav.backend"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
