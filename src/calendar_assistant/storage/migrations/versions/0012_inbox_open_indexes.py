"""The inbox's claim reads only unfinished rows: partial indexes instead of whole-table ones.

Every claim walks the queued rows oldest first and, for each, asks whether an earlier row
of its chat is unfinished. With indexes over every row (`ix_inbox_state`, `ix_inbox_chat`)
that walk passed the finished rows too, and after a burst acknowledged faster than it was
handled (thousands queued) PostgreSQL read and sorted the whole backlog on each claim: the
backlog drained at 18-50 updates/s where 130 were handled otherwise. The new indexes hold
only the rows not done (`ix_inbox_open`, also the gauges' and the bound's counts) and the
unfinished rows of each chat (`ix_inbox_chat_open`); a done row leaves both, so they stay
the size of the backlog, and a row's last change (done) writes no entry in either.

Revision ID: 0012_inbox_open_indexes
Revises: 0011_recurring_reminders
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_inbox_open_indexes"
down_revision = "0011_recurring_reminders"
branch_labels = None
depends_on = None

_OPEN = "state <> 'done'"
_UNFINISHED = "state IN ('queued', 'claimed')"


def upgrade() -> None:
    op.create_index(
        "ix_inbox_open",
        "inbox",
        ["state", "id"],
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )
    op.create_index(
        "ix_inbox_chat_open",
        "inbox",
        ["channel", "chat_key", "id"],
        sqlite_where=sa.text(_UNFINISHED),
        postgresql_where=sa.text(_UNFINISHED),
    )
    op.drop_index("ix_inbox_chat", table_name="inbox")
    op.drop_index("ix_inbox_state", table_name="inbox")


def downgrade() -> None:
    op.create_index("ix_inbox_state", "inbox", ["state", "id"])
    op.create_index("ix_inbox_chat", "inbox", ["channel", "chat_key", "id"])
    op.drop_index("ix_inbox_chat_open", table_name="inbox")
    op.drop_index("ix_inbox_open", table_name="inbox")
