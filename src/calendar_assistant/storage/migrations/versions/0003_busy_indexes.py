"""Free/busy indexes: a month of a busy calendar read from the index alone.

Single events get a covering index of their times (free/busy reads start and end only);
series masters and overrides, a few rows among many, get one of their own so finding the
series in a window no longer walks every single event before it.

Revision ID: 0003_busy_indexes
Revises: 0002_speech
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_busy_indexes"
down_revision = "0002_speech"
branch_labels = None
depends_on = None

_SINGLE = "rrule IS NULL AND recurrence_id_utc IS NULL"
_SERIES = "rrule IS NOT NULL OR recurrence_id_utc IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_events_busy_single",
        "events",
        ["user_id", "calendar_id", "start_utc", "end_utc"],
        sqlite_where=sa.text(_SINGLE),
        postgresql_where=sa.text(_SINGLE),
    )
    op.create_index(
        "ix_events_busy_series",
        "events",
        ["user_id", "calendar_id", "start_utc", "span_end_utc", "event_id"],
        sqlite_where=sa.text(_SERIES),
        postgresql_where=sa.text(_SERIES),
    )


def downgrade() -> None:
    op.drop_index("ix_events_busy_series", table_name="events")
    op.drop_index("ix_events_busy_single", table_name="events")
