"""Reminder messages end to end — understand, read the reminder store, reply — with 500
pending reminders for the user (and 500 already sent). Measured, never asserted on time.
First figures (SQLite, 2 shared cores, median): list all 500 ≈ 10 ms; a delete that asks
which one ≈ 26 ms; a delete that finds nothing ≈ 23 ms.

Run: `.venv/bin/pytest tests/benchmarks/test_reminder_list_bench.py --benchmark-only`.
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
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, ReminderRepository, UserRepository, UserSettings
from support import BERLIN

NOW = datetime(2027, 3, 27, 10, 0, tzinfo=BERLIN)
USER = UserRef(key="bench:reminders")
TEXTS = ("Позвонить маме", "Выпить таблетки", "Оплатить счёт", "Полить цветы", "Купить хлеб")


class Harness:
    """An event loop, a database with 1,000 reminders (half sent), and the Assistant."""

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
            USER.key, defaults=UserSettings(timezone=BERLIN.key)
        )
        reminders = ReminderRepository(self.db)
        rng = random.Random(7)
        for i in range(1000):
            due = NOW + timedelta(minutes=rng.randrange(-60 * 24 * 30, 60 * 24 * 90))
            stored = await reminders.add(user.id, f"{rng.choice(TEXTS)} {i}", due)
            if i % 2:
                await reminders.mark_sent(stored.id, NOW)

    def say(self, text: str) -> Any:
        return self.loop.run_until_complete(self.assistant.handle(USER, Inbound(text=text), NOW))

    def close(self) -> None:
        self.loop.run_until_complete(self.db.close())
        self.loop.close()


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    made = Harness(tmp_path_factory.mktemp("reminder-bench"))
    yield made
    made.close()


@pytest.mark.benchmark(group="reminders")
@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("Какие у меня напоминания?", "Ваши напоминания (500)"),
        ("Удали напоминание про таблетки", "Какое удалить?"),
        ("Удали напоминание про собаку", "Не нашёл"),
    ],
    ids=["list", "delete-asks-which", "delete-finds-nothing"],
)
def test_one_reminder_message(benchmark: Any, harness: Harness, text: str, reply: str) -> None:
    replies = benchmark(harness.say, text)
    assert reply in replies[0].text
