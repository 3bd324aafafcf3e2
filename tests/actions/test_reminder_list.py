"""Listing and deleting the user's reminders in the executor, on the real reminder store.

Zones with a DST change the next day (Europe/Berlin 2027-03-28, America/New_York
2027-03-14): "my 9am reminder" is 9:00 on the reminder's own day, whatever its offset.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.executor import execute, revert
from calendar_assistant.actions.outcomes import (
    NeedsReminderChoice,
    NeedsReminderConfirmation,
    NoReminderFound,
    ReminderDeleted,
    RemindersListed,
    Resolution,
)
from calendar_assistant.actions.profile import UserProfile
from calendar_assistant.domain.commands import Command, EventTarget, Intent
from support import BERLIN, NEW_YORK


@pytest.fixture(params=[(BERLIN, 27), (NEW_YORK, 13)], ids=["berlin", "new_york"])
def zoned(request: pytest.FixtureRequest, ctx: ActionContext) -> ActionContext:
    """The shared context moved to 10:00 on the eve of the zone's spring change."""
    zone, day = request.param
    profile = UserProfile(user_id=ctx.profile.user_id, language="en", zone=zone)
    return replace(ctx, profile=profile, now=datetime(2027, 3, day, 10, 0, tzinfo=zone))


def _at(ctx: ActionContext, days: int, hour: int) -> datetime:
    return ctx.midnight(ctx.today + timedelta(days=days)).replace(hour=hour)


def _reminders(**target: object) -> EventTarget:
    return EventTarget.model_validate({"kind": "reminder", **target})


async def _add(ctx: ActionContext, text: str, due: datetime) -> int:
    return await ctx.reminders.add(text=text, due=due, event_id=None, minutes_before=None)


async def test_listing_shows_pending_reminders_soonest_first(zoned: ActionContext) -> None:
    await _add(zoned, "Take the pills", _at(zoned, 1, 20))
    await _add(zoned, "Call mom", _at(zoned, 1, 9))
    await _add(zoned, "Pay rent", _at(zoned, 3, 9))
    outcome = await execute(
        Command(intent=Intent.LIST_EVENTS, target=_reminders()), zoned, Resolution()
    )
    assert isinstance(outcome, RemindersListed)
    assert [r.text for r in outcome.reminders] == ["Call mom", "Take the pills", "Pay rent"]
    start, end = zoned.day_window(zoned.today + timedelta(days=1))
    tomorrow = _reminders(range_start=start, range_end=end)
    outcome = await execute(Command(intent=Intent.LIST_EVENTS, target=tomorrow), zoned)
    assert isinstance(outcome, RemindersListed)
    assert [r.text for r in outcome.reminders] == ["Call mom", "Take the pills"]


async def test_a_clock_time_finds_the_reminder_on_its_own_day(zoned: ActionContext) -> None:
    await _add(zoned, "Call mom", _at(zoned, 1, 9))  # after the change: another offset
    await _add(zoned, "Take the pills", _at(zoned, 1, 20))
    said = zoned.now.replace(hour=9)  # "9am" read as today, before the change
    command = Command(intent=Intent.DELETE_EVENT, target=_reminders(start=said))
    asked = await execute(command, zoned)
    assert isinstance(asked, NeedsReminderConfirmation)
    assert asked.reminder.text == "Call mom"
    done = await execute(command, zoned, Resolution(reminder=asked.reminder, confirmed=True))
    assert isinstance(done, ReminderDeleted)
    assert [r.text for r in await zoned.reminders.pending()] == ["Take the pills"]
    await revert(done.undo, zoned)
    back = await zoned.reminders.pending()
    assert [(r.text, r.due) for r in back] == [
        ("Call mom", _at(zoned, 1, 9)),
        ("Take the pills", _at(zoned, 1, 20)),
    ]


async def test_words_match_by_lemma_and_several_ask_which(zoned: ActionContext) -> None:
    await _add(zoned, "Выпить таблетки", _at(zoned, 1, 9))
    await _add(zoned, "Купить таблетки от кашля", _at(zoned, 2, 9))
    await _add(zoned, "Позвонить маме", _at(zoned, 1, 12))
    command = Command(intent=Intent.DELETE_EVENT, target=_reminders(title="таблетку"))
    asked = await execute(command, zoned)
    assert isinstance(asked, NeedsReminderChoice)
    assert [r.text for r in asked.candidates] == ["Выпить таблетки", "Купить таблетки от кашля"]
    exact = Command(intent=Intent.DELETE_EVENT, target=_reminders(title="выпить таблетки"))
    one = await execute(exact, zoned)
    assert isinstance(one, NeedsReminderConfirmation)
    assert one.reminder.text == "Выпить таблетки"
    none = Command(intent=Intent.DELETE_EVENT, target=_reminders(title="собаку"))
    assert await execute(none, zoned) == NoReminderFound("собаку", None)


async def test_a_reminder_removed_before_the_yes_is_gone(zoned: ActionContext) -> None:
    reminder_id = await _add(zoned, "Call mom", _at(zoned, 1, 9))
    command = Command(intent=Intent.DELETE_EVENT, target=_reminders(title="call mom"))
    asked = await execute(command, zoned)
    assert isinstance(asked, NeedsReminderConfirmation)
    await zoned.reminders.remove(reminder_id)
    gone = await execute(command, zoned, Resolution(reminder=asked.reminder, confirmed=True))
    assert gone == NoReminderFound("Call mom", gone=True)
