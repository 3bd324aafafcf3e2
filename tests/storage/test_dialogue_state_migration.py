"""0008_dialogue_state: the settings prompts move into the dialogue-state documents and back,
next to what those documents already held, on SQLite and PostgreSQL. The emptied table stays
for one release (the previous release's replicas read it during a rolling upgrade)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from calendar_assistant.storage import Database

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
BEFORE = "0007_month_first"
PENDING = {"stage": "confirm", "token": "abc"}


async def _prompts(database: Database) -> list[tuple[int, str]]:
    async with database.session() as session:
        rows = await session.execute(text("SELECT user_id, field FROM settings_prompts"))
        return sorted((int(user_id), str(field)) for user_id, field in rows)


async def _documents(database: Database) -> dict[int, dict[str, Any]]:
    async with database.session() as session:
        rows = await session.execute(text("SELECT user_id, state FROM dialogue_states"))
        return {
            int(user_id): state if isinstance(state, dict) else json.loads(state)
            for user_id, state in rows
        }


async def test_settings_prompts_move_into_the_dialogue_state_and_back(database: Database) -> None:
    await database.migrate_to(BEFORE, down=True)
    at = NOW.replace(tzinfo=None) if database.dialect == "sqlite" else NOW
    async with database.transaction() as session:
        for user in (1, 2, 3):
            await session.execute(
                text("INSERT INTO users (id, key, created_at) VALUES (:id, :key, :t)"),
                {"id": user, "key": f"telegram:{user}", "t": at},
            )
        for user in (1, 2):  # 1 has a question open too, 2 only the prompt
            await session.execute(
                text(
                    "INSERT INTO settings_prompts (user_id, field, asked_at) "
                    "VALUES (:id, 'timezone', :t)"
                ),
                {"id": user, "t": at},
            )
        for user in (1, 3):  # 3 has a question and no prompt
            await session.execute(
                text("INSERT INTO dialogue_states (user_id, state) VALUES (:id, :state)"),
                {"id": user, "state": json.dumps(PENDING)},
            )

    await database.migrate_to("head")
    prompt = {"field": "timezone", "asked_at": NOW.isoformat()}
    assert await _documents(database) == {
        1: PENDING | {"settings_prompt": prompt},
        2: {"settings_prompt": prompt},
        3: PENDING,
    }
    assert await _prompts(database) == []

    await database.migrate_to(BEFORE, down=True)
    assert await _documents(database) == {1: PENDING, 3: PENDING}  # 2's held the prompt alone
    assert await _prompts(database) == [(1, "timezone"), (2, "timezone")]
    await database.migrate_to("head")
