"""A target named by the event's id (the web calendar's dialog) means exactly that event:
not one found by its title, not another user's, and in a series only the occurrence named."""

from __future__ import annotations

from datetime import datetime, timedelta

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.executor import execute
from calendar_assistant.actions.finding import by_id
from calendar_assistant.actions.outcomes import (
    NeedsConfirmation,
    NeedsScope,
    NothingFound,
    Resolution,
    Updated,
)
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent
from calendar_assistant.domain.events import NewEvent, Scope
from calendar_assistant.storage import Database, UserRepository
from support import MOSCOW

DAY = datetime(2026, 11, 25, tzinfo=MOSCOW)


async def _add(ctx: ActionContext, title: str, hour: int, rrule: str | None = None) -> str:
    start = DAY.replace(hour=hour)
    made = await ctx.calendar.create_event(
        NewEvent(title, start, start + timedelta(hours=1), "Europe/Moscow", rrule=rrule)
    )
    return made.id


def _move(event_id: str, hour: int, occurrence: datetime | None = None) -> Command:
    return Command(
        intent=Intent.UPDATE_EVENT,
        target=EventTarget(event_id=event_id, occurrence=occurrence),
        changes=EventChanges(start=DAY.replace(hour=hour)),
    )


async def test_the_id_picks_one_of_two_events_with_the_same_title(ctx: ActionContext) -> None:
    await _add(ctx, "Планёрка", 9)
    second = await _add(ctx, "Планёрка", 12)
    outcome = await execute(_move(second, 16), ctx)
    assert isinstance(outcome, Updated)
    assert outcome.before.id == second
    starts = sorted(
        e.start.astimezone(MOSCOW).hour
        for e in await ctx.calendar.list_events(DAY, DAY + timedelta(1))
    )
    assert starts == [9, 16]
    # The id wins over a title that names the other event, or no event at all.
    command = _move(second, 17).model_copy(update={"title": "Обед"})
    assert isinstance(await execute(command, ctx), Updated)


async def test_a_delete_by_id_still_asks(ctx: ActionContext) -> None:
    event_id = await _add(ctx, "Созвон", 10)
    command = Command(intent=Intent.DELETE_EVENT, target=EventTarget(event_id=event_id))
    asked = await execute(command, ctx)
    assert isinstance(asked, NeedsConfirmation)
    assert [e.id for e in asked.events] == [event_id]


async def test_another_users_id_is_not_found(ctx: ActionContext, database: Database) -> None:
    other = await UserRepository(database).get_or_create("test:someone-else")
    theirs = await LocalCalendar(database, other.id).create_event(
        NewEvent("Чужое", DAY.replace(hour=9), DAY.replace(hour=10), "Europe/Moscow")
    )
    assert await by_id(ctx.calendar, theirs.id, None) is None
    outcome = await execute(_move(theirs.id, 15), ctx)
    assert isinstance(outcome, NothingFound)
    kept = await LocalCalendar(database, other.id).get_event(theirs.id)
    assert kept is not None
    assert kept.start.astimezone(MOSCOW).hour == 9


async def test_in_a_series_only_the_named_occurrence(ctx: ActionContext) -> None:
    series = await _add(ctx, "Йога", 8, rrule="FREQ=DAILY;COUNT=5")
    assert await by_id(ctx.calendar, series, None) is None  # which one must be said
    tomorrow = DAY.replace(hour=8) + timedelta(days=1)
    command = _move(series, 20, occurrence=tomorrow).model_copy(
        update={"changes": EventChanges(start=tomorrow.replace(hour=20))}
    )
    asked = await execute(command, ctx)
    assert isinstance(asked, NeedsScope)
    assert asked.occurrence.recurrence_id == tomorrow
    done = await execute(command, ctx, Resolution(scope=Scope.THIS))
    assert isinstance(done, Updated)
    week = await ctx.calendar.list_events(DAY, DAY + timedelta(days=5))
    assert [e.start.astimezone(MOSCOW).hour for e in week] == [8, 20, 8, 8, 8]
