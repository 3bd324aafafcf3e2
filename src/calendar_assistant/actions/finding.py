"""Find the event an update, delete, reminder or search means, from what the user said."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from calendar_assistant.actions.context import ActionContext, instant
from calendar_assistant.actions.matching import match_score, title_matches
from calendar_assistant.actions.outcomes import (
    ChangedMeanwhile,
    NeedsChoice,
    NeedsDetails,
    NothingFound,
    Outcome,
    Resolution,
)
from calendar_assistant.calendars.base import CalendarBackend
from calendar_assistant.domain.commands import Command, EventTarget, Missing
from calendar_assistant.domain.events import Event

# Look close first, then far: most requests mean something in the next two weeks, and a
# year of expanded series is the expensive case.
_NEAR = timedelta(days=14)
_FAR = timedelta(days=366)
_LOOK_BACK = timedelta(days=366)
_CHOICES = 6  # at most this many numbered choices
_DAY = timedelta(days=1)
# What comes next is mostly in the next days: a search that shows only the first few
# occurrences reads these first, and the rest of its window only when they hold too few.
_FIRST_DAYS = timedelta(days=2)


def target_of(command: Command) -> EventTarget:
    """The target as said; a bare title on the command counts as the target's title."""
    target = command.target or EventTarget()
    if target.title is None and command.title:
        target = target.model_copy(update={"title": command.title})
    return target


async def by_id(
    calendar: CalendarBackend, event_id: str, occurrence: datetime | None
) -> Event | None:
    """The event the user pointed at by its id (the web dialog): a single event, or the
    one occurrence of a series whose original start is `occurrence`; None when there is no
    such event in this calendar (another user's id included).

    A series without an occurrence named is None: which occurrence a change is for must
    be said, never guessed. An occurrence is looked for within a day of its original start
    (an occurrence moved further away than that is not found).
    """
    if occurrence is None:
        event = await calendar.get_event(event_id)
        return None if event is None or event.is_recurring else event
    around = await calendar.list_events(occurrence - _DAY, occurrence + _DAY)
    for event in around:
        if (
            event.id == event_id
            and event.recurrence_id is not None
            and instant(event.recurrence_id) == instant(occurrence)
        ):
            return event
    return None


def _filter(events: list[Event], title: str | None) -> list[Event]:
    """The events the spoken words name: by title, or by a person they are with ("when am
    I meeting Anna" finds "Sync" with Anna among its attendees)."""
    if not title:
        return events
    return [
        e
        for e in events
        if title_matches(title, e.title) or any(title_matches(title, a) for a in e.attendees)
    ]


async def near_first(
    calendar: CalendarBackend,
    start: datetime,
    end: datetime,
    keep: Callable[[list[Event]], list[Event]],
    enough: int | None = None,
) -> list[Event]:
    """`keep` of the occurrences in [start, end), sorted by start, or only a prefix of them.

    With `enough`, the first days are read first, and when `keep` finds that many starting
    from `start` among them the rest is not read: the first `enough` occurrences from
    `start` on are then the same as from the whole window (every later one starts after
    them), which is all a caller that shows that many and drops what began before `start`
    looks at. Otherwise the rest is read and the result is what one read gives.
    """
    split = start + _FIRST_DAYS
    if enough is None or split >= end:
        return keep(await calendar.list_events(start, end))
    first = keep(await calendar.list_events(start, split))
    if sum(1 for e in first if _from(e, start)) >= enough:
        return first
    # The window's occurrences that start before the split were all in the first read.
    rest = keep(await calendar.list_events(split, end))
    return first + [e for e in rest if _from(e, split)]


def _from(event: Event, moment: datetime) -> bool:
    return instant(event.start) >= instant(moment)


async def find_occurrences(
    ctx: ActionContext,
    target: EventTarget,
    *,
    upcoming_only: bool = False,
    enough: int | None = None,
) -> list[Event]:
    """Every occurrence matching the target, sorted by start.

    A named window is searched as said; a named time means events starting then (or
    running then, when none starts exactly then); a title alone is looked for from the
    start of today onward, near first. With `upcoming_only` (from now on), a caller that
    shows only the first `enough` may get only those (`near_first`).
    """
    cal = ctx.calendar
    if target.event_id is not None:  # pointed at: exactly that event, whatever its title
        event = await by_id(cal, target.event_id, target.occurrence)
        found = [] if event is None else [event]
    elif target.range_start is not None and target.range_end is not None:
        found = _filter(await cal.list_events(target.range_start, target.range_end), target.title)
    elif target.start is not None:
        running = await cal.list_events(target.start, target.start + timedelta(minutes=1))
        exact = [e for e in running if instant(e.start) == instant(target.start)]
        found = _filter(exact or running, target.title)
    elif target.title:
        title = target.title
        begin: datetime = ctx.now if upcoming_only else ctx.midnight(ctx.today)
        found = await near_first(
            cal,
            begin,
            begin + _NEAR,
            lambda events: _filter(events, title),
            enough if upcoming_only else None,
        )
        if not found:
            found = _filter(await cal.list_events(begin + _NEAR, begin + _FAR), target.title)
    else:
        return []
    if upcoming_only:
        found = [e for e in found if instant(e.start) >= instant(ctx.now)]
    return found


async def latest_occurrences(ctx: ActionContext, target: EventTarget) -> list[Event]:
    """The occurrences gone by that the target names, latest first ("when did I last see
    the dentist"): within the window said ("last month"), else over the year before now,
    which holds a yearly check-up."""
    begin, end = looking_back_window(ctx, target)
    if instant(begin) >= instant(end):
        return []
    found = _filter(await ctx.calendar.list_events(begin, end), target.title)
    gone = [e for e in found if instant(e.start) < instant(ctx.now)]
    return sorted(gone, key=lambda e: instant(e.start), reverse=True)


def looking_back_window(ctx: ActionContext, target: EventTarget) -> tuple[datetime, datetime]:
    """Where "when did I last …" looks: the window said, cut at now, else the past year."""
    begin = target.range_start or ctx.now - _LOOK_BACK
    end = min(target.range_end or ctx.now, ctx.now, key=instant)
    return begin, end


def distinct_events(occurrences: list[Event], title: str | None) -> list[Event]:
    """One occurrence per stored event (the first), best title match first, then by time."""
    first: dict[str, Event] = {}
    for occurrence in occurrences:
        first.setdefault(occurrence.id, occurrence)
    events = list(first.values())
    if title:
        events.sort(key=lambda e: (-match_score(title, e.title), e.start))
    return events


async def refetch(ctx: ActionContext, chosen: Event) -> Event | None:
    """The chosen occurrence as stored now (it may have moved or gone since it was shown)."""
    if not chosen.is_recurring:
        return await ctx.calendar.get_event(chosen.id)
    around = await ctx.calendar.list_events(chosen.start, chosen.start + timedelta(minutes=1))
    for event in around:
        if event.id == chosen.id and event.recurrence_id == chosen.recurrence_id:
            return event
    return None


async def resolve_target(
    command: Command,
    resolution: Resolution,
    ctx: ActionContext,
    *,
    upcoming_only: bool = False,
) -> Event | Outcome:
    """The one occurrence the command means, or the question or answer that stops us.

    An occurrence chosen earlier (`resolution.target`) is read again: if it changed or
    went meanwhile, that is the answer, and nothing gets overwritten.
    """
    if resolution.target is not None:
        current = await refetch(ctx, resolution.target)
        if current is None:
            return ChangedMeanwhile(None)
        if current.version != resolution.target.version:
            return ChangedMeanwhile(current)
        return current
    target = target_of(command)
    if not (target.title or target.start or target.range_start or target.event_id):
        return NeedsDetails(command, (Missing.TARGET,))
    found = await find_occurrences(ctx, target, upcoming_only=upcoming_only)
    if not found:
        return NothingFound(target.title, target.range_start, target.range_end, target.start)
    events = distinct_events(found, target.title)
    if len(events) > 1 and target.title:
        best = [e for e in events if match_score(target.title, e.title) == 1.0]
        if len(best) == 1:
            events = best
    if len(events) > 1:
        return NeedsChoice(tuple(events[:_CHOICES]))
    return events[0]
