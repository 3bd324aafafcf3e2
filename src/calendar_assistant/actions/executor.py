"""Run one understood Command against the user's calendar: the single entry point of actions."""

from __future__ import annotations

import structlog

from calendar_assistant.actions.changing import delete_event, restore_all, update_event
from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.creating import create_event
from calendar_assistant.actions.outcomes import (
    BackendFailed,
    ChangedMeanwhile,
    HelpShown,
    Invalid,
    NotUnderstood,
    Outcome,
    Problem,
    Resolution,
    UndoRecord,
)
from calendar_assistant.actions.reading import find_free_slots, list_events, search_events
from calendar_assistant.actions.reminder_list import (
    delete_reminder,
    is_about_reminders,
    list_reminders,
)
from calendar_assistant.actions.reminding import create_reminder
from calendar_assistant.calendars.base import (
    CalendarError,
    EventNotFound,
    ReadOnlyCalendar,
    VersionConflict,
    capabilities_of,
)
from calendar_assistant.domain.commands import Command, Intent

log = structlog.get_logger(__name__)
_WRITES = {Intent.CREATE_EVENT, Intent.UPDATE_EVENT, Intent.DELETE_EVENT}


async def execute(
    command: Command, ctx: ActionContext, resolution: Resolution | None = None
) -> Outcome:
    """Carry out `command` (with the user's answers so far) and say what happened.

    Never raises for calendar trouble: a changed event becomes `ChangedMeanwhile` with its
    current state, any other backend error `BackendFailed`; each write is one backend call
    (or is rolled back whole), so nothing is half-written.
    """
    answers = resolution or Resolution()
    try:
        if command.intent in _WRITES:
            # Capabilities a server decides (a shared read-only calendar) are asked for once
            # here, so the actions' checks refuse before anything is offered or written.
            await capabilities_of(ctx.calendar)
        return await _carry_out(command, answers, ctx)
    except VersionConflict as conflict:
        return ChangedMeanwhile(conflict.current)
    except EventNotFound:
        return ChangedMeanwhile(None)
    except ReadOnlyCalendar:  # an event held by a read-only calendar other than the default
        return Invalid(Problem.READ_ONLY)
    except CalendarError as error:
        log.warning("calendar_error", intent=command.intent.value, error=str(error))
        return BackendFailed(type(error).__name__)
    except ValueError as error:
        # Backends validate what they store (lengths, zones, rules) and refuse with ValueError.
        log.info("calendar_refused", intent=command.intent.value, error=type(error).__name__)
        return Invalid(Problem.REJECTED)


async def _carry_out(command: Command, answers: Resolution, ctx: ActionContext) -> Outcome:
    """The action for the command's intent (errors are turned into outcomes by `execute`)."""
    match command.intent:
        case Intent.LIST_EVENTS if is_about_reminders(command):
            return await list_reminders(command, ctx)
        case Intent.DELETE_EVENT if is_about_reminders(command):
            return await delete_reminder(command, answers, ctx)
        case Intent.CREATE_EVENT:
            return await create_event(command, answers, ctx)
        case Intent.LIST_EVENTS:
            return await list_events(command, ctx)
        case Intent.FIND_FREE_SLOTS:
            return await find_free_slots(command, ctx)
        case Intent.SEARCH_EVENTS:
            return await search_events(command, ctx)
        case Intent.UPDATE_EVENT:
            return await update_event(command, answers, ctx)
        case Intent.DELETE_EVENT:
            return await delete_event(command, answers, ctx)
        case Intent.CREATE_REMINDER:
            return await create_reminder(command, answers, ctx)
        case Intent.HELP:
            return HelpShown()
        case _:
            return NotUnderstood()


async def revert(record: UndoRecord, ctx: ActionContext) -> None:
    """Undo one change exactly: every touched event id back to its snapshot, reminders it
    added gone, reminders it deleted back with the same text, due time and event link."""
    await restore_all(ctx, record.events)
    for reminder_id in record.reminders:
        await ctx.reminders.remove(reminder_id)
    for reminder in record.restore:
        await ctx.reminders.add(
            text=reminder.text,
            due=reminder.due,
            event_id=reminder.event_id,
            minutes_before=reminder.minutes_before,
        )
