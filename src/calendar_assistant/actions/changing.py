"""Update and delete: find the event, ask what is unclear, confirm, write with an undo record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from calendar_assistant.actions.context import ActionContext, instant
from calendar_assistant.actions.creating import summary_of
from calendar_assistant.actions.finding import resolve_target, target_of
from calendar_assistant.actions.matching import title_matches
from calendar_assistant.actions.outcomes import (
    Deleted,
    Invalid,
    NeedsConfirmation,
    NeedsDetails,
    NeedsScope,
    NothingFound,
    Outcome,
    Problem,
    Resolution,
    UndoRecord,
    Updated,
)
from calendar_assistant.actions.snapshots import event_from_json, event_to_json
from calendar_assistant.calendars.base import CalendarError
from calendar_assistant.domain.commands import Command, EventChanges, Missing
from calendar_assistant.domain.events import Event, EventPatch, Scope


def _occurrence_key(event: Event) -> datetime | None:
    return event.recurrence_id if event.is_recurring else None


async def _snapshot(ctx: ActionContext, event_id: str) -> list[dict[str, Any]]:
    return [event_to_json(e) for e in await ctx.calendar.snapshot(event_id)]


def _moved_to(event: Event, new_start: datetime, ctx: ActionContext) -> tuple[datetime, datetime]:
    """The event moved to start at `new_start`, its length kept (whole days for all-day)."""
    zone = ctx.profile.zone
    if event.all_day:
        days = (event.end.astimezone(zone).date() - event.start.astimezone(zone).date()).days
        first = new_start.astimezone(zone).date()
        return ctx.midnight(first), ctx.midnight(first + timedelta(days=max(1, days)))
    return instant(new_start), instant(new_start) + (instant(event.end) - instant(event.start))


def _on_day(event: Event, day: date, ctx: ActionContext) -> datetime:
    """The same clock time as `event` on another day («перенеси на четверг»)."""
    local = event.start.astimezone(ctx.profile.zone)
    return datetime.combine(day, local.time(), tzinfo=ctx.profile.zone)


def _at_clock_of(event: Event, moment: datetime, ctx: ActionContext) -> datetime:
    """`moment`'s clock time on the event's own day: "move lunch to 2pm" keeps Friday."""
    zone = ctx.profile.zone
    day = event.start.astimezone(zone).date()
    return datetime.combine(day, moment.astimezone(zone).time(), tzinfo=zone)


def _new_times(command: Command, event: Event, ctx: ActionContext) -> tuple[datetime, datetime]:
    changes = command.changes or EventChanges()
    start, end = instant(event.start), instant(event.end)
    if changes.start is not None:
        new_start = changes.start
        if changes.time_only and command.day is None and not event.all_day:
            new_start = _at_clock_of(event, changes.start, ctx)
        start, end = _moved_to(event, new_start, ctx)
    elif command.day is not None:
        start, end = _moved_to(event, _on_day(event, command.day, ctx), ctx)
    if changes.shift_minutes:  # «на час позже»: both ends move, in real time (DST-safe)
        start += timedelta(minutes=changes.shift_minutes)
        end += timedelta(minutes=changes.shift_minutes)
    if changes.end is not None:
        end = instant(changes.end)
    elif changes.duration_minutes is not None:
        end = instant(start) + timedelta(minutes=changes.duration_minutes)
    if changes.end_shift_minutes:  # "extend by 30 minutes", «на час длиннее»
        end += timedelta(minutes=changes.end_shift_minutes)
    return instant(start), instant(end)


def _changes_nothing(command: Command) -> bool:
    changes = command.changes or EventChanges()
    return command.day is None and not (
        changes.start
        or changes.end
        or changes.title
        or changes.location
        or changes.duration_minutes
        or changes.shift_minutes
        or changes.end_shift_minutes
    )


async def update_event(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    if ctx.calendar.capabilities.read_only:  # before any question: the answer would not help
        return Invalid(Problem.READ_ONLY)
    if _changes_nothing(command):
        return NeedsDetails(command, (Missing.TIME,))
    bulk = command.range_start is not None and command.range_end is not None
    if bulk and command.target is None:
        return await _move_range(command, resolution, ctx)
    resolved = await resolve_target(command, resolution, ctx)
    if not isinstance(resolved, Event):
        return resolved
    event = resolved
    start, end = _new_times(command, event, ctx)
    if end <= start:
        return Invalid(Problem.END_BEFORE_START)
    scope: Scope | None = None
    if event.is_recurring:
        if not ctx.calendar.capabilities.series_scopes:
            scope = Scope.ALL
        elif resolution.scope is None:
            return NeedsScope(event, deleting=False)
        else:
            scope = resolution.scope
    moves = (start, end) != (instant(event.start), instant(event.end))
    patch = EventPatch(
        title=command.changes.title if command.changes else None,
        start=start if moves else None,
        end=end if moves else None,
        location=command.changes.location if command.changes else None,
    )
    before = await _snapshot(ctx, event.id)
    after = await ctx.calendar.update_event(
        event.id,
        patch,
        scope=scope or Scope.ALL,
        occurrence=_occurrence_key(event),
        expected_version=event.version,
    )
    touched: dict[str, list[dict[str, Any]]] = {event.id: before}
    if after.id != event.id:
        touched[after.id] = []
    summary = summary_of("update", event)
    clashes = await _clashes(ctx, event.id, start, end) if moves else ()
    return Updated(event, after, scope, UndoRecord(summary, touched), start, end, overlaps=clashes)


async def _clashes(
    ctx: ActionContext, moved_id: str, start: datetime, end: datetime
) -> tuple[Event, ...]:
    """Timed events the moved one now overlaps: said in the reply, never a reason to refuse."""
    return tuple(
        e
        for e in await ctx.calendar.list_events(start, end)
        if e.id != moved_id and not e.all_day and instant(e.start) < end and start < instant(e.end)
    )


async def delete_event(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    if ctx.calendar.capabilities.read_only:
        return Invalid(Problem.READ_ONLY)
    target = target_of(command)
    bulk = command.range_start is not None and command.range_end is not None
    if bulk and target.range_start is None and target.start is None:
        return await _delete_range(command, resolution, ctx)
    resolved = await resolve_target(command, resolution, ctx)
    if not isinstance(resolved, Event):
        return resolved
    event = resolved
    scope: Scope | None = None
    if event.is_recurring:
        if not ctx.calendar.capabilities.series_scopes:
            scope = Scope.ALL
        elif resolution.scope is None:
            return NeedsScope(event, deleting=True)
        else:
            scope = resolution.scope
    if not resolution.confirmed:
        return NeedsConfirmation(deleting=True, events=(event,), scope=scope)
    before = await _snapshot(ctx, event.id)
    await ctx.calendar.delete_event(
        event.id,
        scope=scope or Scope.ALL,
        occurrence=_occurrence_key(event),
        expected_version=event.version,
    )
    summary = summary_of("delete", event)
    return Deleted((event,), scope, UndoRecord(summary, {event.id: before}))


async def _delete_range(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    """«Удали все встречи на понедельник»: every occurrence in the window, after a yes."""
    assert command.range_start is not None
    assert command.range_end is not None
    title = target_of(command).title
    occurrences = await ctx.calendar.list_events(command.range_start, command.range_end)
    if title:
        occurrences = [e for e in occurrences if title_matches(title, e.title)]
    if not occurrences:
        return NothingFound(title, command.range_start, command.range_end)
    if not resolution.confirmed:
        return NeedsConfirmation(deleting=True, events=tuple(occurrences))
    before: dict[str, list[dict[str, Any]]] = {}
    for event in occurrences:
        if event.id not in before:
            before[event.id] = await _snapshot(ctx, event.id)
    try:
        for event in occurrences:
            await ctx.calendar.delete_event(
                event.id,
                scope=Scope.THIS if event.is_recurring else Scope.ALL,
                occurrence=_occurrence_key(event),
            )
    except CalendarError:
        await restore_all(ctx, before)  # all or nothing: put back what was deleted already
        raise
    first = occurrences[0]
    summary = summary_of("delete_many", first, len(occurrences))
    return Deleted(tuple(occurrences), None, UndoRecord(summary, before))


async def restore_all(ctx: ActionContext, snapshots: dict[str, list[dict[str, Any]]]) -> None:
    """Put every event id back as its snapshot had it (undo, and rollback of a bulk change)."""
    for event_id, stored in snapshots.items():
        await ctx.calendar.restore(event_id, [event_from_json(e) for e in stored])


def _range_placement(
    command: Command, ctx: ActionContext
) -> Callable[[Event], tuple[datetime, datetime]] | None:
    """Where each event of a bulk move goes: to another day at its own clock time (the day
    from `changes.start` or `day`), or later or earlier by the same amount ("push everything
    after lunch by an hour", in real time); None when neither is said."""
    changes = command.changes or EventChanges()
    if changes.shift_minutes:
        shift = timedelta(minutes=changes.shift_minutes)
        return lambda event: (instant(event.start) + shift, instant(event.end) + shift)
    if changes.start is not None:
        day = changes.start.astimezone(ctx.profile.zone).date()
    elif command.day is not None:
        day = command.day
    else:
        return None
    return lambda event: _moved_to(event, _on_day(event, day, ctx), ctx)


async def _move_range(command: Command, resolution: Resolution, ctx: ActionContext) -> Outcome:
    """«Перенеси все встречи с понедельника на вторник», "push everything after lunch by an
    hour": every occurrence, after a yes. Each keeps its length (`_range_placement`)."""
    assert command.range_start is not None
    assert command.range_end is not None
    placed = _range_placement(command, ctx)
    shift = command.changes.shift_minutes if command.changes else None
    if placed is None:
        return NeedsDetails(command, (Missing.DATE,))
    occurrences = await ctx.calendar.list_events(command.range_start, command.range_end)
    if not occurrences:
        return NothingFound(None, command.range_start, command.range_end)
    first = occurrences[0]
    new_start, new_end = placed(first)
    if not resolution.confirmed:
        return NeedsConfirmation(
            deleting=False,
            events=tuple(occurrences),
            new_start=new_start,
            new_end=new_end,
            shift_minutes=shift,
        )
    before: dict[str, list[dict[str, Any]]] = {}
    for event in occurrences:
        if event.id not in before:
            before[event.id] = await _snapshot(ctx, event.id)
    try:
        for event in occurrences:
            start, end = placed(event)
            await ctx.calendar.update_event(
                event.id,
                EventPatch(start=start, end=end),
                scope=Scope.THIS if event.is_recurring else Scope.ALL,
                occurrence=_occurrence_key(event),
            )
    except CalendarError:
        await restore_all(ctx, before)  # all or nothing
        raise
    summary = summary_of("move_many", first, len(occurrences))
    undo = UndoRecord(summary, before)
    count = len(occurrences)
    return Updated(first, first, None, undo, new_start, new_end, count, shift_minutes=shift)
