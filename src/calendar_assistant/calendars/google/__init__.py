"""Google Calendar over OAuth2 on google-api-python-client (its bundled discovery document).

The names load on first use, so importing the package needs no google extra installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from calendar_assistant.extras import needs

if TYPE_CHECKING:
    from calendar_assistant.calendars.google.api import GoogleApi
    from calendar_assistant.calendars.google.backend import (
        GoogleCalendar,
        GoogleCalendarInfo,
        list_calendars,
    )
    from calendar_assistant.calendars.google.client_config import GoogleClientConfig
    from calendar_assistant.calendars.google.oauth import GoogleConnector
    from calendar_assistant.storage.database import Database

__all__ = [
    "GoogleApi",
    "GoogleCalendar",
    "GoogleCalendarInfo",
    "GoogleClientConfig",
    "list_calendars",
]
_HOMES = {"GoogleApi": "api", "GoogleClientConfig": "client_config"}


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{_HOMES.get(name, 'backend')}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def connector_if_configured(
    database: Database, credentials_keys: str | None, client: GoogleClientConfig | None
) -> GoogleConnector | None:
    """The app's Google connector, or None when Google is not set up (no CREDENTIALS_KEYS,
    no OAuth client or no redirect URL); the google extra is imported only when it is (and
    then must be installed)."""
    configured = (
        credentials_keys is not None
        and credentials_keys.strip(", \t")
        and client is not None
        and client.redirect_url
    )
    if not configured:
        return None
    with needs("google"):
        from calendar_assistant.calendars.google.oauth import google_connector

    return google_connector(database, credentials_keys, client)
