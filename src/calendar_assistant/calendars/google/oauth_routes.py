"""`GET /oauth/google/callback`: where Google sends the browser back after consent.

The server includes `build_oauth_router(connector_of, clock)`:
- `connector_of(request)` gives the app's GoogleConnector, or None when Google is not
  configured (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URL, CREDENTIALS_KEYS);
- `clock()` is the current aware time (the server's clock; tests pin it).
The page the user sees is plain text-in-HTML: it never echoes the request's parameters.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from calendar_assistant.calendars.accounts.errors import (
    OAuthRefused,
    ProviderUnavailable,
    ReconnectNeeded,
)

if TYPE_CHECKING:  # the connector needs the google extra; these routes do not
    from calendar_assistant.calendars.google.oauth import GoogleConnector

CALLBACK_PATH = "/oauth/google/callback"
_log = structlog.get_logger(__name__)


def _page(status: int, title: str, text: str) -> HTMLResponse:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def build_oauth_router(
    connector_of: Callable[[Request], GoogleConnector | None],
    clock: Callable[[], datetime],
) -> APIRouter:
    router = APIRouter()

    @router.get(CALLBACK_PATH, response_class=HTMLResponse)
    async def google_callback(
        request: Request,
        state: str | None = None,
        code: str | None = None,
        error: str | None = None,
    ) -> HTMLResponse:
        connector = connector_of(request)
        if connector is None:
            return _page(404, "Google Calendar is not set up", "Ask the administrator.")
        if error is not None:
            return _page(400, "Not connected", "Google access was not granted. / Доступ не дан.")
        if not state or not code or len(state) > 2000 or len(code) > 2000:
            return _page(400, "Not connected", "The link is incomplete; ask for a new one.")
        try:
            account = await connector.finish(state=state, code=code, now=clock())
        except OAuthRefused as refused:
            _log.info("google_oauth_refused", reason=refused.reason)
            return _page(400, "Not connected", refused.reason)
        except (ProviderUnavailable, ReconnectNeeded):
            return _page(502, "Not connected", "Google did not answer; try again in a minute.")
        _log.info("google_account_connected", account_id=account.id, user_id=account.user_id)
        return _page(
            200,
            "Google Calendar connected",
            f"{account.label} is connected; go back to the chat. / Календарь подключён.",
        )

    return router
