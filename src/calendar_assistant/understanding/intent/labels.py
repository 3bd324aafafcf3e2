"""The classifier's labels: SPEC §1's intents, the reminder list/delete, the account commands."""

from __future__ import annotations

from typing import Final

from calendar_assistant.domain.commands import Intent

LABELS: Final = (
    "create_event",
    "list_events",
    "find_free_slots",
    "update_event",
    "delete_event",
    "create_reminder",
    "search_events",
    "list_reminders",
    "delete_reminder",
    "cancel",
    "undo",
    "help",
    "unknown",
    "connect_calendar",
    "disconnect_calendar",
    "show_calendars",
    "settings",
    "privacy",
    "forget_me",
)

#: Labels that are account commands, and the slash command each stands for.
ACCOUNT_COMMANDS: Final = {
    "connect_calendar": "connect",
    "disconnect_calendar": "disconnect",
    "show_calendars": "calendars",
    "settings": "settings",
    "privacy": "privacy",
    "forget_me": "forget",
}

#: Labels that change the calendar or the reminders when acted on.
WRITES: Final = frozenset(
    {
        "create_event",
        "update_event",
        "delete_event",
        "create_reminder",
        "delete_reminder",
    }
)


def intent_of(label: str) -> Intent:
    """The SPEC intent a label is read as (reminders and account commands fold in)."""
    if label == "list_reminders":
        return Intent.LIST_EVENTS
    if label == "delete_reminder":
        return Intent.DELETE_EVENT
    if label in ACCOUNT_COMMANDS:
        return Intent.UNKNOWN
    return Intent(label)
