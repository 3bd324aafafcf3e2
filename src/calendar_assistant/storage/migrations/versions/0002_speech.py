"""Speech: whether a user gets voice replies.

Revision ID: 0002_speech
Revises: 0002_channels
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_speech"
down_revision = "0002_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_preferences",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("replies", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("voice_preferences")
