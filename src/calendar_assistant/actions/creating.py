"""Create an event: validate, check for conflicts, offer free slots, write with an undo record."""

from __future__ import annotations

from datetime import datetime, timedelta

from calendar_assistant.actions.context import ActionContext, instant
from calendar_assistant.actions.outcomes import (
    ConflictFound,
    Created,
    Invalid,
    NeedsDetails,
    Outcome,
    Problem,
    Resolution,
    UndoKind,
    UndoRecord,
    UndoSummary,
)
from calendar_assistant.domain.commands import Command, Missing
from calendar_assistant.domain.events import Event, NewEvent
from calendar_assistant.domain.free_slots import free_slots
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.domain.recurrence import validate_rrule

_SLOT_OFFERS = 3
_SLOT_SEARCH_DAYS = 7


def summary_of(kind: UndoKind, event: Event, count: int = 0) -> UndoSummary:
    """What a change to `event` did, as the undo log keeps it."""
    return UndoSummary(kind, event.title, event.start, event.end, event.all_day, count)


def planned_times(command: Command, ctx: ActionContext) -> tuple[datetime, datetime] | None:
    """Start and end of the new event, the end from the duration or the user's default."""
    if command.start is None:
        return None
    start = instant(command.start)
    if command.end is not None:
        return start, instant(command.end)
    if command.all_day:
        day = command.start.astimezone(ctx.profile.zone).date()
        return start, instant(ctx.midnight(day + timedelta(days=1)))
    length = (
        timedelta(minutes=command.duration_minutes)
        if command.duration_minutes
        else ctx.profile.default_duration
    )
    return start, start + length


async def offer_slots(ctx: ActionContext, start: datetime, end: datetime) -> tuple[Interval, ...]:
    """Up to three free slots of the same length in working hours, nearest to the wish."""
    start, end = instant(start), instant(end)
    length = end - start
    first_day = start.astimezone(ctx.profile.zone).date()
    window = Interval(*ctx.day_window(first_day, _SLOT_SEARCH_DAYS))
    busy = await ctx.calendar.free_busy(window.start, window.end)
    free = free_slots(
        busy,
        window,
        tz=ctx.profile.zone,
        working_hours=ctx.profile.working_hours,
        working_days=ctx.profile.working_days,
        min_length=length,
        not_before=ctx.now,
    )
    candidates: set[datetime] = set()
    for gap in free:
        earliest, latest = instant(gap.start), instant(gap.end) - length
        candidates.add(min(max(start, earliest), latest))
        candidates.add(earliest)
        candidates.add(latest)
    ranked = sorted(candidates, key=lambda s: (abs(s - start), s))
    chosen: list[Interval] = []
    for slot_start in ranked:
        slot = Interval(slot_start, slot_start + length)
        if not any(slot.overlaps(c) for c in chosen):
            chosen.append(slot)
        if len(chosen) == _SLOT_OFFERS:
            break
    return tuple(sorted(chosen))


async def create_event(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    if ctx.calendar.capabilities.read_only:  # before any question: the answer would not help
        return Invalid(Problem.READ_ONLY)
    missing = list(command.missing)
    if not command.title and Missing.TITLE not in missing:
        missing.append(Missing.TITLE)
    if command.start is None and not (Missing.DATE in missing or Missing.TIME in missing):
        missing.append(Missing.TIME if command.day else Missing.DATE)
    if missing:
        return NeedsDetails(command, tuple(missing))
    times = planned_times(command, ctx)
    assert times is not None
    assert command.title is not None
    start, end = times
    if end <= start:
        return Invalid(Problem.END_BEFORE_START)
    now = instant(ctx.now)
    past = end <= now if command.all_day else start < now - timedelta(minutes=1)
    if past and not command.recurrence:
        return Invalid(Problem.IN_THE_PAST)
    if command.recurrence:
        if not ctx.calendar.capabilities.recurrence:
            return Invalid(Problem.NO_RECURRENCE)
        try:
            validate_rrule(command.recurrence)
        except ValueError:
            return Invalid(Problem.BAD_RECURRENCE)
    if not resolution.force and not command.all_day:
        overlapping = [
            e
            for e in await ctx.calendar.list_events(start, end)
            if not e.all_day and instant(e.start) < end and start < instant(e.end)
        ]
        if overlapping:
            slots = await offer_slots(ctx, start, end)
            return ConflictFound(command.title, start, end, tuple(overlapping), slots)
    reminder = ctx.profile.default_reminder_minutes
    new = NewEvent(
        title=command.title,
        start=start,
        end=end,
        timezone=ctx.profile.zone.key,
        all_day=command.all_day,
        rrule=command.recurrence,
        location=command.location,
        attendees=command.attendees,
        reminders=() if reminder is None else (reminder,),
    )
    event = await ctx.calendar.create_event(new)
    return Created(event, UndoRecord(summary_of("create", event), {event.id: []}))
