"""Users, dialogue states, the undo log and reminders, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.config import Settings
from calendar_assistant.conversation.forget import forget_user
from calendar_assistant.runtime import user_defaults
from calendar_assistant.storage import (
    Database,
    DialogueStateRepository,
    ReminderRepository,
    UndoLogRepository,
    UserRepository,
    UserSettings,
)
from calendar_assistant.storage.channel_records import ChatLinks
from calendar_assistant.storage.undo_log import MAX_ENTRIES_PER_USER
from calendar_assistant.storage.users import remembering

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

# ------------------------------------------------------------------ users


async def test_get_or_create_is_idempotent_and_uses_the_defaults(database: Database) -> None:
    users = UserRepository(database)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        default_timezone="America/New_York",
        default_language="en",
        working_hours_start=time(8, 30),
        working_days="1,2,3,4",
        default_reminder_minutes=10,
    )
    created = await users.get_or_create("telegram:42", "Anna", user_defaults(settings))
    again = await users.get_or_create("telegram:42", "Someone else")
    assert again == created
    assert created.display_name == "Anna"
    assert created.settings.timezone == "America/New_York"
    assert created.settings.language == "en"
    assert created.settings.working_hours == (time(8, 30), time(18, 0))
    assert created.settings.working_days == frozenset({1, 2, 3, 4})
    assert created.settings.default_duration_minutes == 60
    assert created.settings.default_reminder_minutes == 10
    assert created.settings.zone == ZoneInfo("America/New_York")
    assert await users.get_by_id(created.id) == created
    assert await users.get("telegram:43") is None


async def test_concurrent_first_messages_create_one_user(database: Database) -> None:
    users = UserRepository(database)
    created = await asyncio.gather(*(users.get_or_create("cli:race") for _ in range(5)))
    assert len({u.id for u in created}) == 1


async def test_update_settings_validates_and_persists(database: Database) -> None:
    users = UserRepository(database)
    user = await users.get_or_create("cli:demo")
    updated = await users.update_settings(
        user.id, timezone="Europe/Berlin", working_days=frozenset({1, 2, 3, 4, 5, 6})
    )
    assert updated.timezone == "Europe/Berlin"
    stored = await users.get("cli:demo")
    assert stored is not None
    assert stored.settings == updated
    assert stored.settings.month_first is None  # numeric dates as the zone writes them
    month_first = await users.update_settings(user.id, month_first=True)
    again = await users.get("cli:demo")
    assert again is not None
    assert again.settings.month_first is True
    assert month_first == again.settings
    updated = await users.update_settings(user.id, month_first=None)
    with pytest.raises(ValueError, match="timezone refused"):
        await users.update_settings(user.id, timezone="Mars/Base")
    with pytest.raises(ValueError, match="unknown setting"):
        await users.update_settings(user.id, colour="blue")
    with pytest.raises(ValueError, match="working_days refused"):
        await users.update_settings(user.id, working_days=frozenset({0, 8}))
    with pytest.raises(ValueError, match="language"):
        await users.update_settings(user.id, language="de")
    with pytest.raises(LookupError):
        await users.update_settings(user.id + 1000, timezone="UTC")
    after = await users.get("cli:demo")
    assert after is not None
    assert after.settings == updated


async def test_long_display_names_are_shortened(database: Database) -> None:
    user = await UserRepository(database).get_or_create("tg:1", "Я" * 300)
    assert user.display_name == "Я" * 255


async def test_bad_user_keys_are_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="key"):
        await UserRepository(database).get_or_create("")
    with pytest.raises(ValueError, match="key"):
        await UserRepository(database).get_or_create("x" * 256)


# ------------------------------------------------------------------ dialogue states


async def test_dialogue_state_round_trip(database: Database) -> None:
    users = UserRepository(database)
    alice = (await users.get_or_create("a")).id
    bob = (await users.get_or_create("b")).id
    states = DialogueStateRepository(database)
    assert await states.load(alice) is None
    pending = {"kind": "ask_time", "title": "Встреча", "day": "2026-11-25", "n": [1, 2]}
    await states.save(alice, pending)
    assert await states.load(alice) == pending
    assert await states.load(bob) is None
    await states.save(alice, {"kind": "confirm_delete"})
    assert await states.load(alice) == {"kind": "confirm_delete"}
    await states.clear(alice)
    assert await states.load(alice) is None
    await states.clear(alice)  # clearing nothing is fine


async def test_dialogue_state_must_be_json(database: Database) -> None:
    user = (await UserRepository(database).get_or_create("a")).id
    states = DialogueStateRepository(database)
    await states.save(user, {"ok": True})
    with pytest.raises(ValueError, match="JSON"):
        await states.save(user, {"when": datetime(2027, 1, 1, tzinfo=UTC)})
    assert await states.load(user) == {"ok": True}


# ------------------------------------------------------------------ undo log


async def test_undo_log_is_a_stack_per_user(database: Database) -> None:
    users = UserRepository(database)
    alice = (await users.get_or_create("a")).id
    bob = (await users.get_or_create("b")).id
    log = UndoLogRepository(database)
    assert await log.pop_latest(alice) is None
    await log.push(alice, "created Lunch", [{"restore": "e1", "snapshot": []}])
    await log.push(bob, "created Bob's", [{"restore": "e9", "snapshot": []}])
    second = await log.push(alice, "moved Call", [{"restore": "e2", "snapshot": [{"x": 1}]}])
    latest = await log.latest(alice)
    assert latest is not None
    assert latest.id == second
    popped = await log.pop_latest(alice)
    assert popped is not None
    assert (popped.description, popped.entries) == (
        "moved Call",
        [{"restore": "e2", "snapshot": [{"x": 1}]}],
    )
    popped = await log.pop_latest(alice)
    assert popped is not None
    assert popped.description == "created Lunch"
    assert await log.pop_latest(alice) is None
    assert await log.count(bob) == 1


async def test_undo_log_keeps_the_newest_entries_only(database: Database) -> None:
    user = (await UserRepository(database).get_or_create("a")).id
    log = UndoLogRepository(database)
    for i in range(MAX_ENTRIES_PER_USER + 5):
        await log.push(user, f"change {i}", [])
    assert await log.count(user) == MAX_ENTRIES_PER_USER
    latest = await log.latest(user)
    assert latest is not None
    assert latest.description == f"change {MAX_ENTRIES_PER_USER + 4}"


async def test_concurrent_undo_pops_each_entry_once(database: Database) -> None:
    user = (await UserRepository(database).get_or_create("a")).id
    log = UndoLogRepository(database)
    await log.push(user, "only one", [])
    popped = await asyncio.gather(*(log.pop_latest(user) for _ in range(4)))
    assert [p.description for p in popped if p is not None] == ["only one"]


# ------------------------------------------------------------------ reminders


async def test_reminders_due_and_sent_once(database: Database) -> None:
    users = UserRepository(database)
    alice = (await users.get_or_create("a")).id
    bob = (await users.get_or_create("b")).id
    reminders = ReminderRepository(database)
    moscow = ZoneInfo("Europe/Moscow")
    now = datetime(2026, 11, 24, 14, 0, tzinfo=moscow)
    call = await reminders.add(alice, "позвонить маме", now + timedelta(hours=19))
    standup = await reminders.add(
        alice, "Standup", now - timedelta(minutes=5), event_id="ev-1", minutes_before=15
    )
    bobs = await reminders.add(bob, "water plants", now)
    assert call.due == now + timedelta(hours=19)
    assert call.due.tzinfo is not None
    assert [r.text for r in await reminders.list_for_user(alice)] == ["Standup", "позвонить маме"]
    due = await reminders.due(now)
    assert [r.id for r in due] == [standup.id, bobs.id]
    assert due[0].event_id == "ev-1"
    assert due[0].minutes_before == 15
    assert await reminders.mark_sent(standup.id, now) is True
    assert await reminders.mark_sent(standup.id, now) is False
    assert [r.id for r in await reminders.due(now)] == [bobs.id]
    assert [r.id for r in await reminders.list_for_user(alice)] == [call.id]
    sent = await reminders.list_for_user(alice, include_sent=True)
    assert [r.sent_at for r in sent] == [now, None]
    assert [r.id for r in await reminders.list_for_event(alice, "ev-1")] == [standup.id]


async def test_concurrent_deliveries_claim_a_reminder_once(database: Database) -> None:
    user = (await UserRepository(database).get_or_create("a")).id
    reminders = ReminderRepository(database)
    now = datetime(2027, 3, 28, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    reminder = await reminders.add(user, "stretch", now)
    claims = await asyncio.gather(*(reminders.mark_sent(reminder.id, now) for _ in range(5)))
    assert claims.count(True) == 1


async def test_reminder_delete_is_per_user(database: Database) -> None:
    users = UserRepository(database)
    alice = (await users.get_or_create("a")).id
    bob = (await users.get_or_create("b")).id
    reminders = ReminderRepository(database)
    now = datetime(2027, 1, 1, 9, tzinfo=UTC)
    mine = await reminders.add(alice, "mine", now, event_id="ev")
    assert await reminders.get(bob, mine.id) is None
    assert await reminders.delete(bob, mine.id) is False
    assert await reminders.get(alice, mine.id) == mine
    assert await reminders.delete_for_event(alice, "ev") == 1
    assert await reminders.delete(alice, mine.id) is False


async def test_bad_reminders_are_refused(database: Database) -> None:
    user = (await UserRepository(database).get_or_create("a")).id
    reminders = ReminderRepository(database)
    with pytest.raises(ValueError, match="aware"):
        await reminders.add(user, "x", datetime(2027, 1, 1, 9))
    with pytest.raises(ValueError, match="text"):
        await reminders.add(user, "  ", datetime(2027, 1, 1, 9, tzinfo=UTC))
    assert await reminders.list_for_user(user) == []


async def test_get_or_create_with_state_reads_the_user_and_the_dialogue_in_one(
    database: Database,
) -> None:
    users = UserRepository(database)
    states = DialogueStateRepository(database)
    first, state = await users.get_or_create_with_state(
        "cli:state", "Anna", UserSettings(language="en", timezone="America/New_York")
    )
    assert state is None
    assert first.settings.timezone == "America/New_York"
    assert first.display_name == "Anna"
    await states.save(first.id, {"stage": "confirm", "items": [1, 2]})
    again, state = await users.get_or_create_with_state("cli:state")
    assert again == first
    assert state == {"stage": "confirm", "items": [1, 2]}
    assert await users.get_or_create("cli:state") == first
    await states.clear(first.id)
    assert (await users.get_or_create_with_state("cli:state"))[1] is None
    with pytest.raises(ValueError, match="1 to 255"):
        await users.get_or_create_with_state("")


async def test_a_message_reads_its_user_once_and_follows_its_own_changes(
    database: Database,
) -> None:
    """`remembering` (the front door's block around one message): the user, settings and
    dialogue document are read once however many parts ask; what the message changes
    through the repositories is what they see next, and a forgotten user is gone."""
    users, states = UserRepository(database), DialogueStateRepository(database)
    seen: list[str] = []
    listener = seen.append
    database.add_statement_listener(listener)
    try:
        with remembering():
            created = await users.get_or_create("cli:once", "Anna", UserSettings(language="en"))
            assert await users.get("cli:once") == created
            assert await users.get_or_create_with_state("cli:once") == (created, None)
            assert await states.load(created.id) is None
            await states.clear(created.id)  # nothing stored: nothing to delete
            reads = [sql for sql in seen if sql.lstrip().upper().startswith("SELECT")]
            assert len(reads) == 1  # the get that found no one yet
            await states.save(created.id, {"stage": "confirm"})
            await users.update_settings(created.id, timezone="Europe/Berlin")
            record, state = await users.get_or_create_with_state("cli:once")
            assert (record.settings.timezone, state) == ("Europe/Berlin", {"stage": "confirm"})
            assert await states.load(created.id) == {"stage": "confirm"}
            await forget_user(database, created.id)
            assert await users.get("cli:once") is None
        outside, state = await users.get_or_create_with_state("cli:once")  # read anew
        assert (outside.display_name, state) == (None, None)  # a new user, not Anna
    finally:
        database.remove_statement_listener(listener)


async def test_a_message_reads_its_chat_link_with_its_user(database: Database) -> None:
    """`remembering(channel)`: the user's chat link on the channel comes with the user's
    read; linking the same chat again costs nothing, a new chat is written and followed."""
    users, links = UserRepository(database), ChatLinks(database)
    user = await users.get_or_create("telegram:link")
    await links.link(user.id, "telegram", "100", NOW)
    seen: list[str] = []
    listener = seen.append
    database.add_statement_listener(listener)
    try:
        with remembering("telegram"):
            assert await users.get("telegram:link") == user
            await links.link(user.id, "telegram", "100", NOW)  # as read: nothing to do
            assert len(seen) == 1  # the user's read, with the link
            await links.link(user.id, "telegram", "200", NOW)
            written = len(seen)
            await links.link(user.id, "telegram", "200", NOW)  # as just written
            assert len(seen) == written
    finally:
        database.remove_statement_listener(listener)
    assert [link.chat_id for link in await links.for_user(user.id)] == ["200"]
