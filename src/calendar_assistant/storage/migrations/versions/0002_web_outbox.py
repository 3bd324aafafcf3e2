"""Web chat outbox: reminders for the web user kept in the database until the page fetches
them, so a restart or another replica loses none.

Revision ID: 0002_web_outbox
Revises: 0003_busy_indexes
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_web_outbox"
down_revision = "0003_busy_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("reminder_id", name="uq_web_outbox_reminder"),
    )
    op.create_index("ix_web_outbox_chat", "web_outbox", ["chat_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_web_outbox_chat", table_name="web_outbox")
    op.drop_table("web_outbox")
