"""Helpers the tests share: the zones, the pinned clock, a movable clock, users, a desk, `says`.

One place for them, so every test speaks of the same Moscow, the same "now" and the same
kind of user. Fixtures wrapping them are in conftest.py (`moscow`, `berlin`, `new_york`,
`tz`, `now`).
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.conversation.account_commands import AccountDesk
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.conversation.connect_dialogue import ConnectDialogue
from calendar_assistant.domain.language import Lang
from calendar_assistant.replies.catalogue import messages, text
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository, UserSettings

MOSCOW = ZoneInfo("Europe/Moscow")
#: Zones with DST: the changes are on 2027-03-28 (Berlin) and 2027-03-14 (New York).
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")

#: The pinned clock of SPEC.md's examples: Tuesday 2026-11-24 14:00 Moscow time.
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)


class Clock:
    """The server's notion of now; tests move it instead of waiting."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def make_user(
    database: Database, key: str = "test:alice", defaults: UserSettings | None = None
) -> int:
    """The id of the user with `key`, created (with `defaults`) when new."""
    return (await UserRepository(database).get_or_create(key, None, defaults)).id


def local_desk(
    database: Database, assistant: Assistant, registry: CalendarRegistry | None = None
) -> AccountDesk:
    """The account desk in front of `assistant`, on `registry` (default: the local calendar
    alone, no connected accounts), as the composition root builds it."""
    chosen = registry if registry is not None else CalendarRegistry(database, None)
    return AccountDesk(database, assistant, ConnectDialogue(chosen, None, assistant.dialogue))


def says(reply_text: str, lang: Lang, key: str, **values: object) -> bool:
    """Whether `reply_text` carries the catalogue message `key` of `lang`.

    Why: the wording lives only in the catalogue (its snapshot tests show it); a test names
    which message it expects, so rewording a message never breaks a test, sending another
    one does. With `values` the message is rendered whole; without them, a message with
    `{fields}` is matched by its longest literal part. An unknown key raises (KeyError), so a
    typo in a test fails loudly.
    """
    message = messages(lang)[key]
    if values:
        return text(lang, key, **values) in reply_text
    parts = [literal for literal, *_ in string.Formatter().parse(message)]
    return max(parts, key=len).strip() in reply_text
