"""What the assistant noticed about the message being answered (intent, outcome, how long
understanding took), gathered through a context variable so the layers stay unaware of
the metrics library."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(slots=True)
class Observation:
    intent: str = "none"
    outcome: str = "replied"
    understanding_seconds: float | None = None


_CURRENT: ContextVar[Observation | None] = ContextVar("observation", default=None)


@contextmanager
def observing() -> Iterator[Observation]:
    """Collect what the code inside notes about this one message."""
    seen = Observation()
    token = _CURRENT.set(seen)
    try:
        yield seen
    finally:
        _CURRENT.reset(token)


def note_understanding(intent: str, seconds: float) -> None:
    """Called where text becomes a command; does nothing outside `observing()`."""
    seen = _CURRENT.get()
    if seen is not None:
        seen.intent = intent
        seen.understanding_seconds = seconds


def note_outcome(intent: str, outcome: str) -> None:
    """Called where a command's outcome is known; does nothing outside `observing()`."""
    seen = _CURRENT.get()
    if seen is not None:
        seen.intent = intent
        seen.outcome = outcome


def outcome_label(outcome: object) -> str:
    """`NeedsConfirmation()` → `needs_confirmation`: a metric label per kind of outcome."""
    name = type(outcome).__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
