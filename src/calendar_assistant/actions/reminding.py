"""Reminders: absolute («напомни завтра в 9 позвонить маме») or before an event.

Choice: a reminder relative to an event is stored as its own reminder row (due at the
next occurrence's start − N, linked by event id and minutes_before) rather than added to
the event's `reminders`: it then belongs to that one occurrence, is undone by deleting
one row, and works the same for calendars that cannot store reminders.

A reminder said against the event's day ("the night before my dentist appointment", «утром в
день вылета») rings on the local day `reminder_day_offset` days before the event's, at
`reminder_at` (the parser's defaults: the evening/night before 20:00, the morning of 08:00)
or, with no part of day said ("the day before"), at the event's own clock (09:00 for an
all-day event). It is computed in the user's zone, so a DST change between the two days
keeps the wall clock. Should that moment not come before a timed event (the morning of a
07:00 flight), it rings an hour before the event instead. Stored like the others, with the
lead it works out to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.actions.context import ActionContext, instant
from calendar_assistant.actions.finding import resolve_target
from calendar_assistant.actions.outcomes import (
    Invalid,
    NeedsDetails,
    Outcome,
    Problem,
    ReminderSet,
    Resolution,
    UndoRecord,
    UndoSummary,
)
from calendar_assistant.domain.commands import Command, Missing
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.recurrence import validate_rrule

_SERIES_LOOKAHEAD = timedelta(days=366)
_ALL_DAY_CLOCK = time(9)  # "the day before" an all-day event: its start is a midnight
_TOO_LATE_LEAD = timedelta(hours=1)  # the day's clock is not before the event: this before


async def create_reminder(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    if command.reminder_day_offset is not None:
        days, at, zone = command.reminder_day_offset, command.reminder_at, ctx.profile.zone
        return await _before_event(
            command, resolution, ctx, lambda e: _on_day_before(e, days, at, zone), said=False
        )
    if command.reminder_minutes_before is not None:
        lead = timedelta(minutes=command.reminder_minutes_before)
        return await _before_event(command, resolution, ctx, lambda e: instant(e.start) - lead)
    if Missing.TARGET in command.missing:  # a time against an event it could not name
        return NeedsDetails(command, (Missing.TARGET,))
    missing = list(command.missing)
    if command.start is None and not (Missing.TIME in missing or Missing.DATE in missing):
        missing.append(Missing.TIME)
    if not command.title and Missing.TITLE not in missing:
        missing.append(Missing.TITLE)
    if missing:
        return NeedsDetails(command, tuple(missing))
    assert command.start is not None
    assert command.title is not None
    due = instant(command.start)
    if due < instant(ctx.now) - timedelta(minutes=1):
        return Invalid(Problem.IN_THE_PAST)
    rule = _repeat_rule(command.recurrence)
    if command.recurrence and rule is None:
        return Invalid(Problem.BAD_RECURRENCE)
    reminder_id = await ctx.reminders.add(
        text=command.title, due=due, event_id=None, minutes_before=None, rrule=rule
    )
    summary = UndoSummary("reminder", command.title, due)
    undo = UndoRecord(summary, {}, (reminder_id,))
    return ReminderSet(command.title, due, None, None, undo, rrule=rule)


def _repeat_rule(recurrence: str | None) -> str | None:
    """The rule a repeating reminder keeps ("every day at 9"), None when it is not one or
    the rule is not one we can follow (then it is refused, never kept as a one-off)."""
    if not recurrence:
        return None
    try:
        return validate_rrule(recurrence)
    except ValueError:
        return None


def _on_day_before(event: Event, days: int, at: time | None, zone: ZoneInfo) -> datetime:
    """The moment a day-counted reminder rings for `event` (see the module's docstring)."""
    start = event.start.astimezone(zone)
    clock = at or (_ALL_DAY_CLOCK if event.all_day else start.time().replace(tzinfo=None))
    due = instant(datetime.combine(start.date() - timedelta(days=days), clock, tzinfo=zone))
    if not event.all_day and due >= instant(event.start):
        due = instant(event.start) - _TOO_LATE_LEAD
    return due


async def _before_event(
    command: Command,
    resolution: Resolution,
    ctx: ActionContext,
    due_of: Callable[[Event], datetime],
    *,
    said: bool = True,
) -> Outcome:
    """A reminder at `due_of(event)` for the event the command names; `said`: the reply can
    say the lead as an amount ("an hour before"), else it says the moment and the event."""
    resolved = await resolve_target(command, resolution, ctx, upcoming_only=True)
    if not isinstance(resolved, Event):
        return resolved
    event = resolved
    due = due_of(event)
    if due < instant(ctx.now) and event.is_recurring:
        # Too late for this occurrence of a series: the next one it is still in time for.
        later = await ctx.calendar.list_events(event.end, event.end + _SERIES_LOOKAHEAD)
        event = next(
            (e for e in later if e.id == event.id and due_of(e) >= instant(ctx.now)),
            event,
        )
        due = due_of(event)
    if due < instant(ctx.now) - timedelta(minutes=1):
        return Invalid(Problem.IN_THE_PAST)
    minutes = round((instant(event.start) - due).total_seconds() / 60)
    reminder_id = await ctx.reminders.add(  # "… the night before the conference to pack"
        text=command.title or event.title, due=due, event_id=event.id, minutes_before=minutes
    )
    summary = UndoSummary("reminder", event.title, due)
    undo = UndoRecord(summary, {}, (reminder_id,))
    return ReminderSet(event.title, due, event, minutes if said else None, undo)
