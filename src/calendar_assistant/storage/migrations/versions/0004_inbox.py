"""Durable inbox: every accepted channel update is stored before the channel is answered
200, then claimed and handled from here by any replica (see storage/inbox.py).

Revision ID: 0004_inbox
Revises: 0002_web_outbox
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_inbox"
down_revision = "0002_web_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("chat_key", sa.String(128), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("channel", "external_id", name="uq_inbox_channel_external_id"),
    )
    op.create_index("ix_inbox_state", "inbox", ["state", "id"])
    op.create_index("ix_inbox_chat", "inbox", ["channel", "chat_key", "id"])
    op.create_index("ix_inbox_finished", "inbox", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_finished", table_name="inbox")
    op.drop_index("ix_inbox_chat", table_name="inbox")
    op.drop_index("ix_inbox_state", table_name="inbox")
    op.drop_table("inbox")
