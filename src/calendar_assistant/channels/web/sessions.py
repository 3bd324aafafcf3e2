"""Web sessions: what the session cookie carries, how it is signed, and who may be signed
in without asking.

The cookie is `itsdangerous`-signed JSON — the user id, their session epoch at sign-in and
the session's CSRF token — with its signing time, so it expires `SESSION_MAX_AGE_HOURS`
after sign-in. It is HttpOnly (no script reads it), SameSite=Lax, and Secure whenever the
site is served over https. A visitor who is not signed in gets a cookie with a CSRF token
and no user, so even the sign-in requests carry a token a third-party page cannot know.

CSRF: every state-changing request (any method but GET, HEAD, OPTIONS) must send the
session's token in the `X-CSRF-Token` header (`CsrfGuard`); the page reads it from
`GET /auth/session`. The token lives in the signed cookie, so neither a forged cookie
nor a cookie set by a sibling domain can supply it. The Telegram webhook is exempt: it is
not called by browsers and checks its own secret header.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import structlog
from fastapi.responses import JSONResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from calendar_assistant.net.loopback import direct_from_loopback, loopback_name

log = structlog.get_logger(__name__)

COOKIE = "calendar_session"
CSRF_HEADER = "x-csrf-token"
_SALT = "calendar-assistant.web-session"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Routes that browsers never call and that prove who calls them otherwise.
CSRF_EXEMPT = frozenset({"/telegram/webhook"})


@dataclass(frozen=True, slots=True)
class WebSession:
    """A decoded cookie: `user_id` is None for a visitor who has not signed in yet."""

    user_id: int | None
    epoch: int
    csrf: str


class SessionCodec:
    """Signs and reads session cookies; time comes from the app's clock (testable expiry)."""

    def __init__(self, secret: str, clock: Callable[[], datetime], max_age: timedelta) -> None:
        class ClockSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock().timestamp())

        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT, signer=ClockSigner)
        self.max_age = max_age

    def dump(self, session: WebSession) -> str:
        return self._serializer.dumps({"u": session.user_id, "e": session.epoch, "c": session.csrf})

    def load(self, value: str | None) -> WebSession | None:
        """The session in a cookie value; None when absent, forged, expired or malformed."""
        if not value:
            return None
        try:
            data: Any = self._serializer.loads(value, max_age=int(self.max_age.total_seconds()))
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        user, epoch, csrf = data.get("u"), data.get("e"), data.get("c")
        if user is not None and not isinstance(user, int):
            return None
        if not isinstance(epoch, int) or not isinstance(csrf, str) or len(csrf) < 16:
            return None
        return WebSession(user_id=user, epoch=epoch, csrf=csrf)

    def from_request(self, request: Request) -> WebSession | None:
        return self.load(request.cookies.get(COOKIE))


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Where this server is reached: PUBLIC_URL (none: a laptop), the other public addresses
    it gives out (the Telegram webhook, Google's redirect), and where it listens."""

    public_url: str | None = None
    other_urls: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8000


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """SESSION_SECRET (none: a key per process) and how long a sign-in lasts."""

    secret: str | None = field(default=None, repr=False)
    max_age_hours: int = 168


def session_codec(
    config: SessionConfig, site: SiteConfig, clock: Callable[[], datetime]
) -> SessionCodec:
    """Signs with SESSION_SECRET, else with a key made for this process only (a laptop:
    a restart signs the local user in again by itself; a public server warns)."""
    secret = config.secret
    if secret is None and public_deployment(site):
        log.warning("session_secret_unset", effect="restarts and other replicas sign users out")
    key = secret if secret is not None else secrets.token_urlsafe(32)
    return SessionCodec(key, clock, timedelta(hours=config.max_age_hours))


def new_session(user_id: int | None, epoch: int = 0) -> WebSession:
    """A fresh session with its own CSRF token (a new one at every sign-in: no fixation)."""
    return WebSession(user_id=user_id, epoch=epoch, csrf=secrets.token_urlsafe(24))


def secure_site(request: Request, site: SiteConfig) -> bool:
    """Cookies are Secure when this request came over https (directly or as the trusted
    proxy says) or the configured public URL is https."""
    return request.url.scheme == "https" or (site.public_url or "").startswith("https://")


def set_session_cookie(
    response: Response, codec: SessionCodec, session: WebSession, *, secure: bool
) -> None:
    response.set_cookie(
        COOKIE,
        codec.dump(session),
        max_age=int(codec.max_age.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def clear_session_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=secure)


def public_deployment(site: SiteConfig) -> bool:
    """A public or webhook URL naming a host other than this machine: a server on the
    internet, where nobody is signed in without proof."""
    urls = (site.public_url, *site.other_urls)
    return any(url and not loopback_name(urlsplit(url).hostname) for url in urls)


def from_this_machine(request: Request, site: SiteConfig) -> bool:
    """The laptop case: the local user is signed in without asking only when no public URL
    is configured, the connection comes from the loopback address, no proxy forwarded it,
    and the Host header names this machine (a DNS-rebinding page cannot borrow it)."""
    if public_deployment(site) or not direct_from_loopback(request):
        return False
    return loopback_name(request.url.hostname)


class CsrfGuard:
    """Refuses (403) every state-changing request whose `X-CSRF-Token` header is not the
    token of its session cookie (ASGI middleware; exempt: `CSRF_EXEMPT`)."""

    def __init__(self, app: ASGIApp, codec: SessionCodec) -> None:
        self.app = app
        self.codec = codec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in _SAFE_METHODS
            or scope.get("path") in CSRF_EXEMPT
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        sent = headers.get(CSRF_HEADER.encode(), b"").decode("latin-1")
        session = self.codec.load(_cookie(headers.get(b"cookie", b"").decode("latin-1")))
        if session is None or not sent or not hmac.compare_digest(sent, session.csrf):
            response = JSONResponse({"detail": "missing or wrong CSRF token"}, status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _cookie(header: str) -> str | None:
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header is no session
        return None
    morsel = jar.get(COOKIE)
    return None if morsel is None else morsel.value
