"""The one composition root: settings in, the running object graph out; nothing connects on
import, and nothing in the graph is replaced once it is built.

The terminal (chat, events, export, import, bench) and the server open the same graph the
same way: the database, the understanding, one calendar registry (whose calendars the
assistant acts on and whose accounts /connect and /calendars change), the assistant, the
account desk and the front door every message goes through. The server opens it with its
metrics (`Serving`): then, and only then, the calendars are metered, the router's totals are
exported and the shared state (user locks, rate limits, button questions) is in Redis when
REDIS_URL is set. The server's own channels (web, Telegram, inbox, reminders) are built on
this graph in `server.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.calendars.base import CalendarBackend
from calendar_assistant.calendars.google import connector_if_configured
from calendar_assistant.channels.front_door import FrontDoor
from calendar_assistant.channels.ordering import (
    DatabaseLocks,
    FairSlots,
    InProcessLocks,
    OrderedDispatcher,
    UserLocks,
)
from calendar_assistant.channels.questions import InProcessStore, QuestionStore
from calendar_assistant.channels.rate_limit import InProcessRateLimiter, RateLimiter
from calendar_assistant.config import Settings
from calendar_assistant.conversation.account_commands import AccountDesk
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.conversation.connect_dialogue import ConnectDialogue
from calendar_assistant.domain.language import Lang
from calendar_assistant.extras import needs
from calendar_assistant.observability.error_tracking import DISABLED, ErrorTracking
from calendar_assistant.storage.channel_records import ChatLinks
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.events import StoredEvents
from calendar_assistant.storage.users import UserRecord, UserRepository, UserSettings
from calendar_assistant.understanding.router import Router

if TYPE_CHECKING:  # the server's extra; the terminal builds the graph without it
    from calendar_assistant.calendars.google.oauth import GoogleConnector
    from calendar_assistant.observability.metrics import Metrics


@dataclass(frozen=True, slots=True)
class Serving:
    """What the server brings to the graph: its metrics and its error tracking."""

    metrics: Metrics
    errors: ErrorTracking = field(default_factory=lambda: DISABLED)


@dataclass(frozen=True, slots=True)
class SharedState:
    """Per-user locks, the message rate limit and the button questions: in Redis for a
    server with REDIS_URL (replicas share them), in the process or the database otherwise."""

    locks: UserLocks
    limiter: RateLimiter
    questions: QuestionStore

    async def close(self) -> None:
        await self.locks.close()
        await self.questions.close()
        await self.limiter.close()


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything a channel needs, built once by `open_runtime` and closed together."""

    database: Database
    users: UserRepository
    events: StoredEvents
    #: What a new user starts with (DEFAULT_TIMEZONE, DEFAULT_LANGUAGE, working hours, ...).
    defaults: UserSettings
    understanding: Router
    registry: CalendarRegistry
    #: The calendar the assistant acts on for a user (metered on the server).
    calendar: Callable[[int], CalendarBackend]
    google: GoogleConnector | None
    assistant: Assistant
    desk: AccountDesk
    shared: SharedState
    front: FrontDoor
    #: One limit on messages handled at once, shared fairly by every channel.
    slots: FairSlots
    metrics: Metrics | None

    def ordered(self, channel: str) -> OrderedDispatcher:
        """A channel's dispatcher: one user's messages in order, across every channel."""
        return OrderedDispatcher(self.shared.locks, slots=self.slots, channel=channel)

    async def user(
        self,
        key: str,
        *,
        display_name: str | None = None,
        timezone: ZoneInfo | None = None,
        lang: Lang | None = None,
    ) -> UserRecord:
        """The user with this key, created on first use; a zone or language given is saved."""
        record = await self.users.get_or_create(key, display_name, self.defaults)
        changes: dict[str, object] = {}
        if timezone is not None and record.settings.timezone != timezone.key:
            changes["timezone"] = timezone.key
        if lang is not None and record.settings.language != lang:
            changes["language"] = lang
        if not changes:
            return record
        updated = await self.users.update_settings(record.id, **changes)
        return UserRecord(record.id, record.key, record.display_name, record.created_at, updated)


@asynccontextmanager
async def open_runtime(
    settings: Settings, serving: Serving | None = None
) -> AsyncIterator[Runtime]:
    """Open the database (migrated to head when AUTO_MIGRATE, else checked to be at head),
    build the graph, and close it all at the end (also when building fails half-way)."""
    url = settings.resolved_database_url
    with needs("postgres") if url.startswith("postgresql") else nullcontext():
        database = await Database.open(url, migrate=settings.auto_migrate)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(database.close)
        with needs("llm"):
            understanding = Router.from_settings(settings)  # the LLM only when a key is set
        stack.push_async_callback(understanding.close)
        shared = _shared_state(database, settings, serving)
        stack.push_async_callback(shared.close)
        yield _build(settings, database, understanding, shared, serving)


def _build(
    settings: Settings,
    database: Database,
    understanding: Router,
    shared: SharedState,
    serving: Serving | None,
) -> Runtime:
    """The graph on an open database; each part gets the settings it reads, or a slice."""
    metrics = serving.metrics if serving is not None else None
    # Local alone, or every connected account combined when CREDENTIALS_KEYS is set.
    registry = CalendarRegistry.from_settings(database, settings)
    calendar: Callable[[int], CalendarBackend] = registry.calendar
    if metrics is not None:
        from calendar_assistant.calendars.metered import metered
        from calendar_assistant.understanding.llm.metrics import register_router_metrics

        calendar = metered(registry.calendar, metrics)
        # Where answers come from (grammar, LLM, fallback), LLM calls, tokens and time.
        register_router_metrics(understanding.stats, metrics.registry)
    google = connector_if_configured(database, settings)
    assistant = Assistant(database, settings, calendar, understanding=understanding)
    connections = ConnectDialogue(
        registry, google, assistant.dialogue, timeout_seconds=settings.calendar_timeout_seconds
    )
    desk = AccountDesk(database, assistant, connections)
    front = FrontDoor(
        desk,
        ChatLinks(database),
        shared.limiter,
        metrics,
        settings.rate_limit_per_minute,
        serving.errors if serving is not None else DISABLED,
    )
    return Runtime(
        database=database,
        users=UserRepository(database),
        events=StoredEvents(database),
        defaults=assistant.defaults,
        understanding=understanding,
        registry=registry,
        calendar=calendar,
        google=google,
        assistant=assistant,
        desk=desk,
        shared=shared,
        front=front,
        # SQLite takes one writer at a time: more messages at once only queue for its
        # lock (and time out); PostgreSQL gets real parallelism. Served to the channels in
        # turn: a Telegram burst does not starve the web chat.
        slots=FairSlots(64 if database.dialect == "postgresql" else 2),
        metrics=metrics,
    )


def _shared_state(database: Database, settings: Settings, serving: Serving | None) -> SharedState:
    """User locks, rate limiter and question store: in Redis when a server has REDIS_URL.

    Each Redis part falls back to a stand-in while Redis is unavailable (one warning and
    one `assistant_redis_outages` count per outage) and goes back to Redis when it answers
    again. The user locks' stand-in, and the user locks without Redis, are PostgreSQL's
    advisory locks when the database is PostgreSQL (replicas stay exclusive), else the
    in-process ones (SQLite: one process); the others' stand-ins are in-process.
    """
    per_minute = settings.rate_limit_per_minute
    database_locks: UserLocks = (
        DatabaseLocks(database) if database.dialect == "postgresql" else InProcessLocks()
    )
    if serving is None or not settings.redis_url:
        return SharedState(database_locks, InProcessRateLimiter(per_minute), InProcessStore())
    return _redis_state(
        settings.redis_url, settings.redis_retry_seconds, per_minute, serving, database_locks
    )


def _redis_state(
    url: str, retry_seconds: float, per_minute: int, serving: Serving, database_locks: UserLocks
) -> SharedState:
    with needs("redis"):
        from calendar_assistant.channels.ordering import RedisLocks
        from calendar_assistant.channels.questions import RedisStore
        from calendar_assistant.channels.rate_limit import RedisRateLimiter
        from calendar_assistant.channels.redis_fallback import RedisFallback

    def guard(component: str, fallback: str = "in-process") -> RedisFallback:
        return RedisFallback(
            component,
            retry_after=retry_seconds,
            on_outage=serving.metrics.observe_redis_outage,
            fallback=fallback,
        )

    locks_fallback = "database" if isinstance(database_locks, DatabaseLocks) else "in-process"
    return SharedState(
        RedisLocks(url, guard=guard("locks", locks_fallback), fallback=database_locks),
        RedisRateLimiter(url, per_minute, guard=guard("rate_limiter")),
        RedisStore(url, guard=guard("questions")),
    )
