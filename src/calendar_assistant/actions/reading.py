"""The read-only intents: list a range, find free slots, search by title."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from calendar_assistant.actions.context import ActionContext, instant
from calendar_assistant.actions.finding import (
    find_occurrences,
    latest_occurrences,
    looking_back_window,
    near_first,
    target_of,
)
from calendar_assistant.actions.outcomes import (
    Invalid,
    Listed,
    NothingFound,
    Outcome,
    Problem,
    SearchFound,
    SlotsFound,
)
from calendar_assistant.domain.commands import Command, EventTarget
from calendar_assistant.domain.free_slots import free_slots
from calendar_assistant.domain.intervals import Interval

_DEFAULT_SLOT = timedelta(minutes=30)
_FREE_DAYS_BY_DEFAULT = 7
_SEARCH_SHOWS = 3
_NEXT = timedelta(days=31)


def _window(command: Command, ctx: ActionContext, default_days: int) -> tuple[datetime, datetime]:
    if command.range_start is not None and command.range_end is not None:
        return command.range_start, command.range_end
    if command.start is not None and command.end is not None:
        return command.start, command.end
    day = command.day or (
        command.start.astimezone(ctx.profile.zone).date() if command.start else None
    )
    return ctx.day_window(day or ctx.today, 1 if day else default_days)


async def list_events(command: Command, ctx: ActionContext) -> Outcome:
    start, end = _window(command, ctx, 1)
    if instant(end) <= instant(start):
        return Invalid(Problem.END_BEFORE_START)
    events = await ctx.calendar.list_events(start, end)
    return Listed(start, end, tuple(events))


def _touches_working_hours(start: datetime, end: datetime, ctx: ActionContext) -> bool:
    """Whether [start, end) overlaps the working hours of any day it touches."""
    zone, (open_at, close_at) = ctx.profile.zone, ctx.profile.working_hours
    day = start.astimezone(zone).date()
    while ctx.midnight(day) < end:
        opens = datetime.combine(day, open_at, tzinfo=zone)
        closes = datetime.combine(day, close_at, tzinfo=zone)
        if instant(opens) < instant(end) and instant(start) < instant(closes):
            return True
        day += timedelta(days=1)
    return False


def _working_rules(
    start: datetime, end: datetime, ctx: ActionContext
) -> tuple[tuple[time, time] | None, frozenset[int]]:
    """Working hours and days apply unless the user named a window wholly outside them.

    A part of day inside or across working hours («завтра днём») is clipped to them; a
    window wholly outside them («вечером», "tonight") is searched as said. Days named
    that are all days off (a Saturday, the weekend) are searched in working hours.
    """
    all_days = frozenset(range(1, 8))
    local_start, local_end = start.astimezone(ctx.profile.zone), end.astimezone(ctx.profile.zone)
    whole_days = local_start.time() == time(0) and local_end.time() == time(0)
    if not whole_days and not _touches_working_hours(start, end, ctx):
        return None, all_days
    last_day = (local_end - timedelta(microseconds=1)).date()
    days = {
        (local_start.date() + timedelta(days=n)).isoweekday()
        for n in range(min(7, (last_day - local_start.date()).days + 1))
    }
    if not days & ctx.profile.working_days:
        return ctx.profile.working_hours, all_days
    return ctx.profile.working_hours, ctx.profile.working_days


async def find_free_slots(command: Command, ctx: ActionContext) -> Outcome:
    start, end = _window(command, ctx, _FREE_DAYS_BY_DEFAULT)
    if instant(end) <= instant(start):
        return Invalid(Problem.END_BEFORE_START)
    length = (
        timedelta(minutes=command.duration_minutes) if command.duration_minutes else _DEFAULT_SLOT
    )
    hours, days = _working_rules(start, end, ctx)
    busy = await ctx.calendar.free_busy(start, end)
    slots = free_slots(
        busy,
        Interval(start, end),
        tz=ctx.profile.zone,
        working_hours=hours,
        working_days=days,
        min_length=length,
        not_before=ctx.now,
    )
    return SlotsFound(start, end, length, tuple(slots))


async def search_events(command: Command, ctx: ActionContext) -> Outcome:
    target = target_of(command)
    if target.latest:
        return await _last_time(command, ctx, target)
    if not target.title and target.start is not None:
        # "what's my 3pm about": the event at that time, shown with its details
        at = await find_occurrences(ctx, target)
        if not at:
            return NothingFound(None, None, None, target.start)
        return SearchFound("", tuple(at[:_SEARCH_SHOWS]))
    if not target.title:
        if command.range_start is not None and command.range_end is not None:
            return await list_events(command, ctx)
        if target.range_start is not None and target.range_end is not None:
            # "when does my first meeting start tomorrow": the window's events, earliest first
            within = await find_occurrences(ctx, target)
            if not within:
                return NothingFound(None, target.range_start, target.range_end)
            return SearchFound("", tuple(within[:_SEARCH_SHOWS]))
        # «Когда у меня следующая встреча?»: no title, so whatever comes next.
        coming = await near_first(
            ctx.calendar, ctx.now, ctx.now + _NEXT, lambda events: events, _SEARCH_SHOWS
        )
        upcoming = [e for e in coming if instant(e.start) >= instant(ctx.now)]
        if not upcoming:
            return NothingFound(None, ctx.now, ctx.now + _NEXT)
        return SearchFound("", tuple(upcoming[:_SEARCH_SHOWS]))
    query = target.title
    if target.range_start is None and command.range_start is not None:
        target = target.model_copy(
            update={"range_start": command.range_start, "range_end": command.range_end}
        )
    explicit_window = target.range_start is not None
    found = await find_occurrences(
        ctx, target, upcoming_only=not explicit_window, enough=_SEARCH_SHOWS
    )
    if not found:
        return NothingFound(target.title, target.range_start, target.range_end)
    return SearchFound(query, tuple(found[:_SEARCH_SHOWS]))


async def _last_time(command: Command, ctx: ActionContext, target: EventTarget) -> Outcome:
    """ "when did I last see the dentist", «когда я последний раз был у стоматолога": the
    latest occurrences gone by, latest first; a window said with it ("last month") bounds it."""
    if target.range_start is None and command.range_start is not None:
        target = target.model_copy(
            update={"range_start": command.range_start, "range_end": command.range_end}
        )
    found = await latest_occurrences(ctx, target)
    if not found:
        begin, end = looking_back_window(ctx, target)
        return NothingFound(target.title, begin, end)
    return SearchFound(target.title or "", tuple(found[:_SEARCH_SHOWS]), looking_back=True)
