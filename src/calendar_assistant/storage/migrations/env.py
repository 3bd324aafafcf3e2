"""Alembic environment: runs on the connection Database.open hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from calendar_assistant.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run through calendar_assistant.storage.Database.open")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
