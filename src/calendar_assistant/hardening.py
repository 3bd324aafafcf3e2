"""HTTP hardening around every route: the Host header, security headers, body checks, and
errors that are answered in JSON and logged in JSON.

- Trusted hosts: with PUBLIC_URL set, a request whose Host header is not the public host
  (or a webhook's, or TRUSTED_HOSTS, or loopback) gets 400 — links the server builds from
  Host can no longer be poisoned. /healthz, /readyz and /metrics answer any Host (probes
  and scrapers address the pod by its IP). Without PUBLIC_URL (a local install)
  every host is accepted.
- Security headers on every response: a Content-Security-Policy without inline script
  (the web chat's script and style are files under /static; the sign-in page may also
  load Telegram's Login Widget script and frame), frame-ancestors 'none',
  nosniff, no referrer, and a Permissions-Policy that gives the microphone to the site's
  own pages only (voice input). The API docs load Swagger's script from a CDN, so they keep only
  the anti-framing part of the policy.
- Bodies: a JSON body nested deeper than `MAX_JSON_DEPTH` is a 400 before any parser
  recurses into it; a body that does not fit a route's model is a 400 (not FastAPI's 422).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calendar_assistant.channels.bodies import MAX_JSON_DEPTH, json_depth
from calendar_assistant.channels.web.sessions import SiteConfig
from calendar_assistant.net.loopback import direct_from_loopback

log = structlog.get_logger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: The sign-in page may also load the Telegram Login Widget (its script and its frame).
SIGNIN_CSP = CSP.replace(
    "script-src 'self';",
    "script-src 'self' https://telegram.org; frame-src https://oauth.telegram.org;",
)
DOCS_CSP = "frame-ancestors 'none'"
#: The web chat's own page may use the microphone (voice input); no frame of another
#: origin (Telegram's Login Widget) may, and nothing uses the camera.
PERMISSIONS_POLICY = "microphone=(self), camera=()"
_DOCS = ("/docs", "/redoc")
_LOOPBACK = ("localhost", "127.0.0.1", "::1", "[::1]")


@dataclass(frozen=True, slots=True)
class HardeningConfig:
    """Where the site is (its public URL turns the Host check on), the more Host values
    accepted (TRUSTED_HOSTS as written, comma-separated) and the /metrics token."""

    site: SiteConfig = field(default_factory=SiteConfig)
    trusted_hosts: str = ""
    metrics_token: str | None = field(default=None, repr=False)


def metrics_allowed(connection: HTTPConnection, config: HardeningConfig) -> bool:
    """/metrics: with METRICS_TOKEN set, only for `Authorization: Bearer <token>`; without
    it, only for a scraper on this machine (loopback, not through a proxy)."""
    token = config.metrics_token
    if token is None:
        return direct_from_loopback(connection)
    expected = f"Bearer {token}".encode()
    given = connection.headers.get("authorization", "").encode()
    return hmac.compare_digest(given, expected)


def trusted_hosts(config: HardeningConfig) -> list[str] | None:
    """The Host header values accepted, or None (anything) when PUBLIC_URL is not set."""
    if not config.site.public_url:
        return None
    urls = (config.site.public_url, *config.site.other_urls)
    hosts = {urlsplit(url).hostname for url in urls if url}
    hosts.update(h.strip().lower() for h in config.trusted_hosts.split(",") if h.strip())
    hosts.update(_LOOPBACK)
    return sorted(h for h in hosts if h)


#: Probes and scrapers address the pod by its IP: these answer whatever the Host header.
PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class TrustedHosts(TrustedHostMiddleware):
    """Starlette's Host check, except for the operational probes (`PROBE_PATHS`)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path") in PROBE_PATHS:
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


class SecurityHeaders:
    """Adds the security headers to every HTTP response (ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = DOCS_CSP if path.startswith(_DOCS) else CSP
        if path == "/signin":
            policy = SIGNIN_CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def too_deep(headers: list[tuple[bytes, bytes]], body: bytes) -> bool:
    """A JSON body (by its content type) nested deeper than any we accept."""
    kind = dict(headers).get(b"content-type", b"").lower()
    return b"json" in kind and json_depth(body) > MAX_JSON_DEPTH


async def refuse_too_deep(scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse(
        {"detail": f"JSON nested deeper than {MAX_JSON_DEPTH} levels"}, status_code=400
    )
    await response(scope, receive, send)


def install(app: FastAPI, config: HardeningConfig) -> None:
    """Trusted hosts, security headers and the 400/500 error answers on `app`."""

    async def invalid_body(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = [
            {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in error.errors()[:10]
        ]
        log.info("request_rejected", path=request.url.path, problems=len(problems))
        return JSONResponse({"detail": problems}, status_code=400)

    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error(
            "request_failed",
            path=request.url.path,
            error=type(error).__name__,
            exc_info=error,
        )
        return JSONResponse({"detail": "internal error"}, status_code=500)

    app.add_exception_handler(RequestValidationError, invalid_body)
    app.add_exception_handler(Exception, unexpected)
    hosts = trusted_hosts(config)
    if hosts is not None:
        app.add_middleware(TrustedHosts, allowed_hosts=hosts)
    app.add_middleware(SecurityHeaders)  # outermost: refusals carry the headers too
