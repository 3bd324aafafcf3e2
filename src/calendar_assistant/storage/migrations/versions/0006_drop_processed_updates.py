"""Drop `processed_updates`: the inbox's unique (channel, external_id) makes a re-sent update
act once, and an update's handling is kept whole or not at all (storage/inbox.py), so the
update-id claims of 0002_channels were no longer written or read by anything.

Revision ID: 0006_drop_processed_updates
Revises: 0005_web_sign_in
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_drop_processed_updates"
down_revision = "0005_web_sign_in"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_processed_updates_at", table_name="processed_updates")
    op.drop_table("processed_updates")


def downgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_processed_updates_at", "processed_updates", ["processed_at"])
