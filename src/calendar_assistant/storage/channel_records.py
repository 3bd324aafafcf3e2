"""What channels remember: where each user is reached (the chat reminders go to).

The table comes from migration `0002_channels`; the settings prompts it held too moved into
each user's dialogue state in `0008_dialogue_state` (conversation/dialogue_state.py). A
re-sent update acts once because the inbox stores it once (`storage/inbox.py`); the
update-id claims that did it before were dropped in `0006_drop_processed_updates`.
Stored here, below the channels, because the reminder scheduler reads the chat links too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, exc, select
from sqlalchemy.orm import Mapped, mapped_column

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base


class ChatLinkRow(Base):
    __tablename__ = "chat_links"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column()


#: How long a handled inbox row is kept: Telegram stops re-sending long before this, and a
#: re-send of a row still kept is refused by its unique key.
CLAIM_RETENTION = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class ChatLink:
    user_id: int
    channel: str
    chat_id: str


class ChatLinks:
    """Where a user is reached on each channel: the chat reminders are delivered to."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def link(self, user_id: int, channel: str, chat_id: str, now: datetime) -> None:
        """Remember the chat (the latest one wins); cheap when nothing changed."""
        async with self._db.session() as session:
            row = await session.get(ChatLinkRow, (user_id, channel))
            if row is not None and row.chat_id == chat_id:
                return
        try:
            async with self._db.transaction() as session:
                row = await session.get(ChatLinkRow, (user_id, channel))
                if row is None:
                    session.add(
                        ChatLinkRow(
                            user_id=user_id, channel=channel, chat_id=chat_id, linked_at=now
                        )
                    )
                else:
                    row.chat_id = chat_id
                    row.linked_at = now
        except exc.IntegrityError:
            pass  # linked meanwhile by a concurrent message of the same user

    async def for_user(self, user_id: int) -> list[ChatLink]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(ChatLinkRow)
                .where(ChatLinkRow.user_id == user_id)
                .order_by(ChatLinkRow.linked_at.desc())
            )
            return [ChatLink(r.user_id, r.channel, r.chat_id) for r in rows]
