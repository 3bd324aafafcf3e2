"""What one message writes: the dialogue state only when it changed, so a read-only message
costs no write transaction (commits counted on the real engine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.storage import Database

ANNA = UserRef(key="test:anna")


@pytest.fixture(params=["Europe/Berlin", "America/New_York"])
def now(request: pytest.FixtureRequest) -> datetime:
    """Noon two days before each zone's DST change."""
    zone = ZoneInfo(request.param)
    day = 26 if request.param == "Europe/Berlin" else 12
    return datetime(2027, 3, day, 12, 0, tzinfo=zone)


@pytest.fixture
def commits(database: Database) -> Iterator[list[int]]:
    """One item per committed transaction, as the engine reports them (reads roll back)."""
    seen: list[int] = []

    def record(_conn: Any) -> None:
        seen.append(1)

    event.listen(database.engine.sync_engine, "commit", record)
    yield seen
    event.remove(database.engine.sync_engine, "commit", record)


async def test_an_unchanged_dialogue_state_is_not_written_again(
    database: Database, tmp_path: Path, now: datetime, commits: list[int]
) -> None:
    settings = Settings(data_dir=tmp_path, default_timezone=str(now.tzinfo))
    assistant = Assistant(database, settings, lambda uid: LocalCalendar(database, uid))
    created = await assistant.handle(ANNA, Inbound("Встреча с Иваном завтра в 15:00"), now)
    assert "Иван" in created[0].text
    assert commits  # the new event is remembered ("it" next time)
    commits.clear()
    for text in ("Что ты умеешь?", "Какие у меня встречи на завтра?", "Что ты умеешь?"):
        await assistant.handle(ANNA, Inbound(text), now)
    assert commits == []
    # A later unrelated message changes nothing either: the remembered event keeps the time
    # it was dealt with (an unrelated turn does not renew what "it" means).
    await assistant.handle(ANNA, Inbound("Что ты умеешь?"), now + timedelta(minutes=5))
    assert commits == []
    # And "it" still means the meeting: the state read with the user is the one used.
    moved = await assistant.handle(ANNA, Inbound("Перенеси её на 17:00"), now)
    assert "17:00" in moved[0].text
