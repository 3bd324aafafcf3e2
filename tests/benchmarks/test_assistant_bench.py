"""One message end to end — understand, act on the local SQLite calendar, reply — with
1,000 events stored. Target: median ≤ 5 ms. Measured, never asserted on time.

Run: `.venv/bin/pytest tests/benchmarks/test_assistant_bench.py --benchmark-only`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, UserRepository, UserSettings
from support import MOSCOW, says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)
USER = UserRef(key="bench:user")
TITLES = ("Встреча с командой", "Созвон с клиентом", "Ревью кода", "Обед", "Планёрка", "1:1")


class Harness:
    """An event loop, a database with 1,000 events over a year, and the Assistant."""

    def __init__(self, path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.db: Database = self.loop.run_until_complete(
            Database.open(f"sqlite+aiosqlite:///{path / 'bench.sqlite3'}")
        )
        self.loop.run_until_complete(self._seed())
        self.assistant = Assistant(
            self.db, assistant_config(Settings(data_dir=path)), self._calendar
        )

    def _calendar(self, user_id: int) -> LocalCalendar:
        return LocalCalendar(self.db, user_id)

    async def _seed(self) -> None:
        user = await UserRepository(self.db).get_or_create(
            USER.key, defaults=UserSettings(timezone="Europe/Moscow")
        )
        calendar = LocalCalendar(self.db, user.id)
        rng = random.Random(7)
        start_day = NOW.replace(hour=0) - timedelta(days=60)
        for i in range(1000):
            day = start_day + timedelta(days=rng.randrange(365))
            start = day.replace(hour=rng.randrange(8, 19), minute=rng.choice((0, 30)))
            await calendar.create_event(
                NewEvent(
                    f"{rng.choice(TITLES)} {i}",
                    start,
                    start + timedelta(minutes=rng.choice((30, 60, 90))),
                    "Europe/Moscow",
                )
            )

    def say(self, text: str) -> Any:
        return self.loop.run_until_complete(self.assistant.handle(USER, Inbound(text=text), NOW))

    def close(self) -> None:
        self.loop.run_until_complete(self.db.close())
        self.loop.close()


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    made = Harness(tmp_path_factory.mktemp("assistant-bench"))
    yield made
    made.close()


@pytest.mark.benchmark(group="assistant")
@pytest.mark.parametrize(
    "text",
    [
        "Какие у меня встречи на завтра?",
        "Какие свободные слоты в пятницу?",
        "Когда у меня следующий обед?",
        "What's on my calendar next week?",
    ],
)
def test_one_read_message(benchmark: Any, harness: Harness, text: str) -> None:
    replies = benchmark(harness.say, text)
    assert replies
    assert replies[0].text


@pytest.mark.benchmark(group="assistant")
def test_create_then_undo(benchmark: Any, harness: Harness) -> None:
    """A write and its undo (two messages per round; halve the figure for one)."""

    def round_trip() -> tuple[Any, Any]:
        created = harness.say("Запланируй встречу с инвестором 3 декабря в 7 утра")
        undone = harness.say("Отмени последнее")
        return created, undone

    created, undone = benchmark(round_trip)
    assert says(created[0].text, "ru", "created.text")
    assert says(undone[0].text, "ru", "undo.create")
