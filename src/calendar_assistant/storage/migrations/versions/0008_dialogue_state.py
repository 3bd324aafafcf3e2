"""One dialogue state per user: the settings prompts move into `dialogue_states`.

The setting a user was asked for (the zone after /start) was a row of `settings_prompts`;
it is now the `settings_prompt` key of the user's dialogue-state document, beside the
pending question, so one store holds the whole dialogue (conversation/dialogue_state.py).
Each prompt is moved over. The table itself stays for one release, unused by this code:
the previous release reads it on almost every typed message, and during a rolling upgrade
its replicas run on this schema (docs/deploy.md); the next release's migration drops it.
The downgrade moves the prompts back and takes the new keys out of the documents.

Revision ID: 0008_dialogue_state
Revises: 0007_month_first
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008_dialogue_state"
down_revision = "0007_month_first"
branch_labels = None
depends_on = None

_PROMPTS = sa.table(
    "settings_prompts",
    sa.column("user_id", sa.Integer()),
    sa.column("field", sa.String(32)),
    sa.column("asked_at", sa.DateTime(timezone=True)),
)
_STATES = sa.table(
    "dialogue_states",
    sa.column("user_id", sa.Integer()),
    sa.column("state", sa.JSON()),
)
_KEY = "settings_prompt"


def _aware(value: datetime | str) -> datetime:
    """A stored time as aware UTC (SQLite keeps naive UTC text)."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _state_of(bind: sa.Connection, user_id: int) -> dict[str, Any] | None:
    found = bind.execute(sa.select(_STATES.c.state).where(_STATES.c.user_id == user_id))
    state = found.scalar()
    return None if state is None else dict(state)


def _write_state(bind: sa.Connection, user_id: int, state: dict[str, Any], *, new: bool) -> None:
    if new:
        bind.execute(sa.insert(_STATES).values(user_id=user_id, state=state))
    elif state:
        bind.execute(sa.update(_STATES).where(_STATES.c.user_id == user_id).values(state=state))
    else:
        bind.execute(sa.delete(_STATES).where(_STATES.c.user_id == user_id))


def upgrade() -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(_PROMPTS)).all():
        prompt = {"field": row.field, "asked_at": _aware(row.asked_at).isoformat()}
        state = _state_of(bind, row.user_id)
        _write_state(bind, row.user_id, (state or {}) | {_KEY: prompt}, new=state is None)
    bind.execute(sa.delete(_PROMPTS))  # moved: a later downgrade puts back what is current


def downgrade() -> None:
    bind = op.get_bind()
    naive = bind.dialect.name == "sqlite"
    for row in bind.execute(sa.select(_STATES)).all():
        state = dict(row.state or {})
        # The CalDAV answers lived in process memory before: they are not carried down.
        dropped = state.pop("connection", None) is not None
        prompt = state.pop(_KEY, None)
        if isinstance(prompt, dict):
            at = _aware(str(prompt["asked_at"]))
            bind.execute(sa.delete(_PROMPTS).where(_PROMPTS.c.user_id == row.user_id))
            bind.execute(
                sa.insert(_PROMPTS).values(
                    user_id=row.user_id,
                    field=str(prompt["field"]),
                    asked_at=at.replace(tzinfo=None) if naive else at,
                )
            )
        if dropped or prompt is not None:
            _write_state(bind, row.user_id, state, new=False)
