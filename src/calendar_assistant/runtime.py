"""The one composition root: settings in, a running assistant out; nothing connects on import.

The command line uses it now and the server will later, so every entry point builds the same
database, calendar provider and assistant the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.calendars.base import CalendarBackend
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.language import Lang
from calendar_assistant.extras import needs
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import EventRow
from calendar_assistant.storage.users import UserRecord, UserRepository, UserSettings
from calendar_assistant.understanding.router import Router


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything a channel needs, built once from Settings and closed together."""

    settings: Settings
    database: Database
    assistant: Assistant
    users: UserRepository
    calendar: Callable[[int], CalendarBackend]

    async def user(
        self,
        key: str,
        *,
        display_name: str | None = None,
        timezone: ZoneInfo | None = None,
        lang: Lang | None = None,
    ) -> UserRecord:
        """The user with this key, created on first use; a zone or language given is saved."""
        defaults = UserSettings.from_settings(self.settings)
        record = await self.users.get_or_create(key, display_name, defaults)
        changes: dict[str, object] = {}
        if timezone is not None and record.settings.timezone != timezone.key:
            changes["timezone"] = timezone.key
        if lang is not None and record.settings.language != lang:
            changes["language"] = lang
        if not changes:
            return record
        updated = await self.users.update_settings(record.id, **changes)
        return UserRecord(record.id, record.key, record.display_name, record.created_at, updated)

    async def stored_event_ids(self, user_id: int) -> list[str]:
        """Ids of every event and series stored for a user, oldest first, none expanded.

        What "export everything" needs: listing a range would expand endless series.
        """
        query = (
            select(EventRow.event_id)
            .where(EventRow.user_id == user_id, EventRow.recurrence_id_utc.is_(None))
            .order_by(EventRow.start_utc, EventRow.event_id)
        )
        async with self.database.session() as session:
            return list((await session.scalars(query)).all())


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Open the database (migrated to head when AUTO_MIGRATE, else checked to be at head),
    wire the assistant, and close it all at the end."""
    url = settings.resolved_database_url
    with needs("postgres") if url.startswith("postgresql") else nullcontext():
        database = await Database.open(url, migrate=settings.auto_migrate)
    try:
        with needs("llm"):
            understanding = Router.from_settings(settings)  # the LLM only when a key is set
    except BaseException:
        await database.close()
        raise
    try:
        # Local alone, or every connected account combined when CREDENTIALS_KEYS is set.
        calendar = CalendarRegistry.from_settings(database, settings).calendar
        assistant = Assistant(database, settings, calendar, understanding=understanding)
        yield Runtime(settings, database, assistant, UserRepository(database), calendar)
    finally:
        await understanding.close()
        await database.close()
