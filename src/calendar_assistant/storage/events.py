"""Reads of the stored events that are not calendar operations (no CalendarBackend call
answers them): what `export` without a window needs."""

from __future__ import annotations

from sqlalchemy import select

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import EventRow


class StoredEvents:
    """The local calendar's table, read as a whole rather than by time range."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def ids(self, user_id: int) -> list[str]:
        """Ids of every event and series stored for a user, oldest first, none expanded.

        What "export everything" needs: listing a range would expand endless series.
        """
        query = (
            select(EventRow.event_id)
            .where(EventRow.user_id == user_id, EventRow.recurrence_id_utc.is_(None))
            .order_by(EventRow.start_utc, EventRow.event_id)
        )
        async with self._db.session() as session:
            return list((await session.scalars(query)).all())
