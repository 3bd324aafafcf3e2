"""Initial schema: users, settings, events, reminders, dialogue states, undo log.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts(name: str, *, nullable: bool = False, now: bool = False) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=sa.func.current_timestamp() if now else None,
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("display_name", sa.String(255), nullable=True),
        _ts("created_at", now=True),
    )
    op.create_table(
        "user_settings",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("working_hours_start", sa.Time(), nullable=False),
        sa.Column("working_hours_end", sa.Time(), nullable=False),
        sa.Column("working_days", sa.String(32), nullable=False),
        sa.Column("default_duration_minutes", sa.Integer(), nullable=False),
        sa.Column("default_reminder_minutes", sa.Integer(), nullable=True),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("event_id", sa.String(255), nullable=False),
        _ts("recurrence_id_utc", nullable=True),
        sa.Column("calendar_id", sa.String(255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        _ts("start_utc"),
        _ts("end_utc"),
        _ts("span_end_utc", nullable=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("reminders", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at", now=True),
        _ts("updated_at", now=True),
    )
    op.create_index("ix_events_user_start", "events", ["user_id", "start_utc"])
    op.create_index("ix_events_user_span_end", "events", ["user_id", "span_end_utc"])
    op.create_index(
        "ix_events_user_event",
        "events",
        ["user_id", "event_id", "recurrence_id_utc"],
        unique=True,
    )
    op.create_index(
        "ux_events_user_master",
        "events",
        ["user_id", "event_id"],
        unique=True,
        sqlite_where=sa.text("recurrence_id_utc IS NULL"),
        postgresql_where=sa.text("recurrence_id_utc IS NULL"),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        _ts("due_utc"),
        sa.Column("event_id", sa.String(255), nullable=True),
        sa.Column("minutes_before", sa.Integer(), nullable=True),
        _ts("sent_at", nullable=True),
        _ts("created_at", now=True),
    )
    op.create_index("ix_reminders_due", "reminders", ["sent_at", "due_utc"])
    op.create_index("ix_reminders_user", "reminders", ["user_id", "due_utc"])
    op.create_table(
        "dialogue_states",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("state", sa.JSON(), nullable=False),
        _ts("updated_at", now=True),
    )
    op.create_table(
        "undo_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        _ts("created_at", now=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
    )
    op.create_index("ix_undo_log_user", "undo_log", ["user_id", "id"])


def downgrade() -> None:
    op.drop_table("undo_log")
    op.drop_table("dialogue_states")
    op.drop_table("reminders")
    op.drop_table("events")
    op.drop_table("user_settings")
    op.drop_table("users")
