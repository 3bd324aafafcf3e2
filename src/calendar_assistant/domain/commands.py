"""The typed Command catalogue: what the rules and the LLM both produce (SPEC.md §3 frame)."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from calendar_assistant.domain.language import Lang


class Intent(StrEnum):
    CREATE_EVENT = "create_event"
    LIST_EVENTS = "list_events"
    FIND_FREE_SLOTS = "find_free_slots"
    UPDATE_EVENT = "update_event"
    DELETE_EVENT = "delete_event"
    CREATE_REMINDER = "create_reminder"
    SEARCH_EVENTS = "search_events"
    CANCEL = "cancel"
    UNDO = "undo"
    HELP = "help"
    UNKNOWN = "unknown"


class Missing(StrEnum):
    """A slot that must still be asked for before acting."""

    TITLE = "title"
    DATE = "date"
    TIME = "time"
    TARGET = "target"


class EventTarget(BaseModel):
    """How the event an update, delete, search or reminder means is found: what was said."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    start: datetime | None = Field(default=None, description="A time the user named for the event")
    range_start: datetime | None = Field(default=None, description="Start of a day/window named")
    range_end: datetime | None = Field(default=None, description="End (exclusive) of that window")
    previous: bool = Field(
        default=False,
        description="Said as «её», «это», 'it', 'that': the event the conversation just dealt with",
    )
    latest: bool = Field(
        default=False,
        description="'when did I last see the dentist', «когда я последний раз был у "
        "стоматолога»: the latest occurrence gone by is meant, not the next one",
    )
    kind: Literal["event", "reminder"] = Field(
        default="event",
        description="What is meant: a calendar event, or a reminder the user set («удали "
        "напоминание про таблетки»; list_events with kind reminder lists reminders)",
    )
    event_id: str | None = Field(
        default=None,
        description="The stored event's id, when the user pointed at the event itself (the "
        "web calendar's dialog): exactly that event is meant, never one found by its title",
    )
    occurrence: datetime | None = Field(
        default=None,
        description="With event_id, for a recurring series: the occurrence's original start",
    )


# A shift is at most a (leap) year: more is a mistake to ask about, not a date to compute.
_YEAR_MINUTES = 366 * 24 * 60


class EventChanges(BaseModel):
    """What an update changes; unset fields stay as they are."""

    model_config = ConfigDict(frozen=True)

    start: datetime | None = None
    end: datetime | None = None
    title: str | None = None
    location: str | None = Field(default=None, description="The new place, if said")
    duration_minutes: int | None = Field(default=None, ge=1, description="New length, if said")
    time_only: bool = Field(
        default=False,
        description="Only a clock time was said for `start`: the event keeps its own day",
    )
    shift_minutes: int | None = Field(
        default=None,
        ge=-_YEAR_MINUTES,
        le=_YEAR_MINUTES,
        description="Move by this much (signed; later is positive), length kept",
    )
    end_shift_minutes: int | None = Field(
        default=None,
        ge=-_YEAR_MINUTES,
        le=_YEAR_MINUTES,
        description="Move only the end by this much: longer is positive",
    )


class Command(BaseModel):
    """One understood request, ready for the executor.

    Times are aware datetimes in the user's zone. For an all-day event `start`/`end` are
    local midnights of the day and the day after. `day` carries a day the user named when
    the time is still missing, so the answer to the clarifying question can complete it.
    """

    model_config = ConfigDict(frozen=True)

    intent: Intent
    lang: Lang = "ru"
    title: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    all_day: bool = False
    day: date | None = None
    range_start: datetime | None = None
    range_end: datetime | None = None
    duration_minutes: int | None = Field(default=None, ge=1)
    recurrence: str | None = Field(default=None, description="RFC 5545 RRULE without the prefix")
    reminder_minutes_before: int | None = Field(default=None, ge=0)
    reminder_day_offset: int | None = Field(
        default=None,
        ge=0,
        le=366,
        description="A reminder said against the target's day: this many days before it "
        "('the night before': 1, 'the morning of': 0)",
    )
    reminder_at: time | None = Field(
        default=None,
        description="With reminder_day_offset: the local clock it rings at on that day "
        "(none: the target's own start clock)",
    )
    target: EventTarget | None = None
    changes: EventChanges | None = None
    location: str | None = None
    attendees: tuple[str, ...] = ()
    missing: tuple[Missing, ...] = ()
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    readings: tuple[Command, ...] = Field(
        default=(),
        description="When the words do not settle what is asked: the likeliest readings, "
        "to be asked about before acting (one reading: asked to confirm)",
    )
