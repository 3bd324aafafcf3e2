"""Calls to the Google Calendar API: the official client in a worker thread, with retries.

google-api-python-client is synchronous, so each request runs in `asyncio.to_thread` with its
own HTTP connection (httplib2 is not thread-safe); the event loop never waits on the network.
429, 5xx and timeouts are retried with exponential backoff and full jitter (tenacity); an
expired access token is refreshed by google-auth, and the new token handed to `on_tokens`
so it is stored (encrypted) for the next time; a refused refresh means the user reconnects.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import google.auth.exceptions
import httplib2
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from calendar_assistant.calendars.accounts.errors import ProviderUnavailable, ReconnectNeeded
from calendar_assistant.calendars.google.client_config import GoogleClientConfig

SCOPE = "https://www.googleapis.com/auth/calendar"
_RETRIED_STATUSES = {429, 500, 502, 503, 504}
_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}

TokenSink = Callable[[dict[str, Any]], Awaitable[None]]


class GoogleApi:
    """One Google account's Calendar API; `tokens` as the token endpoint returned them."""

    def __init__(
        self,
        config: GoogleClientConfig,
        tokens: Mapping[str, Any],
        *,
        on_tokens: TokenSink | None = None,
    ) -> None:
        self._config = config
        expiry = tokens.get("expiry")
        self._credentials = Credentials(  # type: ignore[no-untyped-call]
            token=tokens.get("access_token"),
            refresh_token=tokens.get("refresh_token"),
            token_uri=config.token_url,
            client_id=config.client_id,
            client_secret=config.client_secret,
            scopes=[SCOPE],
            # google-auth compares expiry with naive UTC
            expiry=(
                datetime.fromisoformat(expiry).astimezone(UTC).replace(tzinfo=None)
                if expiry
                else None
            ),
        )
        self._saved_token = tokens.get("access_token")
        self._on_tokens = on_tokens
        options = {"api_endpoint": config.api_endpoint} if config.api_endpoint else None
        self._service = build(
            "calendar",
            "v3",
            http=httplib2.Http(timeout=config.timeout_seconds),
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )

    def tokens(self) -> dict[str, Any]:
        """The current tokens, in the form `GoogleApi` takes them."""
        expiry = self._credentials.expiry
        return {
            "access_token": self._credentials.token,
            "refresh_token": self._credentials.refresh_token,
            "expiry": None if expiry is None else expiry.replace(tzinfo=UTC).isoformat(),
        }

    async def call(
        self, what: str, make: Callable[[Any], Any], *, headers: Mapping[str, str] | None = None
    ) -> Any:
        """Build a request from the service with `make`, run it with retries, return its JSON.

        HttpErrors that a retry cannot cure (400, 404, 409, 412) are raised to the caller.
        """
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(self._config.retries + 1),
                wait=wait_random_exponential(multiplier=self._config.backoff_seconds, max=30),
                retry=retry_if_exception(_transient),
                reraise=True,
            ):
                with attempt:
                    result = await asyncio.to_thread(self._execute, make, headers)
        except google.auth.exceptions.RefreshError as error:
            raise ReconnectNeeded("google", f"{what}: {error}") from error
        except HttpError as error:
            if error.status_code == 401:
                raise ReconnectNeeded("google", f"{what}: 401") from error
            if _transient(error):
                raise ProviderUnavailable("google", f"{what}: HTTP {error.status_code}") from error
            raise
        except (OSError, google.auth.exceptions.TransportError, httplib2.HttpLib2Error) as error:
            raise ProviderUnavailable("google", f"{what}: {type(error).__name__}") from error
        if self._on_tokens is not None and self._credentials.token != self._saved_token:
            self._saved_token = self._credentials.token
            await self._on_tokens(self.tokens())
        return result

    def _execute(self, make: Callable[[Any], Any], headers: Mapping[str, str] | None) -> Any:
        http = AuthorizedHttp(
            self._credentials, http=httplib2.Http(timeout=self._config.timeout_seconds)
        )
        request = make(self._service)
        if headers:
            request.headers.update(headers)
        return request.execute(http=http, num_retries=0)


def _transient(error: BaseException) -> bool:
    """Worth another try: rate limits, server errors, timeouts and dropped connections."""
    if isinstance(error, HttpError):
        if error.status_code in _RETRIED_STATUSES:
            return True
        reasons = {d.get("reason") for d in (error.error_details or []) if isinstance(d, dict)}
        return error.status_code == 403 and bool(reasons & _RATE_REASONS)
    if isinstance(error, google.auth.exceptions.RefreshError):
        return False
    return isinstance(
        error,
        TimeoutError
        | socket.timeout
        | ConnectionError
        | httplib2.HttpLib2Error
        | google.auth.exceptions.TransportError,
    )


def status_of(error: HttpError) -> int:
    return int(error.status_code or 0)
