"""Reminders that repeat: «напоминай каждый день в 9 пить таблетки» was kept as one reminder.

A repeating reminder is one row: `rrule` (RFC 5545, as the parse gives it), the zone its
wall clock is read in (`timezone`: "every day at 9" stays at 9 across a DST change) and
the series' first time (`series_start_utc`, the rule's DTSTART: COUNT and INTERVAL count
from it). `due_utc` is the next time it rings; delivering it moves `due_utc` on to the
following occurrence instead of marking it sent, in the same transaction. Null for the
one-off reminders every existing row is.

Revision ID: 0011_recurring_reminders
Revises: 0010_busy_changes
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_recurring_reminders"
down_revision = "0010_busy_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("rrule", sa.Text(), nullable=True))
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=True))
        batch.add_column(sa.Column("series_start_utc", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("series_start_utc")
        batch.drop_column("timezone")
        batch.drop_column("rrule")
