"""The reminders the user set: list them, and delete one (matched by its words and/or time).

A reminder is found the way an event is (lemmas, `matching.py`) among those not yet
delivered: one already sent is history, not something to cancel. Deleting asks first, and
the undo record keeps the whole reminder so undo puts back the same text, time and link.
"""

from __future__ import annotations

from datetime import datetime

from calendar_assistant.actions.context import ActionContext, PendingReminder, instant
from calendar_assistant.actions.matching import match_score, title_matches
from calendar_assistant.actions.outcomes import (
    NeedsReminderChoice,
    NeedsReminderConfirmation,
    NoReminderFound,
    Outcome,
    ReminderDeleted,
    RemindersListed,
    Resolution,
    UndoRecord,
    UndoSummary,
)
from calendar_assistant.domain.commands import Command, EventTarget

_CHOICES = 6  # at most this many numbered choices


def is_about_reminders(command: Command) -> bool:
    return command.target is not None and command.target.kind == "reminder"


async def list_reminders(command: Command, ctx: ActionContext) -> Outcome:
    """Pending reminders, soonest first; within a named window when one was said."""
    reminders = await ctx.reminders.pending()
    target = command.target or EventTarget(kind="reminder")
    if target.range_start is not None and target.range_end is not None:
        low, high = instant(target.range_start), instant(target.range_end)
        reminders = [r for r in reminders if low <= instant(r.due) < high]
    return RemindersListed(tuple(reminders))


def _at(reminder: PendingReminder, start: datetime, ctx: ActionContext) -> bool:
    return instant(reminder.due) == instant(start)


def _same_clock(reminder: PendingReminder, start: datetime, ctx: ActionContext) -> bool:
    """ "my 9am reminder": the clock time said, on whichever day the reminder is."""
    due = reminder.due.astimezone(ctx.profile.zone)
    said = start.astimezone(ctx.profile.zone)
    return (due.hour, due.minute) == (said.hour, said.minute)


def matching_reminders(
    reminders: list[PendingReminder], target: EventTarget, ctx: ActionContext
) -> list[PendingReminder]:
    """The reminders the target names, best text match first."""
    found = reminders
    if target.title:
        title = target.title
        found = [r for r in found if title_matches(title, r.text)]
        found.sort(key=lambda r: (-match_score(title, r.text), instant(r.due)))
    if target.start is not None:
        start = target.start
        exact = [r for r in found if _at(r, start, ctx)]
        found = exact or [r for r in found if _same_clock(r, start, ctx)]
    elif target.range_start is not None and target.range_end is not None:
        low, high = instant(target.range_start), instant(target.range_end)
        found = [r for r in found if low <= instant(r.due) < high]
    return found


async def delete_reminder(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    pending = await ctx.reminders.pending()
    chosen = resolution.reminder
    if chosen is not None:
        current = next((r for r in pending if r.id == chosen.id), None)
        if current is None:
            return NoReminderFound(chosen.text, gone=True)
        if not resolution.confirmed:
            return NeedsReminderConfirmation(current)
        await ctx.reminders.remove(current.id)
        summary = UndoSummary("reminder_deleted", current.text, current.due)
        return ReminderDeleted(current, UndoRecord(summary, {}, (), (current,)))
    target = command.target or EventTarget(kind="reminder")
    found = matching_reminders(pending, target, ctx)
    if not found:
        return NoReminderFound(target.title, target.start)
    if len(found) > 1 and target.title:
        best = [r for r in found if match_score(target.title, r.text) == 1.0]
        if len(best) == 1:
            found = best
    if len(found) > 1:
        return NeedsReminderChoice(tuple(found[:_CHOICES]))
    return NeedsReminderConfirmation(found[0])
