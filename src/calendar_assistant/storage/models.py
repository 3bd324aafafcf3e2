"""SQLAlchemy tables: times are stored as UTC, the zone of an event as an IANA name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    TypeDecorator,
    and_,
    func,
    or_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC (naive UTC text on SQLite, timestamptz on PostgreSQL)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        """On SQLite the stored text parsed straight to an aware UTC datetime: one C call
        instead of the driver type's parse, then `process_result_value` (a week's list reads
        hundreds of these per message). Anything else goes the general way."""
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or general is None:
            return general
        parse = datetime.fromisoformat
        fallback = general

        def process(value: Any) -> datetime | None:
            if value is None:
                return None
            try:
                return parse(value + "+00:00")
            except (TypeError, ValueError):
                result: datetime | None = fallback(value)
                return result

        return process


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())


class UserSettingsRow(Base):
    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    working_hours_start: Mapped[time] = mapped_column(Time())
    working_hours_end: Mapped[time] = mapped_column(Time())
    working_days: Mapped[str] = mapped_column(String(32))
    default_duration_minutes: Mapped[int] = mapped_column(Integer)
    default_reminder_minutes: Mapped[int | None] = mapped_column(Integer)
    month_first: Mapped[bool | None] = mapped_column(Boolean)


class EventRow(Base):
    """A single event, a series' master, or an override of one occurrence of a series.

    `event_id` is the id callers see; an override shares its series' `event_id` and names
    the occurrence it replaces in `recurrence_id_utc`. `span_end_utc` is when the last
    occurrence ends (NULL for a series without end), so range queries use one index.
    """

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(255))
    recurrence_id_utc: Mapped[datetime | None] = mapped_column()
    calendar_id: Mapped[str] = mapped_column(String(255), default="local")
    title: Mapped[str] = mapped_column(Text)
    start_utc: Mapped[datetime] = mapped_column()
    end_utc: Mapped[datetime] = mapped_column()
    span_end_utc: Mapped[datetime | None] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64))
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    rrule: Mapped[str | None] = mapped_column(Text)
    exdates: Mapped[list[Any]] = mapped_column(default=list)
    location: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    attendees: Mapped[list[Any]] = mapped_column(default=list)
    reminders: Mapped[list[Any]] = mapped_column(default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )

    __table_args__ = (
        Index("ix_events_user_start", "user_id", "start_utc"),
        Index("ix_events_user_span_end", "user_id", "span_end_utc"),
        Index("ix_events_user_event", "user_id", "event_id", "recurrence_id_utc", unique=True),
        Index(
            "ux_events_user_master",
            "user_id",
            "event_id",
            unique=True,
            sqlite_where=recurrence_id_utc.is_(None),
            postgresql_where=recurrence_id_utc.is_(None),
        ),
        # Free/busy (migration 0003): single events' times straight from the index, and the
        # few series rows apart from them.
        Index(
            "ix_events_busy_single",
            "user_id",
            "calendar_id",
            "start_utc",
            "end_utc",
            sqlite_where=and_(rrule.is_(None), recurrence_id_utc.is_(None)),
            postgresql_where=and_(rrule.is_(None), recurrence_id_utc.is_(None)),
        ),
        Index(
            "ix_events_busy_series",
            "user_id",
            "calendar_id",
            "start_utc",
            "span_end_utc",
            "event_id",
            sqlite_where=or_(rrule.is_not(None), recurrence_id_utc.is_not(None)),
            postgresql_where=or_(rrule.is_not(None), recurrence_id_utc.is_not(None)),
        ),
    )


class ReminderRow(Base):
    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    due_utc: Mapped[datetime] = mapped_column()
    event_id: Mapped[str | None] = mapped_column(String(255))
    minutes_before: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    # A repeating reminder (0011): its rule, the zone its clock is read in, its first time.
    rrule: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(String(64))
    series_start_utc: Mapped[datetime | None] = mapped_column()

    __table_args__ = (
        Index("ix_reminders_due", "sent_at", "due_utc"),
        Index("ix_reminders_user", "user_id", "due_utc"),
    )


class DialogueStateRow(Base):
    __tablename__ = "dialogue_states"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[dict[str, Any]] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )


class UndoLogRow(Base):
    __tablename__ = "undo_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())
    description: Mapped[str] = mapped_column(Text)
    entries: Mapped[list[Any]] = mapped_column()

    __table_args__ = (Index("ix_undo_log_user", "user_id", "id"),)
