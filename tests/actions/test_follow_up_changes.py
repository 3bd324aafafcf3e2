"""The executor's side of follow-ups: a bare time keeps the event's day, shifts are real
minutes (across a DST change too), an end shift past the start is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.executor import execute
from calendar_assistant.actions.outcomes import Invalid, Problem, Updated
from calendar_assistant.actions.profile import UserProfile
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.conversation.user_reminders import UserReminders
from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.storage import Database, ReminderRepository, UserRepository
from calendar_assistant.understanding import parse
from support import BERLIN, NEW_YORK


async def _context(database: Database, zone: ZoneInfo, now: datetime) -> ActionContext:
    user = await UserRepository(database).get_or_create(f"test:follow-ups:{zone.key}")
    return ActionContext(
        calendar=LocalCalendar(database, user.id),
        reminders=UserReminders(ReminderRepository(database), user.id, zone.key),
        profile=UserProfile(user_id=user.id, language="ru", zone=zone),
        now=now,
    )


async def _add(ctx: ActionContext, title: str, start: datetime, minutes: int = 60) -> None:
    zone = ctx.profile.zone
    await ctx.calendar.create_event(
        NewEvent(title, start, start + timedelta(minutes=minutes), zone.key)
    )


@pytest.mark.parametrize(
    ("zone", "now", "event_start", "text", "new_start"),
    [
        (
            BERLIN,
            datetime(2027, 3, 26, 10, 0, tzinfo=BERLIN),
            datetime(2027, 3, 28, 9, 0, tzinfo=BERLIN),
            "Перенеси завтрак на 11",
            datetime(2027, 3, 28, 11, 0, tzinfo=BERLIN),
        ),
        (
            NEW_YORK,
            datetime(2027, 3, 12, 10, 0, tzinfo=NEW_YORK),
            datetime(2027, 3, 14, 9, 0, tzinfo=NEW_YORK),
            "Move the breakfast to 8am",
            datetime(2027, 3, 14, 8, 0, tzinfo=NEW_YORK),
        ),
    ],
)
async def test_a_bare_time_keeps_the_day_after_the_dst_change(
    database: Database,
    zone: ZoneInfo,
    now: datetime,
    event_start: datetime,
    text: str,
    new_start: datetime,
) -> None:
    ctx = await _context(database, zone, now)
    title = "Завтрак" if zone is BERLIN else "Breakfast"
    await _add(ctx, title, event_start)
    outcome = await execute(parse(text, now=now, tz=zone), ctx)
    assert isinstance(outcome, Updated)
    assert outcome.start == new_start
    assert outcome.end - outcome.start == timedelta(hours=1)
    assert outcome.start.astimezone(zone).utcoffset() != now.utcoffset()  # summer time now


async def test_a_shift_is_real_minutes_across_spring_forward(database: Database) -> None:
    now = datetime(2027, 3, 26, 10, 0, tzinfo=BERLIN)
    ctx = await _context(database, BERLIN, now)
    await _add(ctx, "Ночная смена", datetime(2027, 3, 27, 23, 30, tzinfo=BERLIN))
    command = Command(
        intent=Intent.UPDATE_EVENT,
        target=EventTarget(title="Ночная смена"),
        changes=EventChanges(shift_minutes=180),
    )
    outcome = await execute(command, ctx)
    assert isinstance(outcome, Updated)
    # 23:30 CET + 3 real hours is 03:30 CEST: 02:00–03:00 does not exist that night
    assert outcome.start == datetime(2027, 3, 28, 3, 30, tzinfo=BERLIN)
    assert outcome.end - outcome.start == timedelta(hours=1)


async def test_an_end_shift_past_the_start_is_refused(database: Database) -> None:
    now = datetime(2027, 3, 12, 10, 0, tzinfo=NEW_YORK)
    ctx = await _context(database, NEW_YORK, now)
    await _add(ctx, "Sync", datetime(2027, 3, 15, 10, 0, tzinfo=NEW_YORK), minutes=30)
    shorter = Command(
        intent=Intent.UPDATE_EVENT,
        target=EventTarget(title="Sync"),
        changes=EventChanges(end_shift_minutes=-30),
    )
    outcome = await execute(shorter, ctx)
    assert isinstance(outcome, Invalid)
    assert outcome.problem is Problem.END_BEFORE_START
    longer = shorter.model_copy(update={"changes": EventChanges(end_shift_minutes=45)})
    stretched = await execute(longer, ctx)
    assert isinstance(stretched, Updated)
    assert stretched.end - stretched.start == timedelta(minutes=75)
