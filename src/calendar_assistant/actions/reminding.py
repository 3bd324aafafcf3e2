"""Reminders: absolute («напомни завтра в 9 позвонить маме») or before an event.

Choice: a reminder relative to an event is stored as its own reminder row (due at the
next occurrence's start − N, linked by event id and minutes_before) rather than added to
the event's `reminders`: it then belongs to that one occurrence, is undone by deleting
one row, and works the same for calendars that cannot store reminders.
"""

from __future__ import annotations

from datetime import timedelta

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

_SERIES_LOOKAHEAD = timedelta(days=366)


async def create_reminder(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    if command.reminder_minutes_before is not None:
        return await _before_event(command, resolution, ctx, command.reminder_minutes_before)
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
    reminder_id = await ctx.reminders.add(
        text=command.title, due=due, event_id=None, minutes_before=None
    )
    summary = UndoSummary("reminder", command.title, due)
    return ReminderSet(command.title, due, None, None, UndoRecord(summary, {}, (reminder_id,)))


async def _before_event(
    command: Command, resolution: Resolution, ctx: ActionContext, minutes: int
) -> Outcome:
    resolved = await resolve_target(command, resolution, ctx, upcoming_only=True)
    if not isinstance(resolved, Event):
        return resolved
    event = resolved
    due = instant(event.start) - timedelta(minutes=minutes)
    if due < instant(ctx.now) and event.is_recurring:
        # Too late for this occurrence of a series: the next one it is still in time for.
        later = await ctx.calendar.list_events(event.end, event.end + _SERIES_LOOKAHEAD)
        event = next(
            (
                e
                for e in later
                if e.id == event.id
                and instant(e.start) - timedelta(minutes=minutes) >= instant(ctx.now)
            ),
            event,
        )
        due = instant(event.start) - timedelta(minutes=minutes)
    if due < instant(ctx.now) - timedelta(minutes=1):
        return Invalid(Problem.IN_THE_PAST)
    reminder_id = await ctx.reminders.add(
        text=event.title, due=due, event_id=event.id, minutes_before=minutes
    )
    summary = UndoSummary("reminder", event.title, due)
    return ReminderSet(event.title, due, event, minutes, UndoRecord(summary, {}, (reminder_id,)))
