"""What channels remember: where each user is reached (the chat reminders go to).

The table comes from migration `0002_channels`; the settings prompts it held too moved into
each user's dialogue state in `0008_dialogue_state` (conversation/dialogue_state.py). A
re-sent update acts once because the inbox stores it once (`storage/inbox.py`); the
update-id claims that did it before were dropped in `0006_drop_processed_updates`.
Stored here, below the channels, because the reminder scheduler reads the chat links too.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Executable, ForeignKey, String, Table, bindparam, exc, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base
from calendar_assistant.storage.users import see_link, seen_link


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


_TABLE = cast(Table, ChatLinkRow.__table__)
#: The chat a user is reached at on a channel: read on every message (compiled once, and
#: on a SQLite file run inline, storage/lanes.py).
_LINKED = select(_TABLE.c.chat_id).where(
    _TABLE.c.user_id == bindparam("user_id"), _TABLE.c.channel == bindparam("channel")
)


def _upsert(insert: Any) -> Executable:
    """INSERT … ON CONFLICT (user_id, channel) DO UPDATE: the latest chat wins."""
    new = insert(_TABLE).values(
        user_id=bindparam("user_id"),
        channel=bindparam("channel"),
        chat_id=bindparam("new_chat_id"),
        linked_at=bindparam("now"),
    )
    changes = {"chat_id": new.excluded.chat_id, "linked_at": new.excluded.linked_at}
    upsert: Executable = new.on_conflict_do_update(
        index_elements=[_TABLE.c.user_id, _TABLE.c.channel], set_=changes
    )
    return upsert


_LINKS = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


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
        """Remember the chat (the latest one wins); cheap when nothing changed (one read)."""
        key = {"user_id": user_id, "channel": channel}
        known, linked = seen_link(self._db, user_id, channel)  # read with the user
        if not known:
            rows = await self._db.fetch(_LINKED, key)
            linked = rows[0].chat_id if rows else None
        if linked == chat_id:
            return
        parameters = {**key, "new_chat_id": chat_id, "now": now}
        upsert = _LINKS[self._db.dialect]
        # IntegrityError: the user was removed meanwhile (a concurrent /forget).
        with contextlib.suppress(exc.IntegrityError):
            await self._db.write(lambda work: work.execute(upsert, parameters))
            see_link(self._db, user_id, channel, chat_id)

    async def for_user(self, user_id: int) -> list[ChatLink]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(ChatLinkRow)
                .where(ChatLinkRow.user_id == user_id)
                .order_by(ChatLinkRow.linked_at.desc())
            )
            return [ChatLink(r.user_id, r.channel, r.chat_id) for r in rows]
