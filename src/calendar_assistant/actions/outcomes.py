"""What the executor reports back: typed facts for the replies, never text.

Questions (`NeedsChoice`, `NeedsScope`, `NeedsConfirmation`, `ConflictFound`,
`NeedsDetails`) mean nothing was written yet: the conversation asks, then runs the same
command again with the user's answer in a `Resolution`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, get_args

from calendar_assistant.actions.context import PendingReminder
from calendar_assistant.domain.commands import Command, Missing
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.intervals import Interval


@dataclass(frozen=True, slots=True)
class Resolution:
    """The user's answers so far to the questions a command raised."""

    target: Event | None = None
    scope: Scope | None = None
    confirmed: bool = False
    force: bool = False
    reminder: PendingReminder | None = None  # the reminder a delete is about, once chosen


class Problem(StrEnum):
    """Why a request cannot be carried out as said."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    END_BEFORE_START = "end_before_start"
    IN_THE_PAST = "in_the_past"
    BAD_DATE = "bad_date"
    READ_ONLY = "read_only"
    NO_RECURRENCE = "no_recurrence"
    BAD_RECURRENCE = "bad_recurrence"
    REJECTED = "rejected"  # the calendar refused the values (e.g. a title too long)


# Answers that wrote nothing -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invalid:
    problem: Problem
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class NeedsDetails:
    """A clarifying question: the command lacks `missing`."""

    command: Command
    missing: tuple[Missing, ...]


@dataclass(frozen=True, slots=True)
class NeedsChoice:
    """Several events match; the user picks one (by number)."""

    candidates: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class NeedsScope:
    """The target is an occurrence of a series: this one, this and following, or all?"""

    occurrence: Event
    deleting: bool


@dataclass(frozen=True, slots=True)
class NeedsConfirmation:
    """A destructive or bulk change waits for a yes."""

    deleting: bool
    events: tuple[Event, ...]
    scope: Scope | None = None
    new_start: datetime | None = None
    new_end: datetime | None = None
    shift_minutes: int | None = None  # a bulk move later or earlier by this much


@dataclass(frozen=True, slots=True)
class ConflictFound:
    """The new event overlaps others; offered: create anyway, a free slot, or cancel."""

    title: str
    start: datetime
    end: datetime
    conflicts: tuple[Event, ...]
    slots: tuple[Interval, ...]


@dataclass(frozen=True, slots=True)
class NothingFound:
    """No event matches what was said (`title` and/or a window)."""

    title: str | None
    range_start: datetime | None = None
    range_end: datetime | None = None
    at: datetime | None = None  # a time the user named for the event


@dataclass(frozen=True, slots=True)
class Listed:
    range_start: datetime
    range_end: datetime
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class SlotsFound:
    range_start: datetime
    range_end: datetime
    min_length: timedelta
    slots: tuple[Interval, ...]


@dataclass(frozen=True, slots=True)
class SearchFound:
    query: str
    events: tuple[Event, ...]
    #: "when did I last …": the events are gone by, latest first
    looking_back: bool = False


@dataclass(frozen=True, slots=True)
class RemindersListed:
    """The reminders still to come (already delivered ones are not shown)."""

    reminders: tuple[PendingReminder, ...]


@dataclass(frozen=True, slots=True)
class NeedsReminderChoice:
    """Several reminders match; the user picks one (by number)."""

    candidates: tuple[PendingReminder, ...]


@dataclass(frozen=True, slots=True)
class NeedsReminderConfirmation:
    """Deleting a reminder waits for a yes."""

    reminder: PendingReminder


@dataclass(frozen=True, slots=True)
class NoReminderFound:
    """No pending reminder matches; `gone`: the chosen one was delivered or removed since."""

    query: str | None
    at: datetime | None = None
    gone: bool = False


@dataclass(frozen=True, slots=True)
class ChangedMeanwhile:
    """The event changed since it was shown to the user; nothing was overwritten."""

    current: Event | None


@dataclass(frozen=True, slots=True)
class BackendFailed:
    """The calendar could not be reached or refused; nothing was half-written."""

    detail: str


@dataclass(frozen=True, slots=True)
class HelpShown:
    """The user asked what the assistant can do."""


@dataclass(frozen=True, slots=True)
class NotUnderstood:
    """The request was not understood; nothing is written on a guess."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    had_pending: bool


@dataclass(frozen=True, slots=True)
class NothingToUndo:
    """The undo log is empty."""


# Answers that wrote something (they carry the undo record) --------------------------------


UndoKind = Literal[
    "create", "update", "delete", "delete_many", "move_many", "reminder", "reminder_deleted"
]
_UNDO_KINDS: frozenset[str] = frozenset(get_args(UndoKind))


@dataclass(frozen=True, slots=True)
class UndoSummary:
    """What a change did, kept in the undo log beside its snapshots.

    Kept as facts, not words, because the undo may come days later in the other language:
    the reply is written when the change is undone. `title`, `start`, `end`, `all_day`
    describe the event (or reminder) as it was before; `count` the events of a bulk change.
    """

    kind: UndoKind
    title: str = ""
    start: datetime | None = None
    end: datetime | None = None
    all_day: bool = False
    count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "all_day": self.all_day,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UndoSummary:
        """Read a stored summary (also those written before it was typed: extra keys are
        ignored). An unknown kind is a ValueError, as for any unreadable entry."""
        kind = str(data.get("kind"))
        if kind not in _UNDO_KINDS:
            raise ValueError(f"unknown undo kind {kind!r}")
        return cls(
            kind=kind,  # type: ignore[arg-type]
            title=str(data.get("title") or ""),
            start=_moment(data.get("start")),
            end=_moment(data.get("end")),
            all_day=bool(data.get("all_day")),
            count=int(data.get("count") or 0),
        )


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class UndoRecord:
    """How to revert one change exactly: snapshots of every touched event id, reminder ids.

    `summary` says what the change did (written out at undo time in the language of the
    moment); `events` maps event id → its stored state before the change
    (empty list: the id did not exist); `reminders` are ids of reminders the change added;
    `restore` are reminders the change deleted, put back as they were.
    """

    summary: UndoSummary
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reminders: tuple[int, ...] = ()
    restore: tuple[PendingReminder, ...] = ()


@dataclass(frozen=True, slots=True)
class Created:
    event: Event
    undo: UndoRecord


@dataclass(frozen=True, slots=True)
class Updated:
    """`before` is the occurrence the user meant, `start`/`end` where it is now; `after` is
    what the backend returned (a series' master, an override, or a split-off new series)."""

    before: Event
    after: Event
    scope: Scope | None
    undo: UndoRecord
    start: datetime
    end: datetime
    count: int = 1  # more than one: a bulk move; `before` is the first of them
    overlaps: tuple[Event, ...] = ()  # events the moved one now overlaps
    shift_minutes: int | None = None  # a bulk move later or earlier by this much


@dataclass(frozen=True, slots=True)
class Deleted:
    events: tuple[Event, ...]
    scope: Scope | None
    undo: UndoRecord


@dataclass(frozen=True, slots=True)
class ReminderSet:
    text: str
    due: datetime
    event: Event | None
    minutes_before: int | None
    undo: UndoRecord
    rrule: str | None = None  # a repeating reminder: `due` is its first time


@dataclass(frozen=True, slots=True)
class ReminderDeleted:
    reminder: PendingReminder
    undo: UndoRecord


@dataclass(frozen=True, slots=True)
class Undone:
    summary: UndoSummary


Outcome = (
    Invalid
    | NeedsDetails
    | NeedsChoice
    | NeedsScope
    | NeedsConfirmation
    | ConflictFound
    | NothingFound
    | Listed
    | SlotsFound
    | SearchFound
    | ChangedMeanwhile
    | BackendFailed
    | HelpShown
    | NotUnderstood
    | Cancelled
    | NothingToUndo
    | Created
    | Updated
    | Deleted
    | ReminderSet
    | Undone
    | RemindersListed
    | NeedsReminderChoice
    | NeedsReminderConfirmation
    | NoReminderFound
    | ReminderDeleted
)

WRITES = (Created, Updated, Deleted, ReminderSet, ReminderDeleted)
