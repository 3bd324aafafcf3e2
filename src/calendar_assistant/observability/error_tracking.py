"""Error tracking with Sentry, on only when SENTRY_DSN is set.

What users write and what their calendars hold is private, so every event and breadcrumb
passes through `scrub_event` / `scrub_breadcrumb` before it leaves the process: no request
bodies, query strings, cookies or headers beyond a few harmless ones; no local variables;
quoted text and SQL parameters cut out of exception messages; bot tokens, bearer tokens
and Fernet tokens masked wherever they appear. The user is an opaque id (a keyed hash of
the channel account), never the chat id or a name.

Sending happens on the SDK's background thread: a capture only queues the event, so an
unreachable DSN never slows a reply (docs/deploy.md has the measurement).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import re
import secrets
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import structlog

from calendar_assistant import __version__
from calendar_assistant.extras import needs
from calendar_assistant.observability.privacy import PRIVATE_TEXT_KEYS, SECRET_KEYS

if TYPE_CHECKING:
    from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

log = structlog.get_logger(__name__)

REDACTED = "[redacted]"
#: Request headers worth keeping on an event; all others (auth, cookies, the webhook secret) go.
SAFE_HEADERS = frozenset({"content-type", "content-length", "user-agent", "accept"})
#: How long shutdown waits for queued events before dropping them.
FLUSH_SECONDS = 2.0

_TOKENS = (
    # The Bot API puts the bot's token in every URL path: `/bot<token>/sendMessage`.
    re.compile(r"(?<=/bot)[^/?#\s]+"),
    # A Telegram bot token, alone or inside a Bot API URL (`/bot123:AA.../sendMessage`).
    re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}"),
    # Authorization values and OAuth tokens.
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"\bya29\.[A-Za-z0-9._-]+"),
    # Fernet tokens (stored credentials) and other long opaque strings.
    re.compile(r"gAAAAA[A-Za-z0-9_=-]{20,}"),
    re.compile(r"[A-Za-z0-9_-]{40,}"),
)
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(\(|\[|$))", re.DOTALL)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»|“[^”]*”")


def scrub_text(text: str) -> str:
    """Cut what a user wrote (quoted values, SQL parameters) and mask tokens.

    Exception messages quote the values they choke on ("no event 'Dentist'") and
    SQLAlchemy appends the statement's parameters: both can hold message text or an
    event's title, so quoted spans and parameter lists go; the shape of the message stays.
    """
    text = _SQL_PARAMETERS.sub("[parameters: redacted]", text)
    text = _QUOTED.sub("'…'", text)
    for pattern in _TOKENS:
        text = pattern.sub(REDACTED, text)
    return text


def scrub_url(url: str) -> str:
    """A URL without its query string or fragment, with tokens in the path masked."""
    return scrub_text(url.split("?", 1)[0].split("#", 1)[0])


def _private_key(key: str) -> bool:
    lowered = key.lower()
    return (
        lowered in PRIVATE_TEXT_KEYS
        or lowered in SECRET_KEYS
        or any(part in lowered for part in ("token", "password", "secret", "key", "title"))
    )


def scrub_mapping(data: dict[str, Any]) -> dict[str, Any]:
    """Private keys dropped, strings scrubbed, nested mappings and lists followed."""
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if _private_key(str(key)):
            continue
        clean[key] = _scrub_value(value)
    return clean


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return scrub_mapping(value)
    if isinstance(value, list | tuple):
        return [_scrub_value(item) for item in value]
    return value


def _scrub_request(request: dict[str, Any]) -> dict[str, Any]:
    headers = request.get("headers") or {}
    return {
        "method": request.get("method"),
        "url": scrub_url(str(request.get("url", ""))),
        "headers": {k: v for k, v in headers.items() if k.lower() in SAFE_HEADERS},
    }


def _scrub_exception(exception: dict[str, Any]) -> None:
    for value in exception.get("values") or []:
        if isinstance(value.get("value"), str):
            value["value"] = scrub_text(value["value"])
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def scrub_event(event: Event, _hint: Hint | None = None) -> Event:
    """Sentry's before_send: keep what debugging needs, drop what a user said or owns."""
    data = cast(dict[str, Any], event)
    if "request" in data:
        data["request"] = _scrub_request(data["request"])
    if "exception" in data:
        _scrub_exception(data["exception"])
    for frame in (data.get("stacktrace") or {}).get("frames") or []:
        frame.pop("vars", None)
    logentry = data.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        if isinstance(logentry.get("message"), str):
            logentry["message"] = scrub_text(logentry["message"])
        if isinstance(logentry.get("formatted"), str):
            logentry["formatted"] = scrub_text(logentry["formatted"])
    if isinstance(data.get("message"), str):
        data["message"] = scrub_text(data["message"])
    if isinstance(data.get("extra"), dict):
        data["extra"] = scrub_mapping(data["extra"])
    user = data.get("user")
    if isinstance(user, dict):
        data["user"] = {"id": user["id"]} if "id" in user else {}
    crumbs = data.get("breadcrumbs")
    if isinstance(crumbs, dict):
        values = [scrub_breadcrumb(cast("Breadcrumb", c)) for c in crumbs.get("values") or []]
        crumbs["values"] = [c for c in values if c is not None]
    return event


def scrub_breadcrumb(crumb: Breadcrumb, _hint: BreadcrumbHint | None = None) -> Breadcrumb:
    """Sentry's before_breadcrumb: HTTP calls keep method and status, never tokens or queries."""
    data: dict[str, Any] = crumb
    if isinstance(data.get("message"), str):
        data["message"] = scrub_text(data["message"])
    details = data.get("data")
    if isinstance(details, dict):
        if isinstance(details.get("url"), str):
            details["url"] = scrub_url(details["url"])
        details.pop("http.query", None)
        details.pop("http.fragment", None)
        data["data"] = {
            k: (v if k == "url" else _scrub_value(v))
            for k, v in details.items()
            if not _private_key(k)
        }
    return crumb


_REPORTED_LEVELS = frozenset({"error", "exception", "critical"})
_LOG_HOUSEKEEPING = frozenset({"event", "exc_info", "timestamp", "level"})


@cache
def _sentry_installed() -> bool:
    """Whether sentry-sdk (the server extra) is there; without it nothing can be tracked."""
    return importlib.util.find_spec("sentry_sdk") is not None


def forward_errors(
    _logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: error logs become Sentry events (with the exception when the
    log has one). The assistant turns most failures into a polite reply and an error log,
    so this is where they surface. A no-op while error tracking is off."""
    if method_name not in _REPORTED_LEVELS or not _sentry_installed():
        return event_dict
    import sentry_sdk

    if not sentry_sdk.get_client().is_active():
        return event_dict
    name = str(event_dict.get("event", "error"))
    exc_info = event_dict.get("exc_info")
    with sentry_sdk.new_scope() as scope:
        fields = {k: v for k, v in event_dict.items() if k not in _LOG_HOUSEKEEPING}
        scope.set_context("log", scrub_mapping(fields))
        scope.set_tag("log_event", name)
        if exc_info:
            sentry_sdk.capture_exception(sys.exc_info() if exc_info is True else exc_info)
        else:
            sentry_sdk.capture_message(name, level="error")
    return event_dict


def opaque_user_id(user_key: str, salt: bytes) -> str:
    """A keyed hash of `telegram:12345`: the same user groups together, the id stays secret.

    Keyed (HMAC) because chat ids are short numbers a plain hash would give back to anyone
    trying them all.
    """
    return hmac.new(salt, user_key.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(slots=True)
class ErrorTracking:
    """The running SDK's handle; a disabled one (no DSN) does nothing."""

    enabled: bool
    salt: bytes

    @contextmanager
    def user_scope(self, channel: str, user_key: str) -> Iterator[None]:
        """While one message is answered, whatever is reported carries its user (opaque)."""
        if not self.enabled:
            yield
            return
        import sentry_sdk

        with sentry_sdk.new_scope() as scope:
            scope.set_user({"id": opaque_user_id(user_key, self.salt)})
            scope.set_tag("channel", channel)
            yield

    def close(self) -> None:
        """Send what is queued (waiting at most FLUSH_SECONDS) and detach the SDK."""
        if not self.enabled:
            return
        import sentry_sdk

        sentry_sdk.get_client().close(timeout=FLUSH_SECONDS)
        sentry_sdk.get_global_scope().set_client(None)
        self.enabled = False


DISABLED = ErrorTracking(enabled=False, salt=b"")


@dataclass(frozen=True, slots=True)
class ErrorTrackingConfig:
    """SENTRY_DSN (none: error tracking is off), the release and environment tags, and the
    key of the opaque user ids (none: random per process)."""

    dsn: str | None = field(default=None, repr=False)
    environment: str = "production"
    release: str | None = None
    user_salt: str | None = field(default=None, repr=False)


def start_error_tracking(config: ErrorTrackingConfig) -> ErrorTracking:
    """Initialise sentry-sdk when SENTRY_DSN is set; call inside the running event loop
    (the asyncio integration hooks the loop it finds)."""
    if config.dsn is None:
        return DISABLED
    with needs("server", feature="Error tracking (SENTRY_DSN)"):
        import sentry_sdk
        from sentry_sdk.integrations.asyncio import AsyncioIntegration
        from sentry_sdk.integrations.fastapi import FastApiIntegration
        from sentry_sdk.integrations.httpx import HttpxIntegration
        from sentry_sdk.integrations.starlette import StarletteIntegration

    sentry_sdk.init(
        dsn=config.dsn,
        release=config.release or f"calendar-assistant@{__version__}",
        environment=config.environment,
        # Collect no user details, bodies, local variables or query parameters at all;
        # before_send still checks what is left.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        # Only what we chose: auto-enabled LLM integrations could record prompts.
        auto_enabling_integrations=False,
        integrations=[
            StarletteIntegration(),
            FastApiIntegration(),
            AsyncioIntegration(),
            HttpxIntegration(),
        ],
    )
    salt = config.user_salt
    key = salt.encode() if salt is not None else secrets.token_bytes(32)
    log.info("error_tracking_started", environment=config.environment)
    return ErrorTracking(enabled=True, salt=key)
