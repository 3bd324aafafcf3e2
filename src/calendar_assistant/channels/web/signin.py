"""Signing in to the web app, and who each web request speaks for.

Three ways in, all ending in the same signed session cookie (channels.web.sessions):

- A one-time link the bot sends on `/web` in Telegram: `<public URL>/signin#link=<token>`.
  The token sits in the fragment, which browsers never send to a server, so a link
  preview, a proxy log or a Referer never sees it; the sign-in page's script posts it to
  `POST /auth/link`, where it is redeemed once (channels.web.accounts).
- The Telegram Login Widget, shown when TELEGRAM_BOT_USERNAME is set: Telegram sends the
  browser back to `/signin?id=…&hash=…`, and the page posts those fields to
  `POST /auth/telegram`, where the hash and `auth_date` are checked (telegram_login).
- On a laptop install, the local user is signed in without asking, but only as
  `sessions.from_this_machine` allows (no public URL, loopback, no proxy, loopback Host).

Sign-in attempts are counted per client address with the project's rate limiter. Every
`/api` route asks for a session (401 JSON without one); the chat page redirects to
`/signin`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from calendar_assistant.channels.rate_limit import (
    InProcessRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    Verdict,
)
from calendar_assistant.channels.redis_fallback import RedisFallback
from calendar_assistant.channels.web.accounts import SessionUser, WebAccounts
from calendar_assistant.channels.web.sessions import (
    SessionCodec,
    SiteConfig,
    WebSession,
    clear_session_cookie,
    from_this_machine,
    new_session,
    secure_site,
    set_session_cookie,
)
from calendar_assistant.channels.web.telegram_login import verify
from calendar_assistant.conversation.messages import UserRef
from calendar_assistant.domain.language import Lang
from calendar_assistant.storage.users import UserRecord

log = structlog.get_logger(__name__)

#: The one user of a laptop install: the person at this machine.
LOCAL_USER = UserRef(key="web:local", display_name="Local user")
SIGNIN_PATH = "/signin"

Resolve = Callable[[UserRef], Awaitable[UserRecord]]


@dataclass(frozen=True, slots=True)
class SigninConfig:
    """What sign-in reads: where the site is, the bot (its token checks the Login Widget's
    answers; none: no widget and no links), how old a widget answer may be, how long a
    `/web` link works, and the attempts per client address and minute."""

    site: SiteConfig = field(default_factory=SiteConfig)
    telegram_bot_token: str | None = field(default=None, repr=False)
    telegram_bot_username: str | None = None
    telegram_login_max_age_seconds: int = 600
    link_minutes: int = 10
    attempts_per_minute: int = 10


def signin_limiter(
    per_minute: int,
    redis_url: str | None,
    redis_retry_seconds: float,
    on_outage: Callable[[str], None],
) -> RateLimiter:
    """Sign-in attempts per client address: in Redis when REDIS_URL is set (every replica
    counts together), in process otherwise or while Redis is away."""
    if not redis_url:
        return InProcessRateLimiter(per_minute)
    guard = RedisFallback("signin_limiter", retry_after=redis_retry_seconds, on_outage=on_outage)
    return RedisRateLimiter(redis_url, per_minute, guard=guard)


class LinkIn(BaseModel):
    token: str = Field(min_length=1, max_length=128)


class WidgetIn(BaseModel):
    """The Login Widget's fields as Telegram sent them (all strings, all signed)."""

    fields: dict[str, str] = Field(max_length=16)


class WebAuth:
    """Reads and issues sessions; the routes and the chat ask it who is speaking."""

    def __init__(
        self,
        config: SigninConfig,
        accounts: WebAccounts,
        codec: SessionCodec,
        limiter: RateLimiter,
        resolve: Resolve,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.accounts = accounts
        self.codec = codec
        self._limiter = limiter
        self._resolve = resolve
        self._clock = clock

    async def current(self, request: Request) -> SessionUser | None:
        """The signed-in user, when the cookie is ours, fresh, and of their current epoch."""
        session = self.codec.from_request(request)
        if session is None or session.user_id is None:
            return None
        user = await self.accounts.session_user(session.user_id)
        if user is None or user.epoch != session.epoch:
            return None
        return user

    async def require(self, request: Request) -> SessionUser:
        """The signed-in user, or 401 (for the API routes)."""
        user = await self.current(request)
        if user is None:
            raise HTTPException(status_code=401, detail="sign in first (see /signin)")
        return user

    async def local_session(self, request: Request) -> tuple[SessionUser, WebSession] | None:
        """The local user's new session, when this request may have one without asking."""
        if not from_this_machine(request, self.config.site):
            return None
        record = await self._resolve(LOCAL_USER)
        user = await self.accounts.session_user(record.id)
        if user is None:  # pragma: no cover - only if deleted in between
            return None
        return user, new_session(user.id, user.epoch)

    def issue(self, request: Request, response: Response, session: WebSession) -> None:
        set_session_cookie(
            response, self.codec, session, secure=secure_site(request, self.config.site)
        )

    async def allowed(self, request: Request) -> bool:
        """One sign-in attempt from this address counted; False when over the limit."""
        address = request.client.host if request.client is not None else "unknown"
        verdict = await self._limiter.check(f"signin:{address}", self._clock())
        if verdict is not Verdict.ALLOWED:
            log.warning("signin_rate_limited")
        return verdict is Verdict.ALLOWED

    async def sign_in(self, request: Request, user_id: int, how: str) -> JSONResponse:
        """A new session for `user_id` (a new CSRF token too: nothing carried over)."""
        user = await self.accounts.session_user(user_id)
        if user is None:
            return JSONResponse({"detail": "no such user"}, status_code=401)
        response = JSONResponse({"user": {"name": user.display_name}})
        self.issue(request, response, new_session(user.id, user.epoch))
        log.info("web_signed_in", how=how)
        return response

    async def by_link(self, token: str) -> int | None:
        return await self.accounts.redeem_link(token, self._clock())

    async def by_widget(self, fields: dict[str, str]) -> int | None:
        token = self.config.telegram_bot_token
        if token is None:
            return None
        max_age = timedelta(seconds=self.config.telegram_login_max_age_seconds)
        login = verify(fields, token, self._clock(), max_age)
        if login is None:
            return None
        ref = UserRef(key=f"telegram:{login.telegram_id}", display_name=login.display_name)
        return (await self._resolve(ref)).id

    async def sign_out_everywhere(self, user: SessionUser) -> None:
        await self.accounts.end_all_sessions(user.id, self._clock())


def link_base(site: SiteConfig) -> str:
    """Where links point: the public URL, else this machine's own address."""
    if site.public_url:
        return site.public_url.rstrip("/")
    host = site.host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://{host}:{site.port}"


class WebLinks:
    """The bot's answer to `/web`: a one-time sign-in link for the user writing."""

    def __init__(
        self, config: SigninConfig, accounts: WebAccounts, clock: Callable[[], datetime]
    ) -> None:
        self._config = config
        self._accounts = accounts
        self._clock = clock

    async def answer(self, user_id: int, lang: Lang) -> str:
        minutes = self._config.link_minutes
        token = await self._accounts.issue_link(user_id, self._clock(), timedelta(minutes=minutes))
        url = f"{link_base(self._config.site)}{SIGNIN_PATH}#link={token}"
        if lang == "ru":
            return (
                f"Ссылка для входа в веб-версию (работает один раз, {minutes} мин.):\n{url}\n"
                "Никому её не пересылайте."
            )
        return (
            f"Your sign-in link for the web app (works once, for {minutes} min):\n{url}\n"
            "Do not forward it to anyone."
        )


def _user_json(user: SessionUser | None) -> dict[str, object] | None:
    return None if user is None else {"name": user.display_name}


def signin_router(auth: Callable[[Request], WebAuth], page: str) -> APIRouter:
    """The sign-in page and `/auth/*`; `auth` finds the running WebAuth from the request."""
    router = APIRouter(tags=["sign-in"])

    @router.get(SIGNIN_PATH, include_in_schema=False)
    async def signin_page(request: Request) -> Response:
        return Response(page, media_type="text/html")

    @router.get("/auth/session")
    async def who(request: Request) -> JSONResponse:
        """Who is signed in (or null), the CSRF token for this browser's requests, and the
        bot whose Login Widget to show. Signs the local user in where that is allowed."""
        running = auth(request)
        user = await running.current(request)
        session = running.codec.from_request(request)
        issue: WebSession | None = None
        if user is None:
            local = await running.local_session(request)
            if local is not None:
                user, issue = local
            elif session is None or session.user_id is not None:
                issue = new_session(None)  # a visitor: a CSRF token for the sign-in posts
        current = issue or session
        assert current is not None
        bot = running.config.telegram_bot_username
        response = JSONResponse(
            {
                "user": _user_json(user),
                "csrf": current.csrf,
                "telegram_bot": bot if running.config.telegram_bot_token else None,
                "links": running.config.telegram_bot_token is not None,
                "link_minutes": running.config.link_minutes,
            }
        )
        if issue is not None:
            running.issue(request, response, issue)
        return response

    @router.post("/auth/link", responses={401: {}, 429: {}})
    async def link(body: LinkIn, request: Request) -> JSONResponse:
        """Redeem a one-time link from `/web` (once, while fresh)."""
        running = auth(request)
        if not await running.allowed(request):
            return JSONResponse({"detail": "too many attempts, wait a minute"}, status_code=429)
        user_id = await running.by_link(body.token)
        if user_id is None:
            log.info("web_signin_refused", how="link")
            return JSONResponse(
                {"detail": "this link is used, expired or unknown: send /web again"},
                status_code=401,
            )
        return await running.sign_in(request, user_id, "link")

    @router.post("/auth/telegram", responses={401: {}, 429: {}})
    async def widget(body: WidgetIn, request: Request) -> JSONResponse:
        """Sign in with the Telegram Login Widget's signed answer."""
        running = auth(request)
        if not await running.allowed(request):
            return JSONResponse({"detail": "too many attempts, wait a minute"}, status_code=429)
        user_id = await running.by_widget(body.fields)
        if user_id is None:
            log.info("web_signin_refused", how="telegram")
            return JSONResponse({"detail": "Telegram's answer did not check out"}, status_code=401)
        return await running.sign_in(request, user_id, "telegram")

    @router.post("/auth/signout")
    async def sign_out(request: Request) -> JSONResponse:
        """Forget this browser's session."""
        response = JSONResponse({"user": None})
        clear_session_cookie(response, secure=secure_site(request, auth(request).config.site))
        return response

    @router.post("/auth/signout-everywhere", responses={401: {}})
    async def sign_out_everywhere(request: Request) -> JSONResponse:
        """End every session of the signed-in user, on every device and replica."""
        running = auth(request)
        user = await running.require(request)
        await running.sign_out_everywhere(user)
        response = JSONResponse({"user": None})
        clear_session_cookie(response, secure=secure_site(request, running.config.site))
        return response

    return router
