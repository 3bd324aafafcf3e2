"""The read-only intents: list a range, find free slots, search by title."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.finding import find_occurrences, target_of
from calendar_assistant.actions.outcomes import (
    Invalid,
    Listed,
    NothingFound,
    Outcome,
    Problem,
    SearchFound,
    SlotsFound,
)
from calendar_assistant.domain.commands import Command
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
    if end <= start:
        return Invalid(Problem.END_BEFORE_START)
    events = await ctx.calendar.list_events(start, end)
    return Listed(start, end, tuple(events))


def _clock(moment: datetime, ctx: ActionContext) -> time:
    return moment.astimezone(ctx.profile.zone).time()


def _working_rules(
    start: datetime, end: datetime, ctx: ActionContext
) -> tuple[tuple[time, time] | None, frozenset[int]]:
    """Working hours and days apply unless the user named a window wholly outside them.

    A part of day inside or across working hours («завтра днём») is clipped to them; a
    window wholly outside («вечером», a Saturday) is searched as said.
    """
    all_days = frozenset(range(1, 8))
    hours = ctx.profile.working_hours
    local_start, local_end = start.astimezone(ctx.profile.zone), end.astimezone(ctx.profile.zone)
    whole_days = local_start.time() == time(0) and local_end.time() == time(0)
    if not whole_days and local_start.date() == (local_end - timedelta(microseconds=1)).date():
        begin, finish = _clock(start, ctx), _clock(end, ctx)
        if finish == time(0):
            finish = time(23, 59, 59)
        if finish <= hours[0] or begin >= hours[1]:
            return None, all_days
    days = set()
    day = local_start.date()
    while day < local_end.date() or (day == local_end.date() and not whole_days):
        days.add(day.isoweekday())
        day += timedelta(days=1)
        if len(days) == 7:
            break
    if days and not days & ctx.profile.working_days:
        return hours, all_days
    return hours, ctx.profile.working_days


async def find_free_slots(command: Command, ctx: ActionContext) -> Outcome:
    start, end = _window(command, ctx, _FREE_DAYS_BY_DEFAULT)
    if end <= start:
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
    if not target.title:
        if command.range_start is not None and command.range_end is not None:
            return await list_events(command, ctx)
        # «Когда у меня следующая встреча?»: no title, so whatever comes next.
        upcoming = [
            e
            for e in await ctx.calendar.list_events(ctx.now, ctx.now + _NEXT)
            if e.start >= ctx.now
        ]
        if not upcoming:
            return NothingFound(None, ctx.now, ctx.now + _NEXT)
        return SearchFound("", tuple(upcoming[:_SEARCH_SHOWS]))
    query = target.title
    if target.range_start is None and command.range_start is not None:
        target = target.model_copy(
            update={"range_start": command.range_start, "range_end": command.range_end}
        )
    explicit_window = target.range_start is not None
    found = await find_occurrences(ctx, target, upcoming_only=not explicit_window)
    if not found:
        return NothingFound(target.title, target.range_start, target.range_end)
    return SearchFound(query, tuple(found[:_SEARCH_SHOWS]))
