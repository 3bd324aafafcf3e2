"""Voice replies per user: the switch, `/voice` in both languages, its table and /forget."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from calendar_assistant.config import Settings
from calendar_assistant.conversation.forget import forget_user
from calendar_assistant.runtime import user_defaults
from calendar_assistant.speech.preferences import VoicePreferenceRow, VoicePreferences
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base
from calendar_assistant.storage.users import UserRepository
from support import says


async def _user(database: Database, key: str) -> int:
    defaults = user_defaults(Settings(_env_file=None))  # type: ignore[call-arg]
    return (await UserRepository(database).get_or_create(key, None, defaults)).id


async def test_off_by_default_and_switched_per_user(database: Database) -> None:
    preferences = VoicePreferences(database)
    anna, ivan = await _user(database, "t:1"), await _user(database, "t:2")
    assert not await preferences.replies(anna)
    await preferences.set_replies(anna, True)
    assert await preferences.replies(anna)
    assert not await preferences.replies(ivan)
    await preferences.set_replies(anna, False)
    assert not await preferences.replies(anna)


async def test_the_server_default_applies_until_a_user_chooses(database: Database) -> None:
    preferences = VoicePreferences(database, default=True)
    anna = await _user(database, "t:1")
    assert await preferences.replies(anna)
    await preferences.set_replies(anna, False)
    assert not await preferences.replies(anna)


async def test_the_voice_command_in_both_languages(database: Database) -> None:
    preferences = VoicePreferences(database)
    anna = await _user(database, "t:1")
    shown = await preferences.command(anna, "", "ru", can_speak=True)
    assert says(shown, "ru", "voice.replies_off")
    assert says(shown, "ru", "voice.switch_hint")
    assert says(
        await preferences.command(anna, "вкл", "ru", can_speak=True), "ru", "voice.replies_on"
    )
    assert await preferences.replies(anna)
    assert says(
        await preferences.command(anna, "OFF", "en", can_speak=True), "en", "voice.replies_off"
    )
    assert not await preferences.replies(anna)
    assert says(
        await preferences.command(anna, "loud please", "en", can_speak=True),
        "en",
        "voice.switch_how",
    )
    assert not await preferences.replies(anna)
    assert says(
        await preferences.command(anna, "on", "en", can_speak=False), "en", "voice.cannot_speak"
    )


async def test_forget_deletes_the_preference(database: Database) -> None:
    preferences = VoicePreferences(database)
    anna = await _user(database, "t:1")
    await preferences.set_replies(anna, True)
    await forget_user(database, anna)
    async with database.session() as session:
        assert await session.get(VoicePreferenceRow, anna) is None


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, Base.metadata) if "voice_preferences" in repr(d)]


async def test_the_migration_builds_what_the_model_describes(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
