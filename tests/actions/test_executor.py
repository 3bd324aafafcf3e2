"""The executor on the real local calendar: each intent, its questions and its undo record."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.executor import execute, revert
from calendar_assistant.actions.outcomes import (
    ChangedMeanwhile,
    ConflictFound,
    Created,
    Deleted,
    Invalid,
    Listed,
    NeedsChoice,
    NeedsConfirmation,
    NeedsDetails,
    NeedsScope,
    NothingFound,
    Problem,
    ReminderSet,
    Resolution,
    SearchFound,
    SlotsFound,
    Updated,
)
from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent, Missing
from calendar_assistant.domain.events import EventPatch, NewEvent, Scope
from support import MOSCOW

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)  # as in conftest.py

TOMORROW = datetime(2026, 11, 25, tzinfo=MOSCOW)


def at(hour: int, minute: int = 0, day: datetime = TOMORROW) -> datetime:
    return day.replace(hour=hour, minute=minute)


async def add(
    ctx: ActionContext, title: str, start: datetime, minutes: int = 60, rrule: str | None = None
) -> str:
    event = await ctx.calendar.create_event(
        NewEvent(title, start, start + timedelta(minutes=minutes), "Europe/Moscow", rrule=rrule)
    )
    return event.id


def create(title: str | None, start: datetime | None, **extra: object) -> Command:
    return Command(intent=Intent.CREATE_EVENT, title=title, start=start, **extra)  # type: ignore[arg-type]


async def test_create_writes_at_once_with_default_length(ctx: ActionContext) -> None:
    outcome = await execute(create("Встреча с командой", at(10)), ctx)
    assert isinstance(outcome, Created)
    assert (outcome.event.start, outcome.event.end) == (at(10), at(11))
    assert [
        e.title for e in await ctx.calendar.list_events(TOMORROW, TOMORROW + timedelta(days=1))
    ] == ["Встреча с командой"]
    assert outcome.undo.events == {outcome.event.id: []}


async def test_create_attaches_the_default_reminder(ctx: ActionContext) -> None:
    ctx = dataclasses.replace(
        ctx, profile=dataclasses.replace(ctx.profile, default_reminder_minutes=15)
    )
    outcome = await execute(create("Обед", at(13)), ctx)
    assert isinstance(outcome, Created)
    assert outcome.event.reminders == (15,)


async def test_create_asks_for_what_is_missing(ctx: ActionContext) -> None:
    outcome = await execute(
        create("Встреча", None, day=TOMORROW.date(), missing=(Missing.TIME,)), ctx
    )
    assert isinstance(outcome, NeedsDetails)
    assert outcome.missing == (Missing.TIME,)
    assert await ctx.calendar.list_events(NOW, NOW + timedelta(days=30)) == []


async def test_create_refuses_an_end_before_the_start_and_the_past(ctx: ActionContext) -> None:
    backwards = await execute(create("X", at(10), end=at(9)), ctx)
    assert backwards == Invalid(Problem.END_BEFORE_START)
    past = await execute(create("X", NOW - timedelta(hours=3)), ctx)
    assert past == Invalid(Problem.IN_THE_PAST)
    assert await ctx.calendar.list_events(NOW - timedelta(days=1), NOW + timedelta(days=2)) == []


async def test_conflict_offers_nearest_free_slots_in_working_hours(ctx: ActionContext) -> None:
    await add(ctx, "Планёрка", at(10))
    await add(ctx, "Обед", at(12))
    outcome = await execute(create("Звонок", at(10, 30)), ctx)
    assert isinstance(outcome, ConflictFound)
    assert [c.title for c in outcome.conflicts] == ["Планёрка"]
    starts = [s.start for s in outcome.slots]
    assert starts == [at(9), at(11), at(13)]
    assert all(s.end - s.start == timedelta(hours=1) for s in outcome.slots)
    forced = await execute(create("Звонок", at(10, 30)), ctx, Resolution(force=True))
    assert isinstance(forced, Created)


async def test_recurring_and_all_day_creates(ctx: ActionContext) -> None:
    weekly = await execute(create("Планёрка", at(10), recurrence="FREQ=WEEKLY;BYDAY=MO"), ctx)
    assert isinstance(weekly, Created)
    assert weekly.event.start == datetime(2026, 11, 30, 10, tzinfo=MOSCOW)  # the first Monday
    whole_day = await execute(
        create("Отпуск", TOMORROW, end=TOMORROW + timedelta(days=1), all_day=True), ctx
    )
    assert isinstance(whole_day, Created)
    assert whole_day.event.all_day
    bad = await execute(create("X", at(10), recurrence="FREQ=SOMETIMES"), ctx)
    assert bad == Invalid(Problem.BAD_RECURRENCE)


async def test_list_expands_series_sorted(ctx: ActionContext) -> None:
    await add(ctx, "Стендап", at(9), 15, rrule="FREQ=DAILY")
    await add(ctx, "Обед", at(13))
    command = Command(
        intent=Intent.LIST_EVENTS, range_start=TOMORROW, range_end=TOMORROW + timedelta(days=2)
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, Listed)
    assert [(e.title, e.start.day) for e in outcome.events] == [
        ("Стендап", 25),
        ("Обед", 25),
        ("Стендап", 26),
    ]


async def test_free_slots_in_working_hours_never_in_the_past(ctx: ActionContext) -> None:
    await add(ctx, "Занято", NOW.replace(hour=15))
    today = NOW.replace(hour=0)
    command = Command(
        intent=Intent.FIND_FREE_SLOTS, range_start=today, range_end=today + timedelta(days=1)
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, SlotsFound)
    assert [(s.start.hour, s.end.hour) for s in outcome.slots] == [(14, 15), (16, 18)]


async def test_free_slots_outside_working_hours_when_asked(ctx: ActionContext) -> None:
    evening = TOMORROW.replace(hour=18)
    command = Command(
        intent=Intent.FIND_FREE_SLOTS, range_start=evening, range_end=TOMORROW + timedelta(days=1)
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, SlotsFound)
    assert [(s.start.hour, s.end) for s in outcome.slots] == [(18, TOMORROW + timedelta(days=1))]
    saturday = datetime(2026, 11, 28, tzinfo=MOSCOW)
    weekend = await execute(
        Command(
            intent=Intent.FIND_FREE_SLOTS,
            range_start=saturday,
            range_end=saturday + timedelta(days=1),
        ),
        ctx,
    )
    assert isinstance(weekend, SlotsFound)
    assert [(s.start.hour, s.end.hour) for s in weekend.slots] == [(9, 18)]


async def test_search_by_word_forms(ctx: ActionContext) -> None:
    await add(ctx, "Встреча с Иваном", at(16))
    await add(ctx, "Встреча с Петром", at(17))
    command = Command(intent=Intent.SEARCH_EVENTS, target=EventTarget(title="встречу с иваном"))
    outcome = await execute(command, ctx)
    assert isinstance(outcome, SearchFound)
    assert [e.title for e in outcome.events] == ["Встреча с Иваном"]
    missing = await execute(
        Command(intent=Intent.SEARCH_EVENTS, target=EventTarget(title="дантист")), ctx
    )
    assert isinstance(missing, NothingFound)


async def test_move_keeps_the_length_and_can_be_reverted(ctx: ActionContext) -> None:
    event_id = await add(ctx, "Встреча с командой", at(10), 90)
    command = Command(
        intent=Intent.UPDATE_EVENT,
        target=EventTarget(title="встречу с командой"),
        changes=EventChanges(start=at(11)),
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, Updated)
    moved = await ctx.calendar.get_event(event_id)
    assert moved is not None
    assert (moved.start, moved.end) == (at(11), at(12, 30))
    await revert(outcome.undo, ctx)
    back = await ctx.calendar.get_event(event_id)
    assert back is not None
    assert (back.start, back.end, back.version) == (at(10), at(11, 30), 1)


async def test_update_asks_which_when_several_match(ctx: ActionContext) -> None:
    await add(ctx, "Встреча с Иваном", at(10))
    await add(ctx, "Встреча с Петром", at(15))
    command = Command(
        intent=Intent.UPDATE_EVENT,
        target=EventTarget(title="встреча"),
        changes=EventChanges(title="Созвон"),
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, NeedsChoice)
    assert [e.title for e in outcome.candidates] == ["Встреча с Иваном", "Встреча с Петром"]
    chosen = await execute(command, ctx, Resolution(target=outcome.candidates[1]))
    assert isinstance(chosen, Updated)
    titles = [
        e.title for e in await ctx.calendar.list_events(TOMORROW, TOMORROW + timedelta(days=1))
    ]
    assert titles == ["Встреча с Иваном", "Созвон"]


async def test_series_occurrence_asks_the_scope_then_moves_only_this(ctx: ActionContext) -> None:
    await add(ctx, "Планёрка", at(10), rrule="FREQ=DAILY;COUNT=5")
    command = Command(
        intent=Intent.UPDATE_EVENT,
        target=EventTarget(
            title="планёрку", range_start=TOMORROW, range_end=TOMORROW + timedelta(days=1)
        ),
        changes=EventChanges(start=at(12)),
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, NeedsScope)
    done = await execute(command, ctx, Resolution(target=outcome.occurrence, scope=Scope.THIS))
    assert isinstance(done, Updated)
    days = await ctx.calendar.list_events(TOMORROW, TOMORROW + timedelta(days=3))
    assert [(e.start.day, e.start.hour) for e in days] == [(25, 12), (26, 10), (27, 10)]


async def test_version_conflict_is_reported_with_the_current_state(ctx: ActionContext) -> None:
    event_id = await add(ctx, "Отчёт", at(10))
    command = Command(intent=Intent.DELETE_EVENT, target=EventTarget(title="отчёт"))
    asked = await execute(command, ctx)
    assert isinstance(asked, NeedsConfirmation)
    await ctx.calendar.update_event(event_id, EventPatch(title="Отчёт за квартал"))
    outcome = await execute(command, ctx, Resolution(target=asked.events[0], confirmed=True))
    assert isinstance(outcome, ChangedMeanwhile)
    assert outcome.current is not None
    assert outcome.current.title == "Отчёт за квартал"
    assert await ctx.calendar.get_event(event_id) is not None


async def test_delete_is_confirmed_first_and_undone_exactly(ctx: ActionContext) -> None:
    event_id = await add(ctx, "Созвон с клиентом", at(11))
    command = Command(intent=Intent.DELETE_EVENT, target=EventTarget(title="созвон с клиентом"))
    asked = await execute(command, ctx)
    assert isinstance(asked, NeedsConfirmation)
    assert await ctx.calendar.get_event(event_id) is not None
    done = await execute(command, ctx, Resolution(target=asked.events[0], confirmed=True))
    assert isinstance(done, Deleted)
    assert await ctx.calendar.get_event(event_id) is None
    await revert(done.undo, ctx)
    assert await ctx.calendar.get_event(event_id) is not None


async def test_deleting_a_whole_series_is_undone_exactly(ctx: ActionContext) -> None:
    event_id = await add(ctx, "Планёрка", at(10), rrule="FREQ=WEEKLY;BYDAY=WE")
    await ctx.calendar.update_event(
        event_id, EventPatch(title="Планёрка (онлайн)"), scope=Scope.THIS, occurrence=at(10)
    )
    before = await ctx.calendar.snapshot(event_id)
    command = Command(intent=Intent.DELETE_EVENT, target=EventTarget(title="планёрку"))
    asked = await execute(command, ctx)
    assert isinstance(asked, NeedsScope)
    done = await execute(
        command, ctx, Resolution(target=asked.occurrence, scope=Scope.ALL, confirmed=True)
    )
    assert isinstance(done, Deleted)
    assert await ctx.calendar.snapshot(event_id) == []
    await revert(done.undo, ctx)
    assert await ctx.calendar.snapshot(event_id) == before


async def test_bulk_delete_of_a_day_is_confirmed_with_the_count(ctx: ActionContext) -> None:
    await add(ctx, "Раз", at(9))
    await add(ctx, "Два", at(11))
    await add(ctx, "Стендап", at(10), 15, rrule="FREQ=DAILY")
    command = Command(
        intent=Intent.DELETE_EVENT, range_start=TOMORROW, range_end=TOMORROW + timedelta(days=1)
    )
    asked = await execute(command, ctx)
    assert isinstance(asked, NeedsConfirmation)
    assert len(asked.events) == 3
    done = await execute(command, ctx, Resolution(confirmed=True))
    assert isinstance(done, Deleted)
    assert await ctx.calendar.list_events(TOMORROW, TOMORROW + timedelta(days=1)) == []
    assert (
        len(
            await ctx.calendar.list_events(
                TOMORROW + timedelta(days=1), TOMORROW + timedelta(days=2)
            )
        )
        == 1
    )
    await revert(done.undo, ctx)
    assert len(await ctx.calendar.list_events(TOMORROW, TOMORROW + timedelta(days=1))) == 3


async def test_reminders_absolute_and_before_an_event(ctx: ActionContext) -> None:
    absolute = await execute(
        Command(intent=Intent.CREATE_REMINDER, title="Позвонить маме", start=at(9)), ctx
    )
    assert isinstance(absolute, ReminderSet)
    event_id = await add(ctx, "Планёрка", at(10), rrule="FREQ=DAILY")
    relative = await execute(
        Command(
            intent=Intent.CREATE_REMINDER,
            target=EventTarget(title="планёрки"),
            reminder_minutes_before=15,
        ),
        ctx,
    )
    assert isinstance(relative, ReminderSet)
    assert relative.due == at(9, 45)
    assert relative.event is not None
    assert relative.event.id == event_id
    await revert(relative.undo, ctx)
    await revert(absolute.undo, ctx)
    missing_time = await execute(Command(intent=Intent.CREATE_REMINDER, title="Позвонить"), ctx)
    assert isinstance(missing_time, NeedsDetails)


async def test_dst_day_free_slots_and_weekly_series(ctx: ActionContext, tz: ZoneInfo) -> None:
    """On the day clocks change, working hours are local hours and a series keeps its clock time."""
    ctx = dataclasses.replace(ctx, profile=dataclasses.replace(ctx.profile, zone=tz))
    change_day = datetime(2027, 3, 28 if tz.key == "Europe/Berlin" else 14, tzinfo=tz)
    monday = change_day + timedelta(days=1)
    ctx = dataclasses.replace(ctx, now=change_day - timedelta(days=3))
    weekly = await execute(
        Command(
            intent=Intent.CREATE_EVENT,
            title="Weekly sync",
            start=(change_day - timedelta(days=6)).replace(hour=10),
            recurrence="FREQ=WEEKLY;BYDAY=MO",
        ),
        ctx,
    )
    assert isinstance(weekly, Created)
    listed = await execute(
        Command(
            intent=Intent.LIST_EVENTS,
            range_start=monday - timedelta(days=7),
            range_end=monday + timedelta(days=1),
        ),
        ctx,
    )
    assert isinstance(listed, Listed)
    assert [e.start.astimezone(tz).hour for e in listed.events] == [10, 10]
    assert listed.events[0].start.utcoffset() != listed.events[1].start.utcoffset()
    sunday = await execute(
        Command(
            intent=Intent.FIND_FREE_SLOTS,
            range_start=change_day,
            range_end=monday,
            duration_minutes=60,
        ),
        ctx,
    )
    assert isinstance(sunday, SlotsFound)
    # The change day is a Sunday the user named: searched in working hours, 9 real hours.
    assert [(s.start.astimezone(tz).hour, s.end.astimezone(tz).hour) for s in sunday.slots] == [
        (9, 18)
    ]
    assert sunday.slots[0].end - sunday.slots[0].start == timedelta(hours=9)
    week = await execute(
        Command(
            intent=Intent.FIND_FREE_SLOTS,
            range_start=change_day - timedelta(days=1),
            range_end=monday + timedelta(days=1),
        ),
        ctx,
    )
    assert isinstance(week, SlotsFound)
    # A range with a working day in it keeps to working days; Monday has the sync at 10.
    assert [(s.start.astimezone(tz).hour, s.end.astimezone(tz).hour) for s in week.slots] == [
        (9, 10),
        (11, 18),
    ]


async def test_move_to_another_day_keeps_the_clock_time(ctx: ActionContext) -> None:
    event_id = await add(ctx, "Стоматолог", at(9, 30))
    thursday = datetime(2026, 11, 26, tzinfo=MOSCOW).date()
    command = Command(
        intent=Intent.UPDATE_EVENT, target=EventTarget(title="стоматолог"), day=thursday
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, Updated)
    moved = await ctx.calendar.get_event(event_id)
    assert moved is not None
    assert (moved.start, moved.end) == (
        at(9, 30, day=TOMORROW + timedelta(days=1)),
        at(10, 30, day=TOMORROW + timedelta(days=1)),
    )


async def test_bulk_move_is_confirmed_and_undone_whole(ctx: ActionContext) -> None:
    await add(ctx, "Раз", at(9))
    await add(ctx, "Стендап", at(10), 15, rrule="FREQ=DAILY;COUNT=3")
    friday = TOMORROW + timedelta(days=2)
    command = Command(
        intent=Intent.UPDATE_EVENT,
        range_start=TOMORROW,
        range_end=TOMORROW + timedelta(days=1),
        day=friday.date(),
    )
    asked = await execute(command, ctx)
    assert isinstance(asked, NeedsConfirmation)
    assert not asked.deleting
    assert len(asked.events) == 2
    done = await execute(command, ctx, Resolution(confirmed=True))
    assert isinstance(done, Updated)
    assert done.count == 2
    on_friday = await ctx.calendar.list_events(friday, friday + timedelta(days=1))
    assert [(e.title, e.start.hour) for e in on_friday] == [
        ("Раз", 9),
        ("Стендап", 10),
        ("Стендап", 10),
    ]
    assert await ctx.calendar.list_events(TOMORROW, TOMORROW + timedelta(days=1)) == []
    await revert(done.undo, ctx)
    back = await ctx.calendar.list_events(TOMORROW, TOMORROW + timedelta(days=3))
    assert [(e.title, e.start.day) for e in back] == [
        ("Раз", 25),
        ("Стендап", 25),
        ("Стендап", 26),
        ("Стендап", 27),
    ]


async def test_search_without_a_title_shows_what_comes_next(ctx: ActionContext) -> None:
    await add(ctx, "Вчерашнее", at(10, day=TOMORROW - timedelta(days=2)))
    await add(ctx, "Обед с Анной", at(13))
    await add(ctx, "Ревью кода", at(11, day=TOMORROW + timedelta(days=1)))
    outcome = await execute(Command(intent=Intent.SEARCH_EVENTS), ctx)
    assert isinstance(outcome, SearchFound)
    assert [e.title for e in outcome.events] == ["Обед с Анной", "Ревью кода"]


async def test_an_hour_on_a_fall_back_night_is_an_hour(
    ctx: ActionContext, new_york: ZoneInfo
) -> None:
    """01:30 EDT to 01:30 EST: Python compares these as equal wall times; we compare instants."""
    ctx = dataclasses.replace(
        ctx,
        profile=dataclasses.replace(ctx.profile, zone=new_york),
        now=datetime(2027, 11, 5, 22, 30, tzinfo=new_york),
    )
    start = datetime(2027, 11, 7, 1, 30, tzinfo=new_york)
    outcome = await execute(create("Call", start), ctx)
    assert isinstance(outcome, Created)
    assert outcome.event.end - outcome.event.start == timedelta(0)  # same wall time...
    assert outcome.event.end.astimezone(UTC) - outcome.event.start.astimezone(UTC) == timedelta(
        hours=1
    )


async def test_a_reminder_too_late_for_today_goes_to_the_next_occurrence(
    ctx: ActionContext,
) -> None:
    await add(ctx, "Стендап", NOW.replace(hour=14, minute=10), 15, rrule="FREQ=DAILY")
    outcome = await execute(
        Command(
            intent=Intent.CREATE_REMINDER,
            target=EventTarget(title="стендап"),
            reminder_minutes_before=15,
        ),
        ctx,
    )
    assert isinstance(outcome, ReminderSet)
    assert outcome.due == at(13, 55).astimezone(UTC)
    single = await add(ctx, "Звонок", NOW.replace(hour=14, minute=5))
    late = await execute(
        Command(
            intent=Intent.CREATE_REMINDER,
            target=EventTarget(title="звонок"),
            reminder_minutes_before=30,
        ),
        ctx,
    )
    assert late == Invalid(Problem.IN_THE_PAST)
    assert single
