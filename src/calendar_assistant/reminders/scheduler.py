"""The reminder scheduler: every few seconds, deliver what is due to the user's chat.

Exactly once: on PostgreSQL each reminder is taken with `SELECT … FOR UPDATE SKIP LOCKED`
and marked sent in the same transaction as its delivery, so replicas never take the same
one and a crash before the commit leaves it to be sent again. On SQLite (one process) the
reminder is marked sent right after delivery with a conditional update. A reminder missed
while the server was down goes out late with a note, unless it is over a day old.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_assistant.channels.records import ChatLinkRow
from calendar_assistant.domain.language import Lang
from calendar_assistant.observability.metrics import Metrics
from calendar_assistant.reminders.wording import reminder_text
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import ReminderRow, UserSettingsRow

log = structlog.get_logger(__name__)

#: Older than this when found, a reminder is dropped instead of sent (news of yesterday).
EXPIRES_AFTER = timedelta(days=1)


class ReminderDelivery(Protocol):
    """A channel's way to put a reminder in a chat; raises when it could not."""

    async def deliver(self, chat_id: str, text: str) -> None: ...


@dataclass(frozen=True, slots=True)
class _Due:
    id: int
    user_id: int
    text: str
    due: datetime
    minutes_before: int | None


class ReminderScheduler:
    """Polls for due reminders and hands each to the channel of the user's latest chat."""

    def __init__(
        self,
        database: Database,
        deliveries: Mapping[str, ReminderDelivery],
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
                due = _Due(row.id, row.user_id, row.text, row.due_utc, row.minutes_before)
                done = await self._handle(session, due, now)
                if done is None:
                    skipped.append(row.id)
                    continue
                row.sent_at = now
                sent += done
        return sent

    # -- SQLite: one process ---------------------------------------------------------------

    async def _single_process_round(self, now: datetime) -> int:
        async with self._db.session() as session:
            rows = (await session.scalars(self._due_query(now).limit(self._batch))).all()
            found = [_Due(r.id, r.user_id, r.text, r.due_utc, r.minutes_before) for r in rows]
        sent = 0
        for due in found:
            async with self._db.session() as session:
                done = await self._handle(session, due, now)
            if done is None:
                continue
            async with self._db.transaction() as session:
                await session.execute(
                    update(ReminderRow)
                    .where(ReminderRow.id == due.id, ReminderRow.sent_at.is_(None))
                    .values(sent_at=now)
                )
            sent += done
        return sent

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

    async def _handle(self, session: AsyncSession, due: _Due, now: datetime) -> int | None:
        """1 when delivered, 0 when dropped for good, None to try again next round."""
        late = now - due.due
        if late > EXPIRES_AFTER:
            self._metrics.reminders.labels("expired").inc()
            log.info("reminder_expired", reminder=due.id, late_seconds=int(late.total_seconds()))
            return 0
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
        link = links[0]
        try:
            await self._deliveries[link.channel].deliver(link.chat_id, text)
        except PermissionError as error:  # blocked by the user: it can never arrive
            self._metrics.reminders.labels("undeliverable").inc()
            log.info("reminder_undeliverable", reminder=due.id, error=str(error))
            return 0
        except Exception as error:
            self._metrics.reminders.labels("failed").inc()
            log.warning("reminder_delivery_failed", reminder=due.id, error=type(error).__name__)
            return None
        self._metrics.reminders.labels("late" if late > timedelta(seconds=30) else "sent").inc()
        self._metrics.reminder_lateness_seconds.observe(max(late.total_seconds(), 0.0))
        return 1
