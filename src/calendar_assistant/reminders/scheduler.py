"""The reminder scheduler: every few seconds, deliver what is due to the user's chat.

Exactly once: on PostgreSQL each reminder is taken with `SELECT … FOR UPDATE SKIP LOCKED`
and marked sent in the same transaction as its delivery, so replicas never take the same
one and a crash before the commit leaves it to be sent again. On SQLite (one process) the
reminder is marked sent right after delivery with a conditional update. A reminder missed
while the server was down goes out late with a note, unless it is over a day old.

A repeating reminder (`rrule`, read in its `timezone`) is not marked sent: the transaction
that delivers it moves `due_utc` on to its next time after now (one missed for days rings
once, late, or not at all when over a day old, then keeps its rhythm); a series that has
ended is marked sent like a one-off.

A channel whose chat is a table (the web chat's outbox, `DurableDelivery`) gets the reminder
written in the very transaction that marks it sent, so it is kept exactly once on both
databases and survives a restart until the page fetches it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.recurrence import next_occurrence, occurrence_starts
from calendar_assistant.observability.metrics import Metrics
from calendar_assistant.reminders.wording import reminder_text
from calendar_assistant.storage.channel_records import ChatLinkRow
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import ReminderRow, UserSettingsRow

log = structlog.get_logger(__name__)

#: Older than this when found, a reminder is dropped instead of sent (news of yesterday).
EXPIRES_AFTER = timedelta(days=1)


class ReminderDelivery(Protocol):
    """A channel's way to put a reminder in a chat; raises when it could not."""

    async def deliver(self, chat_id: str, text: str) -> None: ...


@runtime_checkable
class DurableDelivery(Protocol):
    """A channel whose chat is a table: `keep` writes the reminder inside `session`, the
    transaction that marks it sent, so it is kept once or not at all."""

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
    ) -> None: ...


Delivery = ReminderDelivery | DurableDelivery


@dataclass(frozen=True, slots=True)
class _Due:
    id: int
    user_id: int
    text: str
    due: datetime
    minutes_before: int | None
    rrule: str | None = None  # a repeating reminder: its rule, zone and first time
    timezone: str | None = None
    series_start: datetime | None = None

    @classmethod
    def of(cls, row: ReminderRow) -> _Due:
        return cls(
            row.id,
            row.user_id,
            row.text,
            row.due_utc,
            row.minutes_before,
            row.rrule,
            row.timezone,
            row.series_start_utc,
        )

    def next_due(self, now: datetime) -> datetime | None:
        """When a repeating reminder rings next: its following time; when that is past too
        (the server was down), the latest time still worth a late note, so several missed
        ring once; None for a one-off or a series that has ended."""
        if self.rrule is None or self.timezone is None:
            return None
        start, rule, zone = self.series_start or self.due, self.rrule, self.timezone
        following = next_occurrence(start, rule, zone, after=self.due)
        if following is None or following > now:
            return following
        recent = occurrence_starts(
            start, rule, zone, after=now - EXPIRES_AFTER, before=now + timedelta(seconds=1)
        )
        return recent[-1] if recent else next_occurrence(start, rule, zone, after=now)


@dataclass(frozen=True, slots=True)
class _Send:
    """Where and what to send: the user's latest chat, the reminder as it reads there."""

    channel: str
    chat_id: str
    text: str
    late: timedelta


#: A reminder found too late to be worth sending; it is marked sent without a message.
_DROP = "drop"


class ReminderScheduler:
    """Polls for due reminders and hands each to the channel of the user's latest chat
    (a chat that is pushed to before the web page's outbox)."""

    def __init__(
        self,
        database: Database,
        deliveries: Mapping[str, Delivery],
        clock: Callable[[], datetime],
        metrics: Metrics,
        *,
        poll_seconds: float = 5.0,
        batch: int = 100,
    ) -> None:
        self._db = database
        self._deliveries = deliveries
        self._clock = clock
        self._metrics = metrics
        self._poll = poll_seconds
        self._batch = batch
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="reminder-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception as error:  # the database may be away for a moment: try later
                log.warning("reminder_round_failed", error=type(error).__name__)
            await asyncio.sleep(self._poll)

    async def run_once(self) -> int:
        """Deliver every reminder due now; returns how many were sent."""
        now = self._clock()
        if self._db.dialect == "postgresql":
            return await self._locked_round(now)
        return await self._single_process_round(now)

    # -- PostgreSQL: row locks shared by replicas ------------------------------------------

    async def _locked_round(self, now: datetime) -> int:
        sent = 0
        skipped: list[int] = []
        for _ in range(self._batch):
            async with self._db.transaction() as session:
                query = (
                    self._due_query(now)
                    .where(ReminderRow.id.not_in(skipped))
                    .limit(1)
                    .with_for_update(skip_locked=True, of=ReminderRow)
                )
                row = await session.scalar(query)
                if row is None:
                    break
                due = _Due.of(row)
                plan = await self._plan(session, due, now)
                done = None if plan is None else await self._send(session, due, plan, now)
                if done is None:
                    skipped.append(row.id)
                    continue
                following = due.next_due(now)
                if following is None:
                    row.sent_at = now
                else:  # a repeating reminder waits for its next time, in the same transaction
                    row.due_utc = following
                sent += done
        return sent

    # -- SQLite: one process ---------------------------------------------------------------

    async def _single_process_round(self, now: datetime) -> int:
        async with self._db.session() as session:
            rows = (await session.scalars(self._due_query(now).limit(self._batch))).all()
            found = [_Due.of(r) for r in rows]
        sent = 0
        for due in found:
            async with self._db.session() as session:
                plan = await self._plan(session, due, now)
            if plan is None:
                continue
            if isinstance(plan, _Send) and self._durable(plan):
                # Claim and keep in one write transaction (BEGIN IMMEDIATE): once or not at all.
                async with self._db.transaction() as session:
                    if await self._claim(session, due, now):
                        sent += await self._send(session, due, plan, now) or 0
                continue
            done = await self._send(None, due, plan, now)
            if done is None:
                continue
            async with self._db.transaction() as session:
                await self._claim(session, due, now)
            sent += done
        return sent

    @staticmethod
    async def _claim(session: AsyncSession, due: _Due, now: datetime) -> bool:
        """Mark sent (a repeating reminder: move on to its next time) unless someone did
        already; True when this call did."""
        following = due.next_due(now)
        claim = update(ReminderRow).where(
            ReminderRow.id == due.id,
            ReminderRow.sent_at.is_(None),
            ReminderRow.due_utc == due.due,
        )
        values = {"sent_at": now} if following is None else {"due_utc": following}
        result = await session.execute(claim.values(**values))
        return bool(getattr(result, "rowcount", 0))

    # -- one reminder ----------------------------------------------------------------------

    def _due_query(self, now: datetime) -> Select[ReminderRow]:
        reachable = select(ChatLinkRow.user_id).where(
            ChatLinkRow.channel.in_(list(self._deliveries))
        )
        return (
            select(ReminderRow)
            .where(
                ReminderRow.sent_at.is_(None),
                ReminderRow.due_utc <= now,
                ReminderRow.user_id.in_(reachable),
            )
            .order_by(ReminderRow.due_utc, ReminderRow.id)
        )

    def _durable(self, plan: _Send) -> bool:
        return isinstance(self._deliveries[plan.channel], DurableDelivery)

    async def _plan(self, session: AsyncSession, due: _Due, now: datetime) -> _Send | str | None:
        """Where to send it, `_DROP` when it is too old, None to try again next round."""
        late = now - due.due
        if late > EXPIRES_AFTER:
            self._metrics.reminders.labels("expired").inc()
            log.info("reminder_expired", reminder=due.id, late_seconds=int(late.total_seconds()))
            return _DROP
        links = (
            await session.scalars(
                select(ChatLinkRow)
                .where(
                    ChatLinkRow.user_id == due.user_id,
                    ChatLinkRow.channel.in_(list(self._deliveries)),
                )
                .order_by(ChatLinkRow.linked_at.desc())
            )
        ).all()
        settings = await session.get(UserSettingsRow, due.user_id)
        if not links or settings is None:
            return None
        lang: Lang = "en" if settings.language == "en" else "ru"
        text = reminder_text(
            due.text,
            due.due,
            minutes_before=due.minutes_before,
            lang=lang,
            zone=ZoneInfo(settings.timezone),
            now=now,
        )
        # A chat that is pushed to (Telegram) before the web page's outbox, which is only
        # read while the page is open: one person may use both since web sign-in.
        pushed = [
            link
            for link in links
            if not isinstance(self._deliveries[link.channel], DurableDelivery)
        ]
        chosen = (pushed or links)[0]
        return _Send(chosen.channel, chosen.chat_id, text, late)

    async def _send(
        self, session: AsyncSession | None, due: _Due, plan: _Send | str, now: datetime
    ) -> int | None:
        """1 when delivered, 0 when dropped for good, None to try again next round."""
        if not isinstance(plan, _Send):
            return 0
        delivery = self._deliveries[plan.channel]
        if isinstance(delivery, DurableDelivery):
            # A failure here raises and rolls back the transaction marking it sent, too.
            assert session is not None, "a durable delivery is kept inside a transaction"
            await delivery.keep(
                session,
                reminder_id=due.id,
                user_id=due.user_id,
                chat_id=plan.chat_id,
                text=plan.text,
                due=due.due,
                now=now,
            )
            return self._counted(plan.late)
        try:
            await delivery.deliver(plan.chat_id, plan.text)
        except PermissionError as error:  # blocked by the user: it can never arrive
            self._metrics.reminders.labels("undeliverable").inc()
            log.info("reminder_undeliverable", reminder=due.id, error=str(error))
            return 0
        except Exception as error:
            self._metrics.reminders.labels("failed").inc()
            log.warning("reminder_delivery_failed", reminder=due.id, error=type(error).__name__)
            return None
        return self._counted(plan.late)

    def _counted(self, late: timedelta) -> int:
        self._metrics.reminders.labels("late" if late > timedelta(seconds=30) else "sent").inc()
        self._metrics.reminder_lateness_seconds.observe(max(late.total_seconds(), 0.0))
        return 1
