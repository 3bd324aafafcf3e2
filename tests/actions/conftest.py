"""A real user, the real local calendar and reminder store, a pinned clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.profile import UserProfile
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.conversation.user_reminders import UserReminders
from calendar_assistant.storage import Database, ReminderRepository, UserRepository
from support import MOSCOW

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)  # a Tuesday


@pytest.fixture
async def ctx(database: Database) -> ActionContext:
    user = await UserRepository(database).get_or_create("test:actions")
    return ActionContext(
        calendar=LocalCalendar(database, user.id),
        reminders=UserReminders(ReminderRepository(database), user.id, MOSCOW.key),
        profile=UserProfile(user_id=user.id, language="ru", zone=MOSCOW),
        now=NOW,
    )
