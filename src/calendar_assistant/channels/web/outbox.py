"""The web chat's outbox: reminders for the web user kept in the database until the page
fetches them.

The page has no push channel, so a due reminder must wait somewhere until the page polls.
In process memory it was lost when the server stopped first, and a page polling another
replica never saw it. Here the scheduler writes it in the same transaction that marks the
reminder sent (exactly once into the outbox), and a fetch deletes what it hands out in one
statement: on PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`, on SQLite the
write transaction starts with `BEGIN IMMEDIATE`, so two replicas polling at once never hand
out the same reminder. Table from migration `0002_web_outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import ForeignKey, Integer, String, Text, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from calendar_assistant.reminders.scheduler import EXPIRES_AFTER
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base

log = structlog.get_logger(__name__)

#: At most this many reminders are handed out by one fetch; the rest wait for the next.
FETCH_LIMIT = 100


class WebOutboxRow(Base):
    __tablename__ = "web_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[str] = mapped_column(String(64))
    reminder_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    text: Mapped[str] = mapped_column(Text)
    due_utc: Mapped[datetime] = mapped_column()
    queued_at: Mapped[datetime] = mapped_column()


@dataclass(frozen=True, slots=True)
class Fetched:
    """One reminder handed to the page."""

    id: int
    text: str
    due: datetime


class WebOutbox:
    """Keeps reminders for web chats and hands each out once, across restarts and replicas."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def keep(
        self,
        session: AsyncSession,
        *,
        reminder_id: int,
        user_id: int,
        chat_id: str,
        text: str,
        due: datetime,
        now: datetime,
    ) -> None:
        """Queue a reminder inside the caller's transaction (the one marking it sent)."""
        session.add(
            WebOutboxRow(
                user_id=user_id,
                chat_id=chat_id,
                reminder_id=reminder_id,
                text=text,
                due_utc=due,
                queued_at=now,
            )
        )
        await session.flush()

    async def take(self, chat_id: str, now: datetime, *, limit: int = FETCH_LIMIT) -> list[Fetched]:
        """What waits for `chat_id`, oldest first, removed as it is handed out.

        One a day past its due time is dropped unread, as the scheduler drops one found that
        late: news of yesterday.
        """
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        async with self._db.reading() as connection:  # the usual poll: nothing waits, no lock
            waiting = await connection.scalar(
                select(exists().where(WebOutboxRow.chat_id == chat_id))
            )
        if not waiting:
            return []
        picked = (
            select(WebOutboxRow.id)
            .where(WebOutboxRow.chat_id == chat_id)
            .order_by(WebOutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._db.transaction() as session:
            rows = (
                await session.execute(
                    delete(WebOutboxRow)
                    .where(WebOutboxRow.id.in_(picked.scalar_subquery()))
                    .returning(WebOutboxRow.id, WebOutboxRow.text, WebOutboxRow.due_utc)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        taken = sorted((Fetched(id=r[0], text=r[1], due=r[2]) for r in rows), key=lambda f: f.id)
        fresh = [f for f in taken if now - f.due <= EXPIRES_AFTER]
        if len(fresh) < len(taken):
            log.info("web_reminders_expired", chat=chat_id, count=len(taken) - len(fresh))
        return fresh
