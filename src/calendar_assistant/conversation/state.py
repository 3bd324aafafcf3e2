"""The pending dialogue of one user: the question asked and the command waiting on it.

Stored as JSON through the dialogue-state repository, read back on the next message. A
question older than `PENDING_TTL` is dropped: a «да» hours later must not confirm a
delete the user has forgotten about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from calendar_assistant.actions.context import PendingReminder
from calendar_assistant.actions.outcomes import Resolution
from calendar_assistant.actions.snapshots import event_from_json, event_to_json
from calendar_assistant.domain.commands import Command
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.domain.language import Lang

PENDING_TTL = timedelta(hours=1)


class Stage(StrEnum):
    """What the assistant asked."""

    CLARIFY = "clarify"  # a missing title, date, time or target
    CHOOSE = "choose"  # which of several events
    SCOPE = "scope"  # this occurrence / this and following / the whole series
    CONFIRM = "confirm"  # yes or no before a delete
    CONFLICT = "conflict"  # create anyway / a free slot / cancel
    READING = "reading"  # which of the likeliest readings of the words (or: do it?)


@dataclass(frozen=True, slots=True)
class Pending:
    stage: Stage
    command: Command
    token: str
    asked_at: datetime
    lang: Lang
    resolution: Resolution = field(default_factory=Resolution)
    choices: tuple[Event, ...] = ()
    slots: tuple[Interval, ...] = ()
    reminder_choices: tuple[PendingReminder, ...] = ()  # which reminder, when that was asked
    readings: tuple[Command, ...] = ()  # what the words may mean, when that was asked

    def expired(self, now: datetime) -> bool:
        return now - self.asked_at > PENDING_TTL or now < self.asked_at - PENDING_TTL

    def to_json(self) -> dict[str, Any]:
        r = self.resolution
        return {
            "stage": self.stage.value,
            "command": self.command.model_dump(mode="json"),
            "token": self.token,
            "asked_at": self.asked_at.isoformat(),
            "lang": self.lang,
            "resolution": {
                "target": None if r.target is None else event_to_json(r.target),
                "scope": None if r.scope is None else r.scope.value,
                "confirmed": r.confirmed,
                "force": r.force,
                "reminder": None if r.reminder is None else reminder_to_json(r.reminder),
            },
            "choices": [event_to_json(e) for e in self.choices],
            "slots": [[s.start.isoformat(), s.end.isoformat()] for s in self.slots],
            "reminder_choices": [reminder_to_json(c) for c in self.reminder_choices],
            "readings": [c.model_dump(mode="json") for c in self.readings],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pending | None:
        """The stored pending dialogue, or None when it is unreadable (then it is dropped)."""
        try:
            r = data.get("resolution") or {}
            target = r.get("target")
            reminder = r.get("reminder")
            lang: Lang = "en" if data.get("lang") == "en" else "ru"
            asked_at = datetime.fromisoformat(data["asked_at"])
            if asked_at.tzinfo is None:
                return None
            return cls(
                stage=Stage(data["stage"]),
                command=Command.model_validate(data["command"]),
                token=str(data["token"]),
                asked_at=asked_at,
                lang=lang,
                resolution=Resolution(
                    target=None if target is None else event_from_json(target),
                    scope=None if r.get("scope") is None else Scope(r["scope"]),
                    confirmed=bool(r.get("confirmed", False)),
                    force=bool(r.get("force", False)),
                    reminder=None if reminder is None else reminder_from_json(reminder),
                ),
                choices=tuple(event_from_json(e) for e in data.get("choices", ())),
                slots=tuple(
                    Interval(datetime.fromisoformat(a), datetime.fromisoformat(b))
                    for a, b in data.get("slots", ())
                ),
                reminder_choices=tuple(
                    reminder_from_json(c) for c in data.get("reminder_choices", ())
                ),
                readings=tuple(Command.model_validate(c) for c in data.get("readings", ())),
            )
        except (KeyError, TypeError, ValueError, ValidationError):
            return None


def reminder_to_json(reminder: PendingReminder) -> dict[str, Any]:
    """A reminder as kept in the pending question and in the undo log."""
    return {
        "id": reminder.id,
        "text": reminder.text,
        "due": reminder.due.isoformat(),
        "event_id": reminder.event_id,
        "minutes_before": reminder.minutes_before,
    }


def reminder_from_json(data: dict[str, Any]) -> PendingReminder:
    """Read back `reminder_to_json`; raises ValueError (or Key/TypeError) when malformed."""
    due = datetime.fromisoformat(str(data["due"]))
    if due.tzinfo is None:
        raise ValueError("a stored reminder's due time lost its zone")
    minutes = data.get("minutes_before")
    event_id = data.get("event_id")
    return PendingReminder(
        id=int(data["id"]),
        text=str(data["text"]),
        due=due,
        event_id=None if event_id is None else str(event_id),
        minutes_before=None if minutes is None else int(minutes),
    )


# The event the conversation last dealt with («перенеси её на 11», "cancel that"). Kept
# beside the pending question in the same stored state; after a while "it" means nothing.
LAST_EVENT_TTL = timedelta(hours=2)


def last_event_of(data: dict[str, Any] | None, now: datetime) -> Event | None:
    """The remembered event in stored state, or None (absent, unreadable or stale)."""
    found = last_event_at(data, now)
    return None if found is None else found[0]


def last_event_at(data: dict[str, Any] | None, now: datetime) -> tuple[Event, datetime] | None:
    """The remembered event and when it was dealt with; None if absent, unreadable or stale.

    The time is kept as stored, not renewed on every message: "it" means the event of a
    recent turn, not one from hours of unrelated talk ago.
    """
    return fresh_last_event(stored_last_event(data), now)


def stored_last_event(data: dict[str, Any] | None) -> tuple[Event, datetime] | None:
    """The remembered event as stored, however old; None if absent or unreadable."""
    if not data or not isinstance(data.get("last_event"), dict):
        return None
    try:
        at = datetime.fromisoformat(str(data["last_at"]))
        if at.tzinfo is None:
            return None
        return event_from_json(data["last_event"]), at
    except (KeyError, TypeError, ValueError, ValidationError):
        return None


def fresh_last_event(
    found: tuple[Event, datetime] | None, now: datetime
) -> tuple[Event, datetime] | None:
    """`found` while "it" may still mean it (within LAST_EVENT_TTL of `now`), else None."""
    if found is None or not (now - LAST_EVENT_TTL <= found[1] <= now + LAST_EVENT_TTL):
        return None
    return found


def remembered(event: Event | None, at: datetime) -> dict[str, Any]:
    """The state keys that remember `event` (none when there is nothing to remember)."""
    if event is None:
        return {}
    return {"last_event": event_to_json(event), "last_at": at.isoformat()}


# The last few turns the LLM sees in its prompt (issue #6). They live in the same stored
# state, read with the user in one statement, so every replica and a restarted server see
# them, and /forget deletes them with the row. Each turn is cut short: a long listing helps
# the model little and would make every prompt and every write bigger.
TURN_MAX_CHARS = 500
#: Turns older than this are dropped: after a long pause earlier talk is not context.
TURNS_TTL = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of the conversation as the model will see it."""

    role: str  # "user" or "assistant"
    text: str
    at: datetime

    def to_json(self) -> dict[str, str]:
        return {"role": self.role, "text": self.text, "at": self.at.isoformat()}


def clipped(text: str) -> str:
    """`text` without surrounding space, at most TURN_MAX_CHARS characters (… marks a cut)."""
    text = text.strip()
    if len(text) <= TURN_MAX_CHARS:
        return text
    return text[: TURN_MAX_CHARS - 1].rstrip() + "…"


def turns_of(data: dict[str, Any] | None, now: datetime) -> tuple[Turn, ...]:
    """The stored turns still fresh at `now`, oldest first; unreadable ones are skipped."""
    return fresh_turns(stored_turns(data), now)


def stored_turns(data: dict[str, Any] | None) -> tuple[Turn, ...]:
    """The turns as stored, however old, oldest first; unreadable ones are skipped."""
    stored = data.get("turns") if data else None
    if not isinstance(stored, list):
        return ()
    kept: list[Turn] = []
    for item in stored:
        try:
            at = datetime.fromisoformat(str(item["at"]))
            role, text = str(item["role"]), str(item["text"])
        except (KeyError, TypeError, ValueError):
            continue
        if at.tzinfo is not None and role in ("user", "assistant"):
            kept.append(Turn(role, clipped(text), at))
    return tuple(kept)


def fresh_turns(turns: tuple[Turn, ...], now: datetime) -> tuple[Turn, ...]:
    """The turns within TURNS_TTL of `now`."""
    now = now.astimezone(UTC)  # real hours: a DST change in the user's zone is no gap
    return tuple(t for t in turns if now - TURNS_TTL <= t.at <= now + TURNS_TTL)


def with_turns(
    turns: tuple[Turn, ...], new: list[tuple[str, str]], now: datetime, limit: int
) -> tuple[Turn, ...]:
    """`turns` and the `new` (role, text) ones, empty texts left out, the last `limit` kept."""
    at = now.astimezone(UTC)
    added = tuple(Turn(role, clipped(text), at) for role, text in new if text.strip())
    return (turns + added)[-limit:] if limit > 0 else ()
