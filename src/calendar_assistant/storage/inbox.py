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
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Executable,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    any_,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.lanes import Work
from calendar_assistant.storage.models import Base

QUEUED = "queued"
CLAIMED = "claimed"
DONE = "done"
DEAD = "dead"
#: States of a row not yet finished: a later row of its chat waits for it.
UNFINISHED = (QUEUED, CLAIMED)
_OPEN = f"state <> '{DONE}'"
_UNFINISHED_SQL = f"state IN ('{QUEUED}', '{CLAIMED}')"


class InboxRow(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_inbox_channel_external_id"),
        # Partial: only the rows a claim or a count looks for (migration 0012).
        Index(
            "ix_inbox_open",
            "state",
            "id",
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        Index(
            "ix_inbox_chat_open",
            "channel",
            "chat_key",
            "id",
            sqlite_where=text(_UNFINISHED_SQL),
            postgresql_where=text(_UNFINISHED_SQL),
        ),
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


def _item(row: Any, attempts: int) -> InboxItem:
    return InboxItem(
        row.id, row.channel, row.external_id, row.chat_key, row.payload, attempts, row.result
    )


# The statements of an update's way through the inbox, built once and compiled once: on a
# SQLite file they run inline on the loop's thread (storage/lanes.py), one unit of work
# each, instead of an ORM session's several hand-offs to the driver's thread per statement.
_TABLE = cast(Table, InboxRow.__table__)
_C = _TABLE.c


def _states(*states: str) -> Any:
    """`state IN ('queued', 'claimed')` as constants in the SQL (a list of values would be
    an expanding parameter, which a lane does not run)."""
    return _C.state.in_([literal_column(f"'{state}'") for state in states])


def _insert(maker: Any, *, returning: bool) -> Executable:
    """INSERT … ON CONFLICT (channel, external_id) DO NOTHING: a re-send is stored once."""
    statement = (
        maker(_TABLE)
        .values(
            channel=bindparam("channel"),
            external_id=bindparam("external_id"),
            chat_key=bindparam("chat_key"),
            payload=bindparam("payload"),
            state=bindparam("new_state"),
            attempts=bindparam("new_attempts"),
            owner=bindparam("new_owner"),
            lease_until=bindparam("new_lease_until"),
            result=bindparam("new_result"),
            received_at=bindparam("received_at"),
        )
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    )
    return statement.returning(_C.id) if returning else statement  # type: ignore[no-any-return]


_INSERTS = {
    "postgresql": _insert(postgresql_insert, returning=False),
    "sqlite": _insert(sqlite_insert, returning=False),
}
_INSERTS_RETURNING = {
    "postgresql": _insert(postgresql_insert, returning=True),
    "sqlite": _insert(sqlite_insert, returning=True),
}


def _claimable(*, holding: bool = False) -> Any:
    """Rows that may run now, oldest first, at most `limit`; not one of a chat with an
    earlier row unfinished. A lapsed claim is taken over (see `Inbox.claim`).

    Queued rows and lapsed claims are looked for apart, each by an ordered walk of
    `ix_inbox_state` (state, id) that stops after `limit` rows: one condition over both
    states made PostgreSQL read and sort every waiting row on each claim, so a backlog of
    thousands (a burst acknowledged faster than handled) made each claim cost the backlog
    (EXPLAIN in tests/storage/test_query_plans.py). Each part locks its rows, skipping those
    another replica has locked; the few a part locked beyond `limit` are let go when the
    claim's statement ends. With `holding`, this owner's claims named in `held` are no
    lapsed claims to take over (PostgreSQL; an array parameter).
    """
    earlier = _TABLE.alias("earlier")
    blocked = exists().where(
        earlier.c.channel == _C.channel,
        earlier.c.chat_key == _C.chat_key,
        earlier.c.id < _C.id,
        earlier.c.state.in_([literal_column(f"'{state}'") for state in UNFINISHED]),
    )
    now = bindparam("now", type_=_C.lease_until.type)
    limit = bindparam("limit", type_=Integer())
    waiting = and_(
        _C.state == literal_column(f"'{QUEUED}'"),
        or_(_C.lease_until.is_(None), _C.lease_until <= now),
    )
    abandoned = and_(_C.state == literal_column(f"'{CLAIMED}'"), _C.lease_until < now)
    if holding:
        held = _C.id == any_(bindparam("held", type_=postgresql.ARRAY(BigInteger())))
        abandoned = and_(abandoned, ~held)

    def part(which: Any, name: str) -> Any:
        return (
            select(_TABLE)
            # `ix_inbox_open`'s own condition, said again: SQLite uses a partial index only
            # for a query that names its condition (PostgreSQL infers it from the state).
            .where(_C.state != literal_column(f"'{DONE}'"), which, ~blocked)
            .order_by(_C.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=_TABLE)
            .cte(name)
        )

    both = union_all(*(select(p) for p in (part(waiting, "waiting"), part(abandoned, "lapsed"))))
    either = both.subquery("claimable")
    return select(either).order_by(either.c.id).limit(limit)


_CLAIMABLE = _claimable()


def _claim_in_one(*, holding: bool) -> Executable:
    """PostgreSQL: the claim as ONE statement, its own transaction (one round trip).

    The rows `_claimable` finds (locked, skipping those another replica has locked), less
    this owner's claims in `held` (`holding`), are each claimed, or dead-lettered when
    claimed `max_attempts` times already, in the same UPDATE; RETURNING gives their new
    state. Without `holding` there is no array parameter, whose type asyncpg would look
    up on each new connection (three more round trips).
    """
    claimable = _claimable(holding=holding).subquery("claimable_rows")
    picked = select(claimable.c.id).cte("picked")
    spent = _C.attempts >= bindparam("max_attempts", type_=Integer())

    def either(dead: Any, claimed: Any) -> Any:
        return case((spent, dead), else_=claimed)

    return (
        update(_TABLE)
        .where(_C.id == picked.c.id)
        .values(
            state=either(literal_column(f"'{DEAD}'"), literal_column(f"'{CLAIMED}'")),
            owner=either(None, bindparam("new_owner", type_=_C.owner.type)),
            lease_until=either(
                _C.lease_until, bindparam("new_lease_until", type_=_C.lease_until.type)
            ),
            attempts=either(_C.attempts, _C.attempts + 1),
            finished_at=either(bindparam("now", type_=_C.finished_at.type), _C.finished_at),
            last_error=either(
                func.coalesce(_C.last_error, literal_column(f"'{_TOO_OFTEN}'")), _C.last_error
            ),
        )
        .returning(*(_C[name] for name in _RETURNED))
    )


_TOO_OFTEN = "claimed too often (crashed each time?)"
_RETURNED = (
    *("id", "channel", "external_id", "chat_key", "payload"),
    *("state", "attempts", "result", "last_error"),
)
_CLAIM_IN_ONE = _claim_in_one(holding=False)
_CLAIM_IN_ONE_HOLDING = _claim_in_one(holding=True)
_TAKE = (
    update(_TABLE)
    .where(_C.id == bindparam("item"))
    .values(
        state=CLAIMED,
        owner=bindparam("new_owner"),
        lease_until=bindparam("new_lease_until"),
        attempts=_C.attempts + 1,
    )
)
_BURY = (
    update(_TABLE)
    .where(_C.id == bindparam("item"))
    .values(state=DEAD, owner=None, finished_at=bindparam("now"), last_error=bindparam("error"))
)
#: A change to a row this owner holds (claimed by it): none when the claim was lost.
_HELD = update(_TABLE).where(
    _C.id == bindparam("item"), _C.owner == bindparam("holder"), _C.state == CLAIMED
)
_ANSWERED = _HELD.values(result=bindparam("new_result"))
_DONE = _HELD.values(state=DONE, owner=None, lease_until=None, finished_at=bindparam("now"))
_RETRY = _HELD.values(
    state=QUEUED, owner=None, lease_until=bindparam("retry_at"), last_error=bindparam("error")
)
_DEAD = _HELD.values(
    state=DEAD,
    owner=None,
    lease_until=None,
    finished_at=bindparam("now"),
    last_error=bindparam("error"),
)
_PENDING = select(func.count()).select_from(
    select(_C.id).where(_states(*UNFINISHED)).limit(bindparam("limit", type_=Integer())).subquery()
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
        parameters = self._values(channel, external_id, chat_key, payload, now)
        insert = _INSERTS[self._db.dialect]
        return await self._db.write_one(lambda work: work.execute(insert, parameters)) == 1

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
        parameters = self._values(channel, external_id, chat_key, payload, now)
        parameters.update(
            new_state=CLAIMED,
            new_attempts=1,
            new_owner=self.owner,
            new_lease_until=lease_until,
            new_result=result,
        )
        insert = _INSERTS_RETURNING[self._db.dialect]
        found = await self._db.write_one(lambda work: work.rows(insert, parameters))
        if not found:
            return None
        return InboxItem(int(found[0][0]), channel, external_id, chat_key, payload, 1, result)

    @staticmethod
    def _values(
        channel: str, external_id: str, chat_key: str, payload: str, now: datetime
    ) -> dict[str, object]:
        return {
            "channel": channel,
            "external_id": external_id,
            "chat_key": chat_key,
            "payload": payload,
            "new_state": QUEUED,
            "new_attempts": 0,
            "new_owner": None,
            "new_lease_until": None,
            "new_result": None,
            "received_at": now,
        }

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
        on (a write that failed); `holding` names the rows it is still handling. Returns
        the claimed items and the rows that were dead-lettered instead because they had
        been claimed `max_attempts` times already (a crash each time, say). One write
        transaction: the rows read (locked on PostgreSQL, skipping those another replica
        has locked) and each one's claim or dead letter.
        """
        if limit <= 0:
            return [], []
        if self._db.dialect == "postgresql":
            return await self._claim_in_one(now, lease_until, limit, max_attempts, holding)
        held = frozenset(holding)

        def take(work: Work) -> tuple[list[InboxItem], list[DeadLetter]]:
            # Rows in hand are left out after the read (only ever a few): read that many more.
            rows = work.rows(_CLAIMABLE, {"now": now, "limit": limit + len(held)})
            rows = [row for row in rows if row.state != CLAIMED or row.id not in held][:limit]
            claimed: list[InboxItem] = []
            dead: list[DeadLetter] = []
            for row in rows:
                if row.attempts >= max_attempts:
                    error = row.last_error or _TOO_OFTEN
                    work.execute(_BURY, {"item": row.id, "now": now, "error": error})
                    dead.append(
                        DeadLetter(row.id, row.channel, row.external_id, row.attempts, error)
                    )
                    continue
                work.execute(
                    _TAKE, {"item": row.id, "new_owner": self.owner, "new_lease_until": lease_until}
                )
                claimed.append(_item(row, row.attempts + 1))
            return claimed, dead

        return await self._db.write(take)

    async def _claim_in_one(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        max_attempts: int,
        holding: Sequence[int],
    ) -> tuple[list[InboxItem], list[DeadLetter]]:
        """`claim` on PostgreSQL: one statement in autocommit (`_CLAIM_IN_ONE`) instead of a
        transaction of a read and a write per row (four round trips and more)."""
        parameters: dict[str, object] = {
            "now": now,
            "limit": limit,
            "max_attempts": max_attempts,
            "new_owner": self.owner,
            "new_lease_until": lease_until,
        }
        statement = _CLAIM_IN_ONE
        if holding:
            statement = _CLAIM_IN_ONE_HOLDING
            parameters["held"] = list(holding)
        rows = await self._db.write_one(lambda work: work.rows(statement, parameters))
        claimed: list[InboxItem] = []
        dead: list[DeadLetter] = []
        for row in sorted(rows, key=lambda row: int(row.id)):  # RETURNING keeps no order
            if row.state == DEAD:
                letter = DeadLetter(
                    row.id, row.channel, row.external_id, row.attempts, row.last_error
                )
                dead.append(letter)
            else:
                claimed.append(_item(row, row.attempts))
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
        return await self._held_update(_ANSWERED, item_id, new_result=result)

    async def done(self, item_id: int, now: datetime) -> bool:
        """Handled and answered: finished for good (False when the claim was lost)."""
        return await self._held_update(_DONE, item_id, now=now)

    async def failed(
        self, item_id: int, error: str, *, retry_at: datetime, dead: bool, now: datetime
    ) -> bool:
        """A failed attempt: queued again (not before `retry_at`) or dead-lettered."""
        if dead:
            return await self._held_update(_DEAD, item_id, now=now, error=error[:2000])
        return await self._held_update(_RETRY, item_id, retry_at=retry_at, error=error[:2000])

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
        rows = await self._db.fetch(_PENDING, {"limit": limit})
        return int(rows[0][0] or 0) if rows else 0

    async def counts(self) -> dict[tuple[str, str], int]:
        """Rows by (channel, state), finished rows left out."""
        query = (
            select(InboxRow.channel, InboxRow.state, func.count())
            .where(_C.state != literal_column(f"'{DONE}'"))  # a constant: ix_inbox_open's
            .group_by(InboxRow.channel, InboxRow.state)
        )
        async with self._db.reading() as connection:
            rows = (await connection.execute(query)).all()
        return {(str(channel), str(state)): int(n) for channel, state, n in rows}

    async def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        query = (
            select(InboxRow)
            .where(_C.state == literal_column(f"'{DEAD}'"))
            .order_by(InboxRow.id)
            .limit(limit)
        )
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

    async def _held_update(self, statement: Executable, item_id: int, **values: object) -> bool:
        parameters = {"item": item_id, "holder": self.owner, **values}
        return await self._db.write_one(lambda work: work.execute(statement, parameters)) == 1
