"""One settings class, read from the environment and a `.env` file."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The async drivers the storage runs on, by database backend.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


class SettingsError(ValueError):
    """Settings are invalid; the message is one line a person can act on."""


def default_data_dir() -> Path:
    """The XDG data directory: `$XDG_DATA_HOME/calendar-assistant`, else ~/.local/share."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "calendar-assistant"


class Settings(BaseSettings):
    """Everything configurable; each field is an environment variable of the same name."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is a SQLite file in data_dir"
    )
    default_timezone: str = "Europe/Moscow"
    default_language: Literal["ru", "en"] = "ru"
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(18, 0)
    working_days: str = Field(default="1,2,3,4,5", description="ISO weekdays, Monday is 1")
    default_duration_minutes: int = Field(default=60, ge=5, le=24 * 60)
    default_reminder_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    max_message_chars: int = Field(default=4000, ge=100)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool | None = Field(default=None, description="JSON logs; default: when not a tty")
    server_host: str = Field(default="127.0.0.1", description="address `serve` listens on")
    server_port: int = Field(default=8000, ge=1, le=65535)
    max_request_bytes: int = Field(default=262144, ge=1024, description="larger bodies get 413")
    rate_limit_per_minute: int = Field(default=30, ge=1, description="messages per user")
    redis_url: str | None = Field(
        default=None, description="shared locks and rate limits for replicas; in-process if unset"
    )
    redis_retry_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="while Redis is unavailable the in-process stand-ins serve; Redis is "
        "tried again after this many seconds",
    )
    dialogue_store: Literal["sql", "redis"] = Field(
        default="sql",
        description="where each user's dialogue state lives: sql (the database, in the same "
        "transaction as the change on SQLite) or redis (needs REDIS_URL)",
    )
    dialogue_state_ttl_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="with DIALOGUE_STORE=redis, how long a user's dialogue key lives after "
        "its last write",
    )
    reminder_poll_seconds: float = Field(default=5.0, gt=0, le=25)
    auto_migrate: bool = Field(
        default=True,
        description="migrate the database at start (a laptop); containers set false and run "
        "`calendar-assistant migrate` as their own step",
    )
    inbox_concurrency: int | None = Field(
        default=None,
        ge=0,
        le=512,
        description="inbox updates handled at once by this process (default: 4 on SQLite, "
        "16 on PostgreSQL); 0 makes a replica that only accepts updates",
    )
    inbox_lease_seconds: float = Field(
        default=60.0, ge=1, le=3600, description="a claim not renewed this long is retried"
    )
    inbox_max_attempts: int = Field(
        default=5, ge=1, le=100, description="failed attempts before an update is dead-lettered"
    )
    inbox_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        le=30,
        description="how often the inbox is read for other replicas' updates",
    )
    inbox_max_pending: int = Field(
        default=5000,
        ge=1,
        le=10_000_000,
        description="updates waiting in the inbox (all replicas) past which a new one is "
        "answered 'busy, try again in a moment' instead of queued; also the web chat's "
        "messages waiting in one process",
    )
    shutdown_grace_seconds: float = Field(
        default=20.0, ge=0, le=600, description="on SIGTERM, time to finish updates in hand"
    )
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = Field(
        default=None, description="public HTTPS URL of /telegram/webhook; long polling if unset"
    )
    telegram_webhook_secret: SecretStr | None = None
    llm_provider: Literal["auto", "anthropic", "openai", "off"] = Field(
        default="auto",
        description="auto: Anthropic when ANTHROPIC_API_KEY is set, else OpenAI when OPENAI_API_KEY",
    )
    llm_anthropic_model: str = "claude-haiku-4-5"
    llm_openai_model: str = "gpt-4.1-mini"
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_max_tokens: int = Field(default=1024, ge=64, le=32_000)
    llm_max_steps: int = Field(default=4, ge=1, le=10)
    llm_confidence_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    llm_history_turns: int = Field(default=6, ge=0, le=50)
    whisper_model: str | None = Field(
        default=None,
        description="faster-whisper model folder (or a size already in the local cache); "
        "voice messages are off without it or a transcription endpoint",
    )
    whisper_compute_type: Literal[
        "int8", "int8_float32", "int8_float16", "int16", "float16", "float32", "default"
    ] = "int8"
    whisper_cpu_threads: int = Field(default=0, ge=0, le=256, description="0: all cores")
    speech_workers: int = Field(default=1, ge=1, le=32, description="transcriptions at once")
    voice_max_seconds: int = Field(default=120, ge=1, le=3600)
    voice_max_bytes: int = Field(default=20_000_000, ge=1024, le=500_000_000)
    voice_replies: bool = Field(default=False, description="new users get spoken replies too")
    piper_voice: Path | None = Field(default=None, description="piper .onnx voice; else espeak-ng")
    transcription_url: str | None = Field(
        default=None, description="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1"
    )
    transcription_api_key: str | None = None
    credentials_keys: SecretStr | None = Field(
        default=None,
        description="Fernet keys, comma-separated, newest first: encrypt calendar secrets",
    )
    google_client_id: str | None = None
    google_client_secret: SecretStr | None = None
    google_redirect_url: str | None = Field(
        default=None, description="public URL of /oauth/google/callback"
    )
    google_auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    google_token_url: str = "https://oauth2.googleapis.com/token"
    google_revoke_url: str = "https://oauth2.googleapis.com/revoke"
    google_api_endpoint: str | None = Field(
        default=None, description="Calendar API base URL; default is Google's own"
    )
    outbound_allow_http: bool = Field(
        default=False, description="let users' CalDAV URLs use plain http (https only by default)"
    )
    outbound_allowed_hosts: str = Field(
        default="",
        description="hosts and CIDRs users' URLs may reach though private (a self-hosted server)",
    )
    outbound_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    public_url: str | None = Field(
        default=None, description="the server's public URL; its host is the trusted Host header"
    )
    trusted_hosts: str = Field(
        default="", description="more Host header values accepted, comma-separated"
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="key that signs web sign-in cookies; the same on every replica "
        "(random per process if unset: a restart signs everyone out)",
    )
    session_max_age_hours: int = Field(
        default=168, ge=1, le=8760, description="a web session expires this long after sign-in"
    )
    web_link_minutes: int = Field(
        default=10, ge=1, le=60, description="a one-time sign-in link from /web works this long"
    )
    web_calendar_poll_seconds: float = Field(
        default=20.0,
        ge=0.2,
        le=600,
        description="an open web page asks whether the calendar changed this often (a cheap "
        "stamp; events are fetched again only when it changed), while its tab is visible",
    )
    telegram_bot_username: str | None = Field(
        default=None, description="the bot's @username: the sign-in page shows the Login Widget"
    )
    telegram_login_max_age_seconds: int = Field(
        default=600, ge=30, le=86400, description="a Login Widget answer older than this is refused"
    )
    signin_attempts_per_minute: int = Field(
        default=10, ge=1, le=1000, description="web sign-in attempts per client address"
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="bearer token /metrics asks for; without it /metrics answers loopback only",
    )
    calendar_retries: int = Field(default=4, ge=0, le=10)
    calendar_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    transcription_model: str = "whisper-1"
    sentry_dsn: SecretStr | None = Field(
        default=None, description="error tracking: Sentry (or GlitchTip) DSN; off when unset"
    )
    sentry_environment: str = Field(default="production", description="Sentry environment tag")
    sentry_release: str | None = Field(
        default=None, description="Sentry release tag; default calendar-assistant@<version>"
    )
    sentry_user_salt: SecretStr | None = Field(
        default=None,
        description="key of the opaque user ids sent to Sentry; random per process if unset",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        """Accept SQLite or PostgreSQL URLs; a URL without an async driver gets one."""
        if value is None or not value.strip():
            return None
        from sqlalchemy.engine import make_url  # only when a URL is given: a slow import
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value.strip())
        except ArgumentError as exc:
            raise ValueError("is not a database URL (e.g. postgresql://user@host/db)") from exc
        backend = url.get_backend_name()
        if backend not in ASYNC_DRIVERS:
            raise ValueError(f"unsupported database {backend!r} (use sqlite or postgresql)")
        if url.drivername != ASYNC_DRIVERS[backend]:
            url = url.set(drivername=ASYNC_DRIVERS[backend])
        return url.render_as_string(hide_password=False)

    @field_validator("whisper_model", "transcription_api_key", "piper_voice", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("transcription_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        from urllib.parse import urlsplit

        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("is not an http(s) URL (e.g. http://127.0.0.1:8000/v1)")
        return value

    @field_validator("working_days")
    @classmethod
    def _iso_weekdays(cls, value: str) -> str:
        days = [d.strip() for d in value.split(",") if d.strip()]
        if not days or any(d not in {"1", "2", "3", "4", "5", "6", "7"} for d in days):
            raise ValueError("working_days lists ISO weekdays 1-7, e.g. 1,2,3,4,5")
        return ",".join(days)

    @field_validator(
        "redis_url",
        "public_url",
        "telegram_webhook_url",
        "telegram_bot_token",
        "telegram_webhook_secret",
        "sentry_dsn",
        "sentry_release",
        "sentry_user_salt",
        "session_secret",
        "telegram_bot_username",
        "metrics_token",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters A-Z, a-z, 0-9, `_` and `-` as a secret token."""
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1-256 characters: letters, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _redis_dialogue_has_url(self) -> Settings:
        if self.dialogue_store == "redis" and not self.redis_url:
            raise ValueError("DIALOGUE_STORE=redis needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
        return self

    @model_validator(mode="after")
    def _webhook_has_secret(self) -> Settings:
        if self.telegram_webhook_url and self.telegram_webhook_secret is None:
            raise ValueError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (a random token)")
        return self

    @field_validator("telegram_bot_username")
    @classmethod
    def _bot_username(cls, value: str | None) -> str | None:
        """A Telegram username: 5-32 letters, digits and `_` (a leading @ is dropped)."""
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{4,31}", name):
            raise ValueError("is not a bot username (5-32 letters, digits and _)")
        return name

    @model_validator(mode="after")
    def _working_hours_in_order(self) -> Settings:
        if self.working_hours_end <= self.working_hours_start:
            raise ValueError("working_hours_end must be after working_hours_start")
        return self

    @property
    def working_weekdays(self) -> frozenset[int]:
        """ISO weekday numbers (Monday = 1) that are working days."""
        return frozenset(int(d) for d in self.working_days.split(","))

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'calendar.sqlite3'}"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and `.env`, turning a validation error into one line.

    Start-up code calls this so a bad variable is reported plainly rather than as a traceback.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from exc


def describe_validation_error(exc: ValidationError) -> str:
    """`DEFAULT_TIMEZONE: unknown time zone 'Mars/Base' (use an IANA name)` and the like."""
    parts = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{name}: {message}" if name else message)
    return "invalid settings: " + "; ".join(parts)
