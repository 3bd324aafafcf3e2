"""A user's date order for numeric dates: `user_settings.month_first` (3/4 is March 4 when
true, 3 April when false); null, as every existing user gets, follows the user's zone.

Revision ID: 0007_month_first
Revises: 0006_drop_processed_updates
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_month_first"
down_revision = "0006_drop_processed_updates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_settings", sa.Column("month_first", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_settings") as batch:
        batch.drop_column("month_first")
