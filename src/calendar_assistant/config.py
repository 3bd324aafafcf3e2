"""One settings class, read from the environment and a `.env` file."""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from exc
        return value

    @field_validator("working_days")
    @classmethod
    def _iso_weekdays(cls, value: str) -> str:
        days = [d.strip() for d in value.split(",") if d.strip()]
        if not days or any(d not in {"1", "2", "3", "4", "5", "6", "7"} for d in days):
            raise ValueError("working_days lists ISO weekdays 1-7, e.g. 1,2,3,4,5")
        return ",".join(days)

    @property
    def working_weekdays(self) -> frozenset[int]:
        """ISO weekday numbers (Monday = 1) that are working days."""
        return frozenset(int(d) for d in self.working_days.split(","))

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'calendar.sqlite3'}"
