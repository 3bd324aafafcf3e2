"""Web sign-in: one-time sign-in links (only their hash) and each user's session epoch,
which "sign out everywhere" raises (see channels/web/accounts.py).

Revision ID: 0005_web_sign_in
Revises: 0004_inbox
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_web_sign_in"
down_revision = "0004_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sign_in_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_web_sign_in_links_expires", "web_sign_in_links", ["expires_at"])
    op.create_table(
        "web_session_epochs",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_session_epochs")
    op.drop_index("ix_web_sign_in_links_expires", table_name="web_sign_in_links")
    op.drop_table("web_sign_in_links")
