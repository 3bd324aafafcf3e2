"""Listing and deleting reminders through the real Assistant: what undo puts back, and what
is never offered (a reminder already sent, one gone between the question and the yes)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, ReminderRepository, UserRepository, UserSettings

ANNA = UserRef(key="test:anna", display_name="Anna")


@pytest.fixture(params=["Europe/Berlin", "America/New_York"])
def now(request: pytest.FixtureRequest) -> datetime:
    """10:00 the day before each zone's spring DST change."""
    zone = ZoneInfo(request.param)
    day = 27 if request.param == "Europe/Berlin" else 13
    return datetime(2027, 3, day, 10, 0, tzinfo=zone)


async def _assistant(database: Database, tmp_path: Path, now: datetime) -> tuple[Assistant, int]:
    zone = str(now.tzinfo)
    user = await UserRepository(database).get_or_create(
        ANNA.key, ANNA.display_name, UserSettings(language="en", timezone=zone)
    )
    settings = Settings(data_dir=tmp_path, default_timezone=zone)
    return Assistant(
        database, assistant_config(settings), lambda uid: LocalCalendar(database, uid)
    ), user.id


async def _say(assistant: Assistant, text: str, now: datetime) -> str:
    return "\n".join(r.text for r in await assistant.handle(ANNA, Inbound(text), now))


async def test_undo_puts_an_event_reminder_back_with_its_link(
    database: Database, tmp_path: Path, now: datetime
) -> None:
    assistant, user_id = await _assistant(database, tmp_path, now)
    await _say(assistant, "Schedule the standup tomorrow at 10am", now)
    set_reply = await _say(assistant, "Remind me 15 minutes before the standup", now)
    assert "15 minutes before" in set_reply
    repository = ReminderRepository(database)
    (before,) = await repository.list_for_user(user_id)
    assert before.event_id is not None
    assert "Delete the reminder" in await _say(assistant, "delete the reminder", now)
    assert "Deleted the reminder" in await _say(assistant, "yes", now)
    assert await repository.list_for_user(user_id) == []
    assert "Restored the reminder" in await _say(assistant, "undo", now)
    (after,) = await repository.list_for_user(user_id)
    assert (after.text, after.due, after.event_id, after.minutes_before) == (
        before.text,
        before.due,
        before.event_id,
        15,
    )
    # 09:45 local on the day after the change: the offset of summer time, not of winter.
    local = after.due.astimezone(now.tzinfo)
    assert (local.hour, local.minute) == (9, 45)
    assert local.utcoffset() != now.utcoffset()


async def test_a_sent_reminder_is_neither_listed_nor_offered(
    database: Database, tmp_path: Path, now: datetime
) -> None:
    assistant, user_id = await _assistant(database, tmp_path, now)
    await _say(assistant, "Remind me at 11am to call mom", now)
    await _say(assistant, "Remind me tomorrow at 11am to call mom", now)
    repository = ReminderRepository(database)
    first, _ = await repository.list_for_user(user_id)
    later = now + timedelta(hours=1, minutes=1)
    assert await repository.mark_sent(first.id, later)
    listed = await _say(assistant, "What reminders do I have?", later)
    assert "Your reminders (1)" in listed
    # One left to match: no "which one?", straight to the confirmation of tomorrow's.
    asked = await _say(assistant, "delete the reminder to call mom", later)
    assert asked.startswith("Delete the reminder “Call mom”")
    assert "Sun" in asked


async def test_a_reminder_sent_before_the_yes_is_not_deleted_twice(
    database: Database, tmp_path: Path, now: datetime
) -> None:
    assistant, user_id = await _assistant(database, tmp_path, now)
    await _say(assistant, "Remind me at 11am to take the pills", now)
    assert "Delete the reminder" in await _say(assistant, "delete the reminder about pills", now)
    repository = ReminderRepository(database)
    (waiting,) = await repository.list_for_user(user_id)
    later = now + timedelta(minutes=2)  # the channel delivered it while the question stood
    assert await repository.mark_sent(waiting.id, later)
    gone = await _say(assistant, "yes", later)
    assert "is gone" in gone
    sent = await repository.list_for_user(user_id, include_sent=True)
    assert [r.sent_at is not None for r in sent] == [True]
