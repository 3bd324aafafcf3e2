"""The fake Google Calendar and OAuth servers, and an API client connected through them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from calendar_assistant.calendars.google import GoogleApi, GoogleClientConfig
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import CLIENT_ID, CLIENT_SECRET, FakeGoogleOAuth

ACCESS = "initial-access-token"


@pytest.fixture
def google() -> Iterator[FakeGoogleCalendar]:
    with FakeGoogleCalendar() as fake:
        yield fake


@pytest.fixture
def google_oauth(google: FakeGoogleCalendar) -> Iterator[FakeGoogleOAuth]:
    with FakeGoogleOAuth(google) as fake:
        yield fake


@pytest.fixture
def client_config(google: FakeGoogleCalendar, google_oauth: FakeGoogleOAuth) -> GoogleClientConfig:
    return GoogleClientConfig(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        token_url=google_oauth.token_url,
        auth_url=google_oauth.auth_url,
        revoke_url=google_oauth.revoke_url,
        redirect_url="http://127.0.0.1:9/oauth/google/callback",
        api_endpoint=google.endpoint,
        retries=3,
        timeout_seconds=2.0,
        backoff_seconds=0.01,
    )


def grant(google_oauth: FakeGoogleOAuth) -> dict[str, Any]:
    """Tokens as if the user had consented (a refresh token and a working access token)."""
    refresh = "refresh-" + str(len(google_oauth.grants))
    google_oauth.grants[refresh] = {ACCESS}
    google_oauth.calendar.tokens.add(ACCESS)
    return {"access_token": ACCESS, "refresh_token": refresh, "expiry": None}


@pytest.fixture
def api(client_config: GoogleClientConfig, google_oauth: FakeGoogleOAuth) -> GoogleApi:
    return GoogleApi(client_config, grant(google_oauth))
