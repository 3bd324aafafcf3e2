"""/forget: every row that belongs to a user goes, in one transaction.

Tables are found from the metadata (any table with a `user_id` column), so data added by
later features is deleted too without this module knowing about it.
"""

from __future__ import annotations

from sqlalchemy import delete

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base, UserRow
from calendar_assistant.storage.users import forget_seen


async def forget_user(database: Database, user_id: int) -> None:
    """Delete the user and everything stored for them; a later message starts afresh."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if "user_id" in t.columns]
    forget_seen(database, user_id)  # the message read them: gone now (or unknown)
    async with database.transaction() as session:
        for table in tables:
            await session.execute(delete(table).where(table.c.user_id == user_id))
        await session.execute(delete(UserRow).where(UserRow.id == user_id))
