"""Google Calendar over OAuth2 on google-api-python-client (its bundled discovery document).

The names load on first use, so importing the package needs no google extra installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from calendar_assistant.extras import needs

if TYPE_CHECKING:
    from calendar_assistant.calendars.google.api import GoogleApi, GoogleClientConfig
    from calendar_assistant.calendars.google.backend import (
        GoogleCalendar,
        GoogleCalendarInfo,
        list_calendars,
    )
    from calendar_assistant.calendars.google.oauth import GoogleConnector
    from calendar_assistant.config import Settings
    from calendar_assistant.storage.database import Database

__all__ = [
    "GoogleApi",
    "GoogleCalendar",
    "GoogleCalendarInfo",
    "GoogleClientConfig",
    "list_calendars",
]
_HOMES = {"GoogleApi": "api", "GoogleClientConfig": "api"}


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{_HOMES.get(name, 'backend')}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def connector_if_configured(database: Database, settings: Settings) -> GoogleConnector | None:
    """The app's Google connector, or None when the settings do not set Google up; the
    google extra is imported only when they do (and then must be installed)."""
    configured = (
        settings.credentials_keys is not None
        and settings.credentials_keys.get_secret_value().strip(", \t")
        and settings.google_client_id
        and settings.google_client_secret
        and settings.google_redirect_url
    )
    if not configured:
        return None
    with needs("google"):
        from calendar_assistant.calendars.google.oauth import google_connector

    return google_connector(database, settings)
