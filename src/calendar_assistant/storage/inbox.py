"""The durable inbox: channel updates stored before the channel is answered, handled later.

A webhook writes its update here (committed) and only then answers 200, so an update the
channel delivered survives a crash of the process that took it. Any replica then claims
rows and handles them:

- at most one holder at a time: a claim sets `owner` and a lease; on PostgreSQL the claim
  takes `FOR UPDATE SKIP LOCKED`, on SQLite the write lock of the claiming transaction;
- in order per chat: a chat's row is not claimed while an earlier row of the same chat is
  unfinished (queued or claimed), so one chat is handled by one holder, one row at a time;
- retried after a crash: a lease that was not renewed expires and another holder claims
  the row again (its attempts count up);
- dead-lettered after `max_attempts` claims: the row stays in the table, state `dead`,
  with its last error, for an operator to read (`calendar-assistant` never deletes it).

Rows are channel-neutral: a channel name, the channel's own id of the update (unique per
channel, so a re-sent update is stored once), the chat it belongs to, and the raw payload.
Table from migration `0004_inbox`.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, aliased, mapped_column

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base

QUEUED = "queued"
CLAIMED = "claimed"
DONE = "done"
DEAD = "dead"
#: States of a row not yet finished: a later row of its chat waits for it.
UNFINISHED = (QUEUED, CLAIMED)


class InboxRow(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_inbox_channel_external_id"),
        Index("ix_inbox_state", "state", "id"),
        Index("ix_inbox_chat", "channel", "chat_key", "id"),
        Index("ix_inbox_finished", "finished_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    chat_key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(64))
    #: Claimed: when the claim lapses unless renewed. Queued after a failure: not before.
    lease_until: Mapped[datetime | None] = mapped_column()
    #: What the handler answered (channel-specific JSON), kept before it is sent, so a
    #: crash after acting re-sends the answer instead of acting twice.
    result: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One claimed update, as its handler sees it."""

    id: int
    channel: str
    external_id: str
    chat_key: str
    payload: str
    attempts: int
    result: str | None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    channel: str
    external_id: str
    attempts: int
    last_error: str | None


def _item(row: InboxRow) -> InboxItem:
    return InboxItem(
        row.id, row.channel, row.external_id, row.chat_key, row.payload, row.attempts, row.result
    )


class Inbox:
    """The inbox table seen by one process (`owner`: a name unique to the process)."""

    def __init__(self, database: Database, owner: str) -> None:
        self._db = database
        self.owner = owner

    @property
    def atomic(self) -> bool:
        """Whether an update's handling and its kept answer can be one transaction
        (`unit`): PostgreSQL, where the local calendar shares the database."""
        return self._db.atomic_units

    def unit(self) -> AbstractAsyncContextManager[None]:
        """One transaction around the handling of an update and `answered` (see
        `Database.unit`): both are kept, or neither."""
        return self._db.unit()

    async def add(
        self, channel: str, external_id: str, chat_key: str, payload: str, now: datetime
    ) -> bool:
        """Store an update (committed on return); False when it was stored before."""
        values = self._values(channel, external_id, chat_key, payload, now)
        async with self._db.transaction() as session:
            result = await session.execute(self._insert(values))
        return int(getattr(result, "rowcount", 0)) == 1

    async def add_answered(
        self,
        channel: str,
        external_id: str,
        chat_key: str,
        payload: str,
        now: datetime,
        *,
        result: str,
        lease_until: datetime,
    ) -> InboxItem | None:
        """Store an update already answered with `result` and claimed by this process, which
        sends it at once; None when the update was stored before (a re-send).

        The refusal of an update that came while the inbox was full ("busy, try again"):
        stored, a re-send is refused by the unique key; if this process dies before sending,
        the lease lapses and any replica sends the kept answer, as after any crash between
        answer and send. Nothing is acted on.
        """
        values = self._values(channel, external_id, chat_key, payload, now)
        values.update(
            state=CLAIMED, attempts=1, owner=self.owner, lease_until=lease_until, result=result
        )
        async with self._db.transaction() as session:
            found = (await session.execute(self._insert(values).returning(InboxRow.id))).first()
        if found is None:
            return None
        return InboxItem(int(found[0]), channel, external_id, chat_key, payload, 1, result)

    @staticmethod
    def _values(
        channel: str, external_id: str, chat_key: str, payload: str, now: datetime
    ) -> dict[str, object]:
        return {
            "channel": channel,
            "external_id": external_id,
            "chat_key": chat_key,
            "payload": payload,
            "state": QUEUED,
            "attempts": 0,
            "received_at": now,
        }

    def _insert(self, values: dict[str, object]) -> Any:
        """INSERT … ON CONFLICT (channel, external_id) DO NOTHING: a re-send is stored once."""
        maker = postgresql_insert if self._db.dialect == "postgresql" else sqlite_insert
        return (
            maker(InboxRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        )

    async def claim(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        max_attempts: int,
        holding: Sequence[int] = (),
    ) -> tuple[list[InboxItem], list[DeadLetter]]:
        """Take up to `limit` rows that may run now, oldest first, at most one per chat.

        A lapsed claim is taken over, also one of this owner's own that it no longer works
        on (a write that failed); `holding` names the rows it is still handling. Returns the claimed items and the rows that were dead-lettered instead because
        they had been claimed `max_attempts` times already (a crash each time, say).
        """
        if limit <= 0:
            return [], []
        earlier = aliased(InboxRow)
        blocked = exists().where(
            earlier.channel == InboxRow.channel,
            earlier.chat_key == InboxRow.chat_key,
            earlier.id < InboxRow.id,
            earlier.state.in_(UNFINISHED),
        )
        waiting = and_(
            InboxRow.state == QUEUED,
            or_(InboxRow.lease_until.is_(None), InboxRow.lease_until <= now),
        )
        abandoned = and_(
            InboxRow.state == CLAIMED,
            InboxRow.lease_until < now,
            InboxRow.id.not_in(list(holding)) if holding else true(),
        )
        query = (
            select(InboxRow)
            .where(InboxRow.state.in_(UNFINISHED), or_(waiting, abandoned), ~blocked)
            .order_by(InboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=InboxRow)
        )
        claimed: list[InboxItem] = []
        dead: list[DeadLetter] = []
        async with self._db.transaction() as session:
            for row in (await session.scalars(query)).all():
                if row.attempts >= max_attempts:
                    row.state = DEAD
                    row.owner = None
                    row.finished_at = now
                    row.last_error = row.last_error or "claimed too often (crashed each time?)"
                    dead.append(
                        DeadLetter(
                            row.id, row.channel, row.external_id, row.attempts, row.last_error
                        )
                    )
                    continue
                row.state = CLAIMED
                row.owner = self.owner
                row.lease_until = lease_until
                row.attempts += 1
                claimed.append(_item(row))
        return claimed, dead

    async def renew(self, ids: Sequence[int], lease_until: datetime) -> None:
        """Extend this process's claims (a heartbeat while they are being handled)."""
        if not ids:
            return
        async with self._db.transaction() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.id.in_(list(ids)), InboxRow.owner == self.owner)
                .where(InboxRow.state == CLAIMED)
                .values(lease_until=lease_until)
            )

    async def answered(self, item_id: int, result: str) -> bool:
        """Keep the answer before sending it; False when the claim was lost meanwhile."""
        return await self._held_update(item_id, result=result)

    async def done(self, item_id: int, now: datetime) -> bool:
        """Handled and answered: finished for good (False when the claim was lost)."""
        return await self._held_update(
            item_id, state=DONE, owner=None, lease_until=None, finished_at=now
        )

    async def failed(
        self, item_id: int, error: str, *, retry_at: datetime, dead: bool, now: datetime
    ) -> bool:
        """A failed attempt: queued again (not before `retry_at`) or dead-lettered."""
        if dead:
            return await self._held_update(
                item_id,
                state=DEAD,
                owner=None,
                lease_until=None,
                finished_at=now,
                last_error=error[:2000],
            )
        return await self._held_update(
            item_id, state=QUEUED, owner=None, lease_until=retry_at, last_error=error[:2000]
        )

    async def release(self, ids: Sequence[int]) -> int:
        """Hand claims back untried (a graceful stop): queued again, the attempt not counted."""
        if not ids:
            return 0
        async with self._db.transaction() as session:
            result = await session.execute(
                update(InboxRow)
                .where(InboxRow.id.in_(list(ids)), InboxRow.owner == self.owner)
                .where(InboxRow.state == CLAIMED)
                .values(
                    state=QUEUED,
                    owner=None,
                    lease_until=None,
                    attempts=func.max(InboxRow.attempts - 1, 0)
                    if self._db.dialect == "sqlite"
                    else func.greatest(InboxRow.attempts - 1, 0),
                )
            )
            return int(getattr(result, "rowcount", 0))

    async def pending(self, limit: int) -> int:
        """Rows waiting or in hand (queued or claimed), every channel, counted up to `limit`:
        at most `limit` entries of `ix_inbox_state` are read, however long the queue."""
        waiting = select(InboxRow.id).where(InboxRow.state.in_(UNFINISHED)).limit(limit).subquery()
        async with self._db.reading() as connection:
            found = await connection.scalar(select(func.count()).select_from(waiting))
        return int(found or 0)

    async def counts(self) -> dict[tuple[str, str], int]:
        """Rows by (channel, state), finished rows left out."""
        query = (
            select(InboxRow.channel, InboxRow.state, func.count())
            .where(InboxRow.state != DONE)
            .group_by(InboxRow.channel, InboxRow.state)
        )
        async with self._db.reading() as connection:
            rows = (await connection.execute(query)).all()
        return {(str(channel), str(state)): int(n) for channel, state, n in rows}

    async def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        query = select(InboxRow).where(InboxRow.state == DEAD).order_by(InboxRow.id).limit(limit)
        async with self._db.session() as session:
            rows = (await session.scalars(query)).all()
        return [DeadLetter(r.id, r.channel, r.external_id, r.attempts, r.last_error) for r in rows]

    async def prune(self, older_than: datetime) -> int:
        """Drop handled rows older than a channel would re-send them (dead ones are kept)."""
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(InboxRow).where(InboxRow.state == DONE, InboxRow.finished_at < older_than)
            )
            return int(getattr(result, "rowcount", 0))

    async def _held_update(self, item_id: int, **values: object) -> bool:
        async with self._db.transaction() as session:
            result = await session.execute(
                update(InboxRow)
                .where(
                    InboxRow.id == item_id,
                    InboxRow.owner == self.owner,
                    InboxRow.state == CLAIMED,
                )
                .values(**values)
            )
            return int(getattr(result, "rowcount", 0)) == 1
