"""Reminders waiting to be delivered: standalone («напомни …») and before events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import ReminderRow, UTCDateTime


@dataclass(frozen=True, slots=True)
class Reminder:
    """A stored reminder; `sent_at` is set once a channel delivered it."""

    id: int
    user_id: int
    text: str
    due: datetime
    event_id: str | None = None
    minutes_before: int | None = None
    sent_at: datetime | None = None
    rrule: str | None = None  # a repeating reminder: its rule, read in `timezone`
    timezone: str | None = None


#: Unsent reminders due by `now`, oldest first: the scheduler's poll, served by the index on
#: (sent_at, due_utc) (tests/storage/test_query_plans.py checks both databases use it).
DUE_QUERY = (
    select(ReminderRow)
    .where(
        ReminderRow.sent_at.is_(None),
        ReminderRow.due_utc <= bindparam("now", type_=UTCDateTime()),
    )
    .order_by(ReminderRow.due_utc, ReminderRow.id)
    .limit(bindparam("limit"))
)


class ReminderRepository:
    """Add, list and deliver reminders; `mark_sent` succeeds once per reminder."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        user_id: int,
        text: str,
        due: datetime,
        *,
        event_id: str | None = None,
        minutes_before: int | None = None,
        rrule: str | None = None,
        timezone: str | None = None,
    ) -> Reminder:
        """Keep a reminder; with `rrule` (and the `timezone` its clock is read in) it
        repeats, `due` being its first time."""
        if due.tzinfo is None:
            raise ValueError("a reminder's due time must be timezone-aware")
        if (rrule is None) != (timezone is None):
            raise ValueError("a repeating reminder needs both its rule and its zone")
        if not text.strip():
            raise ValueError("a reminder needs a text")
        if minutes_before is not None and minutes_before < 0:
            raise ValueError("minutes_before cannot be negative")
        async with self._db.transaction() as session:
            row = ReminderRow(
                user_id=user_id,
                text=text,
                due_utc=due,
                event_id=event_id,
                minutes_before=minutes_before,
                rrule=rrule,
                timezone=timezone,
                series_start_utc=due if rrule is not None else None,
            )
            session.add(row)
            await session.flush()
            return _reminder(row)

    async def get(self, user_id: int, reminder_id: int) -> Reminder | None:
        async with self._db.session() as session:
            row = await session.get(ReminderRow, reminder_id)
            return None if row is None or row.user_id != user_id else _reminder(row)

    async def list_for_user(self, user_id: int, *, include_sent: bool = False) -> list[Reminder]:
        """The user's reminders, soonest first."""
        query = select(ReminderRow).where(ReminderRow.user_id == user_id)
        if not include_sent:
            query = query.where(ReminderRow.sent_at.is_(None))
        async with self._db.session() as session:
            rows = await session.scalars(query.order_by(ReminderRow.due_utc, ReminderRow.id))
            return [_reminder(r) for r in rows]

    async def list_for_event(self, user_id: int, event_id: str) -> list[Reminder]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(ReminderRow)
                .where(ReminderRow.user_id == user_id, ReminderRow.event_id == event_id)
                .order_by(ReminderRow.due_utc, ReminderRow.id)
            )
            return [_reminder(r) for r in rows]

    async def due(self, now: datetime, *, limit: int = 100) -> list[Reminder]:
        """Unsent reminders of all users due at or before `now`, oldest first."""
        async with self._db.session() as session:
            rows = await session.scalars(DUE_QUERY, {"now": now, "limit": limit})
            return [_reminder(r) for r in rows]

    async def mark_sent(self, reminder_id: int, now: datetime) -> bool:
        """Claim a reminder as delivered; False when someone marked it already (run once)."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(ReminderRow)
                .where(ReminderRow.id == reminder_id, ReminderRow.sent_at.is_(None))
                .values(sent_at=now)
            )
            return bool(getattr(result, "rowcount", 0))

    async def delete(self, user_id: int, reminder_id: int) -> bool:
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(ReminderRow).where(
                    ReminderRow.id == reminder_id, ReminderRow.user_id == user_id
                )
            )
            return bool(getattr(result, "rowcount", 0))

    async def delete_for_event(self, user_id: int, event_id: str) -> int:
        """Drop the reminders of an event (when it is deleted); returns how many."""
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(ReminderRow).where(
                    ReminderRow.user_id == user_id, ReminderRow.event_id == event_id
                )
            )
            return int(getattr(result, "rowcount", 0))


def _reminder(row: ReminderRow) -> Reminder:
    return Reminder(
        id=row.id,
        user_id=row.user_id,
        text=row.text,
        due=row.due_utc,
        event_id=row.event_id,
        minutes_before=row.minutes_before,
        sent_at=row.sent_at,
        rrule=row.rrule,
        timezone=row.timezone,
    )
