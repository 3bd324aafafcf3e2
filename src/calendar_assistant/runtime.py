"""The one composition root: settings in, the running object graph out; nothing connects on
import, and nothing in the graph is replaced once it is built.

The terminal (chat, events, export, import, bench) and the server open the same graph the
same way: the database, the understanding, one calendar registry (whose calendars the
assistant acts on and whose accounts /connect and /calendars change), the assistant, the
account desk and the front door every message goes through. The server opens it with its
metrics (`Serving`): then, and only then, the calendars are metered, the router's totals are
exported and the shared state (user locks, rate limits, button questions) is in Redis when
REDIS_URL is set. The dialogue states are in the database, or in Redis for every process
with DIALOGUE_STORE=redis (`dialogue_states`). The server's own channels (web, Telegram, inbox, reminders) are built on
this graph in `server.py`.

This module is also where the settings are cut into slices: each part is given a small
frozen config of what it reads (`AssistantConfig`, `LlmConfig`, `CalendarsConfig`, ...),
defined next to it; no package below imports `config.Settings`
(tests/test_architecture.py). The `*_config` functions here are the one mapping from the
environment's names to the parts' own, shared by the server and the command line.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from calendar_assistant.calendars.accounts.registry import CalendarRegistry, CalendarsConfig
from calendar_assistant.calendars.base import CalendarBackend
from calendar_assistant.calendars.google import connector_if_configured
from calendar_assistant.calendars.google.client_config import GoogleClientConfig
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
from calendar_assistant.conversation.assistant import Assistant, AssistantConfig
from calendar_assistant.conversation.connect_dialogue import ConnectDialogue
from calendar_assistant.conversation.dialogue_state import (
    DialogueStates,
    dialogue_store,
    redis_dialogue_store,
)
from calendar_assistant.domain.language import Lang
from calendar_assistant.extras import needs
from calendar_assistant.logging_setup import LoggingConfig
from calendar_assistant.net.policy import OutboundPolicy
from calendar_assistant.observability.error_tracking import (
    DISABLED,
    ErrorTracking,
    ErrorTrackingConfig,
)
from calendar_assistant.speech.voice import VoiceConfig
from calendar_assistant.storage.channel_records import ChatLinks
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.events import StoredEvents
from calendar_assistant.storage.users import UserRecord, UserRepository, UserSettings
from calendar_assistant.understanding.llm.llm_config import LlmConfig
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
            understanding = Router.from_config(llm_config(settings))  # the LLM: when a key is set
        stack.push_async_callback(understanding.close)
        shared = _shared_state(database, settings, serving)
        stack.push_async_callback(shared.close)
        runtime = _build(settings, database, understanding, shared, serving)
        stack.push_async_callback(runtime.assistant.dialogue.close)
        yield runtime


def _build(
    settings: Settings,
    database: Database,
    understanding: Router,
    shared: SharedState,
    serving: Serving | None,
) -> Runtime:
    """The graph on an open database; each part gets its slice of the settings (or the
    one value it reads), never the whole."""
    metrics = serving.metrics if serving is not None else None
    # Local alone, or every connected account combined when CREDENTIALS_KEYS is set.
    registry = CalendarRegistry.from_config(database, calendars_config(settings))
    calendar: Callable[[int], CalendarBackend] = registry.calendar
    if metrics is not None:
        from calendar_assistant.calendars.metered import metered
        from calendar_assistant.understanding.llm.metrics import register_router_metrics

        calendar = metered(registry.calendar, metrics)
        # Where answers come from (grammar, LLM, fallback), LLM calls, tokens and time.
        register_router_metrics(understanding.stats, metrics.registry)
    google = connector_if_configured(
        database, revealed(settings.credentials_keys), google_client(settings)
    )
    assistant = Assistant(
        database,
        assistant_config(settings),
        calendar,
        understanding=understanding,
        dialogue=dialogue_states(settings, database),
    )
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


def dialogue_states(settings: Settings, database: Database) -> DialogueStates:
    """Where each user's dialogue state lives: the database (DIALOGUE_STORE=sql, the
    default), or Redis at REDIS_URL (DIALOGUE_STORE=redis) for every process, the server's
    and the terminal's, so they continue each other's dialogues."""
    keys = revealed(settings.credentials_keys)
    if settings.dialogue_store != "redis" or settings.redis_url is None:
        return dialogue_store(database, keys)
    ttl = timedelta(days=settings.dialogue_state_ttl_days)
    with needs("redis"):
        return redis_dialogue_store(settings.redis_url, keys, ttl)


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


# The settings cut into slices: the environment's names mapped to each part's own.


def revealed(value: SecretStr | None) -> str | None:
    """A secret setting's value for the part that uses it (the parts' slices hold plain
    strings, kept out of their reprs)."""
    return value.get_secret_value() if value is not None else None


def user_defaults(settings: Settings) -> UserSettings:
    """What a new user starts with (DEFAULT_LANGUAGE, DEFAULT_TIMEZONE, working hours, ...)."""
    return UserSettings(
        language=settings.default_language,
        timezone=settings.default_timezone,
        working_hours_start=settings.working_hours_start,
        working_hours_end=settings.working_hours_end,
        working_days=settings.working_weekdays,
        default_duration_minutes=settings.default_duration_minutes,
        default_reminder_minutes=settings.default_reminder_minutes,
    )


def assistant_config(settings: Settings) -> AssistantConfig:
    return AssistantConfig(
        defaults=user_defaults(settings),
        max_message_chars=settings.max_message_chars,
        credentials_keys=revealed(settings.credentials_keys),
    )


def llm_config(settings: Settings) -> LlmConfig:
    return LlmConfig(
        provider=settings.llm_provider,
        anthropic_model=settings.llm_anthropic_model,
        openai_model=settings.llm_openai_model,
        timeout_seconds=settings.llm_timeout_seconds,
        max_retries=settings.llm_max_retries,
        max_tokens=settings.llm_max_tokens,
        max_steps=settings.llm_max_steps,
        confidence_threshold=settings.llm_confidence_threshold,
        history_turns=settings.llm_history_turns,
    )


def google_client(settings: Settings) -> GoogleClientConfig | None:
    """None when no OAuth client is configured (Google Calendar is then off)."""
    if not settings.google_client_id or not settings.google_client_secret:
        return None
    return GoogleClientConfig(
        client_id=settings.google_client_id,
        client_secret=settings.google_client_secret.get_secret_value(),
        token_url=settings.google_token_url,
        auth_url=settings.google_auth_url,
        revoke_url=settings.google_revoke_url,
        redirect_url=settings.google_redirect_url,
        api_endpoint=settings.google_api_endpoint,
        retries=settings.calendar_retries,
        timeout_seconds=settings.calendar_timeout_seconds,
    )


def calendars_config(settings: Settings) -> CalendarsConfig:
    return CalendarsConfig(
        credentials_keys=revealed(settings.credentials_keys),
        google=google_client(settings),
        timeout_seconds=settings.calendar_timeout_seconds,
        retries=settings.calendar_retries,
        default_timezone=settings.default_timezone,
        outbound=OutboundPolicy.allowing(
            settings.outbound_allowed_hosts,
            allow_http=settings.outbound_allow_http,
            timeout_seconds=settings.outbound_timeout_seconds,
        ),
    )


def voice_config(settings: Settings) -> VoiceConfig:
    return VoiceConfig(
        transcription_url=settings.transcription_url,
        transcription_api_key=settings.transcription_api_key,
        transcription_model=settings.transcription_model,
        whisper_model=settings.whisper_model,
        whisper_compute_type=settings.whisper_compute_type,
        whisper_cpu_threads=settings.whisper_cpu_threads,
        speech_workers=settings.speech_workers,
        piper_voice=settings.piper_voice,
        max_seconds=settings.voice_max_seconds,
        max_bytes=settings.voice_max_bytes,
    )


def logging_config(settings: Settings) -> LoggingConfig:
    return LoggingConfig(level=settings.log_level, json=settings.log_json)


def error_tracking_config(settings: Settings) -> ErrorTrackingConfig:
    return ErrorTrackingConfig(
        dsn=revealed(settings.sentry_dsn),
        environment=settings.sentry_environment,
        release=settings.sentry_release,
        user_salt=revealed(settings.sentry_user_salt),
    )
