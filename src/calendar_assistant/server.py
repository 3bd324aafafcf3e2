"""The HTTP server: `create_app(settings)` opens the object graph (`runtime.open_runtime`,
with the server's metrics) in the lifespan and builds its channels on it, so importing this
module connects to nothing.

Routes: the web chat (`/`, `/api/chat`) behind sign-in (`/signin`, `/auth/*`, see
channels/web/signin.py), `POST /telegram/webhook`, `/healthz`, `/readyz`, `/metrics` (a
bearer token or loopback), and the OpenAPI docs (`/docs`, `/openapi.json`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calendar_assistant import hardening
from calendar_assistant.calendars.google.oauth_routes import build_oauth_router
from calendar_assistant.channels.front_door import FrontDoor
from calendar_assistant.channels.inbox import InboxWorker
from calendar_assistant.channels.questions import QuestionBook
from calendar_assistant.channels.telegram.webhook import telegram_router
from calendar_assistant.channels.web.accounts import WebAccounts
from calendar_assistant.channels.web.calendar_view import CalendarView, calendar_router
from calendar_assistant.channels.web.chat import (
    ChatBusy,
    WebChat,
    busy_response,
    signin_page,
    web_router,
)
from calendar_assistant.channels.web.event_dialog import EventDialog, event_dialog_router
from calendar_assistant.channels.web.outbox import WebOutbox
from calendar_assistant.channels.web.sessions import (
    CsrfGuard,
    SessionCodec,
    SessionConfig,
    SiteConfig,
    session_codec,
)
from calendar_assistant.channels.web.settings_panel import WebSettings, settings_router
from calendar_assistant.channels.web.signin import (
    SigninConfig,
    WebAuth,
    WebLinks,
    signin_limiter,
    signin_router,
)
from calendar_assistant.channels.web.voice_input import VOICE_PATH, voice_router
from calendar_assistant.config import Settings
from calendar_assistant.extras import needs
from calendar_assistant.hardening import (
    HardeningConfig,
    metrics_allowed,
    refuse_too_deep,
    too_deep,
)
from calendar_assistant.observability.error_tracking import ErrorTracking, start_error_tracking
from calendar_assistant.observability.health import migration_heads, readiness
from calendar_assistant.observability.metrics import CONTENT_TYPE, Metrics
from calendar_assistant.reminders.scheduler import Delivery, ReminderScheduler
from calendar_assistant.runtime import (
    Runtime,
    Serving,
    error_tracking_config,
    open_runtime,
    revealed,
    voice_config,
)
from calendar_assistant.speech.preferences import VoicePreferences
from calendar_assistant.speech.voice import Voice, open_voice
from calendar_assistant.storage.calendar_stamps import CalendarStamps
from calendar_assistant.storage.channel_records import CLAIM_RETENTION
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.inbox import Inbox

if TYPE_CHECKING:  # the channel needs the telegram extra, imported when a token is set
    from calendar_assistant.channels.telegram.channel import TelegramChannel, TelegramConfig

log = structlog.get_logger(__name__)


def system_clock() -> datetime:
    """The real time, read here at the edge and passed inward."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """What the routes reach through `app.state.services` while the app runs."""

    runtime: Runtime
    metrics: Metrics
    front: FrontDoor
    web: WebChat
    telegram: TelegramChannel | None
    scheduler: ReminderScheduler
    heads: set[str]
    inbox: InboxWorker
    auth: WebAuth
    calendar_view: CalendarView
    event_dialog: EventDialog
    settings_panel: WebSettings


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, declared or streamed, and JSON
    bodies nested too deep for a parser with 400 (see `hardening`).

    The paths in `streamed` (the web chat's voice upload) take bodies up to their own
    larger limit, passed on unread: the route checks the session before it reads a byte
    and stops reading at its limit, so nobody without a session fills memory."""

    def __init__(self, app: ASGIApp, limit: int, streamed: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.streamed = streamed or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.streamed.get(scope.get("path", ""), self.limit)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        if scope["method"] not in ("POST", "PUT", "PATCH") or scope.get("path") in self.streamed:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send, self.limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if too_deep(scope.get("headers", []), body):
            await refuse_too_deep(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = JSONResponse({"detail": f"request body over {limit} bytes"}, status_code=413)
        await response(scope, receive, send)


async def _forget_old_claims(inbox: Inbox, clock: Callable[[], datetime]) -> None:
    """Hourly: drop handled inbox rows older than Telegram would ever re-send (dead letters
    are kept)."""
    while True:
        try:
            await inbox.prune(clock() - CLAIM_RETENTION)
        except Exception as error:  # the database may be away for a moment
            log.warning("claims_prune_failed", error=type(error).__name__)
        await asyncio.sleep(3600)


def _inbox_worker(
    settings: Settings, database: Database, metrics: Metrics, clock: Callable[[], datetime]
) -> InboxWorker:
    """This process's inbox worker; its owner name tells replicas' claims apart."""
    owner = f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    concurrency = settings.inbox_concurrency
    if concurrency is None:  # SQLite takes one writer at a time; more only wait for its lock
        # On PostgreSQL each update in hand keeps a connection for its unit of work: 16 of
        # the pool's 30 leave room for the webhook's inserts, leases and the web chat.
        concurrency = 16 if database.dialect == "postgresql" else 4
    return InboxWorker(
        Inbox(database, owner),
        {},
        metrics,
        clock,
        concurrency=concurrency,
        lease=timedelta(seconds=settings.inbox_lease_seconds),
        max_attempts=settings.inbox_max_attempts,
        poll_seconds=settings.inbox_poll_seconds,
        max_pending=settings.inbox_max_pending,
    )


def _site(settings: Settings) -> SiteConfig:
    """Where this server is reached, for sign-in, cookies and the Host check."""
    others = (settings.telegram_webhook_url, settings.google_redirect_url)
    return SiteConfig(
        public_url=settings.public_url,
        other_urls=tuple(url for url in others if url),
        host=settings.server_host,
        port=settings.server_port,
    )


def _signin_config(settings: Settings) -> SigninConfig:
    return SigninConfig(
        site=_site(settings),
        telegram_bot_token=revealed(settings.telegram_bot_token),
        telegram_bot_username=settings.telegram_bot_username,
        telegram_login_max_age_seconds=settings.telegram_login_max_age_seconds,
        link_minutes=settings.web_link_minutes,
        attempts_per_minute=settings.signin_attempts_per_minute,
    )


def _telegram_config(settings: Settings) -> TelegramConfig:
    """The bot's slice; only called with TELEGRAM_BOT_TOKEN set (and the extra installed)."""
    from calendar_assistant.channels.telegram.channel import TelegramConfig

    token = revealed(settings.telegram_bot_token)
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return TelegramConfig(
        token=token,
        api_base_url=settings.telegram_api_base_url,
        webhook_url=settings.telegram_webhook_url,
        webhook_secret=revealed(settings.telegram_webhook_secret),
        default_language=settings.default_language,
    )


@asynccontextmanager
async def _running(
    app: FastAPI,
    settings: Settings,
    clock: Callable[[], datetime],
    voice: Voice | None,
    errors: ErrorTracking,
    codec: SessionCodec,
) -> AsyncIterator[None]:
    """Open everything the app serves with (in order), publish it on `app.state`, and close
    it all on the way out: the body of the app's lifespan."""
    speech = voice if voice is not None else open_voice(voice_config(settings))  # fails here
    if voice is None:
        speech.warm_up_in_background()
    metrics = Metrics()
    # The calendars are metered and the shared state is in Redis (when set) from the start.
    async with open_runtime(settings, Serving(metrics, errors)) as runtime:
        app.state.google_connector = runtime.google
        front = runtime.front
        questions = QuestionBook(runtime.shared.questions)
        web = WebChat(
            front,
            runtime.ordered("web"),
            clock,
            WebOutbox(runtime.database),
            questions,
            speech,
            max_waiting=settings.inbox_max_pending,
        )
        inbox = _inbox_worker(settings, runtime.database, metrics, clock)
        accounts = WebAccounts(runtime.database)
        signin = _signin_config(settings)
        attempts = signin_limiter(
            signin.attempts_per_minute,
            settings.redis_url,
            settings.redis_retry_seconds,
            metrics.observe_redis_outage,
        )
        auth = WebAuth(signin, accounts, codec, attempts, runtime.desk.user, clock)
        voice_preferences = VoicePreferences(runtime.database, default=settings.voice_replies)
        deliveries: dict[str, Delivery] = {"web": web}
        telegram: TelegramChannel | None = None
        if settings.telegram_bot_token is not None:
            with needs("telegram"):
                from calendar_assistant.channels.telegram.channel import TelegramChannel
            telegram = TelegramChannel(
                _telegram_config(settings),
                front,
                runtime.ordered("telegram"),
                inbox,
                metrics,
                clock,
                speech,
                voice_preferences,
                questions,
                web_links=WebLinks(signin, accounts, clock),
            )
            deliveries["telegram"] = telegram
            inbox.handlers["telegram"] = telegram
        scheduler = ReminderScheduler(
            runtime.database,
            deliveries,
            clock,
            metrics,
            poll_seconds=settings.reminder_poll_seconds,
        )
        app.state.services = Services(
            runtime,
            metrics,
            front,
            web,
            telegram,
            scheduler,
            migration_heads(),
            inbox,
            auth,
            CalendarView(
                runtime.desk.user,
                runtime.calendar,
                clock,
                CalendarStamps(runtime.database).stamp,
                settings.web_calendar_poll_seconds,
            ),
            EventDialog(runtime.desk.user, runtime.calendar, web),
            WebSettings(
                runtime.desk,
                voice_preferences,
                clock,
                runtime.shared.limiter,
                settings.rate_limit_per_minute,
            ),
        )
        housekeeping = asyncio.create_task(
            _forget_old_claims(inbox.inbox, clock),
            name="claims",
        )
        try:
            if telegram is not None:
                await telegram.start()
            await scheduler.start()
            await inbox.start()
            log.info("server_started", telegram=telegram is not None)
            yield
        finally:
            housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await housekeeping
            # New requests are refused by now (uvicorn stops listening first): finish
            # the updates in hand, hand the rest back to the inbox, log what is left.
            await inbox.stop(settings.shutdown_grace_seconds)
            await scheduler.stop()
            if telegram is not None:
                await telegram.stop()
            await attempts.close()  # the shared state closes with the runtime
            if voice is None:
                speech.close()


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = system_clock,
    voice: Voice | None = None,
) -> FastAPI:
    """The whole server; nothing is opened until the app starts (its lifespan)."""
    site = _site(settings)
    session = SessionConfig(revealed(settings.session_secret), settings.session_max_age_hours)
    codec = session_codec(session, site, clock)
    guard = HardeningConfig(site, settings.trusted_hosts, revealed(settings.metrics_token))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        errors = start_error_tracking(error_tracking_config(settings))  # inside the loop (asyncio)
        try:
            async with _running(app, settings, clock, voice, errors, codec):
                yield
        finally:
            errors.close()

    app = FastAPI(
        title="Calendar assistant",
        summary="Talk to your calendar in Russian or English: web chat, Telegram, reminders.",
        version="0.1.0",
        lifespan=lifespan,
    )
    # The microphone's recordings may be as large as a Telegram voice note (VOICE_MAX_BYTES):
    # the route refuses larger ones in the user's language; this is only the backstop.
    voice_limit = max(settings.max_request_bytes, 2 * settings.voice_max_bytes)
    app.add_middleware(
        BodyLimit, limit=settings.max_request_bytes, streamed={VOICE_PATH: voice_limit}
    )
    app.add_middleware(CsrfGuard, codec=codec)
    hardening.install(app, guard)
    app.add_exception_handler(ChatBusy, busy_response)  # the web chat's bound: 503

    def services(request: Request) -> Services:
        found: Services = request.app.state.services
        return found

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """Alive: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"description": "not ready"}})
    async def readyz(request: Request) -> JSONResponse:
        """Ready: the database is reachable and its migrations are current."""
        running = services(request)
        ready, why = await readiness(running.runtime.database, running.heads)
        return JSONResponse({"status": why}, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"])
    async def metrics(request: Request) -> Response:
        """Prometheus metrics: a bearer token (METRICS_TOKEN) or a scraper on loopback."""
        if not metrics_allowed(request, guard):
            return JSONResponse(
                {"detail": "metrics need the bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Response(services(request).metrics.exposition(), media_type=CONTENT_TYPE)

    app.include_router(telegram_router(lambda request: services(request).telegram))
    app.include_router(
        build_oauth_router(
            lambda request: getattr(request.app.state, "google_connector", None), clock
        )
    )
    app.include_router(signin_router(lambda request: services(request).auth, signin_page()))
    app.include_router(
        web_router(lambda request: services(request).web, lambda request: services(request).auth)
    )
    app.include_router(
        voice_router(lambda request: services(request).web, lambda request: services(request).auth)
    )
    app.include_router(
        calendar_router(
            lambda request: services(request).calendar_view,
            lambda request: services(request).auth,
        )
    )
    app.include_router(
        event_dialog_router(
            lambda request: services(request).event_dialog,
            lambda request: services(request).auth,
        )
    )
    app.include_router(
        settings_router(
            lambda request: services(request).settings_panel,
            lambda request: services(request).auth,
        )
    )
    return app
