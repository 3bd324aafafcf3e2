"""Reminders reach the chat at most 30 s late, once, across restarts and replicas."""

from __future__ import annotations

import asyncio
import html
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from calendar_assistant.observability.metrics import Metrics
from calendar_assistant.reminders.scheduler import ReminderScheduler
from calendar_assistant.reminders.wording import reminder_text
from calendar_assistant.storage.channel_records import ChatLinks
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.reminders import ReminderRepository
from calendar_assistant.storage.users import UserRepository, UserSettings
from fakes.telegram import FakeTelegram
from support import MOSCOW


async def _settle(fake: FakeTelegram, rounds: float = 0.5) -> None:
    """Let a few scheduler rounds (0.1 s apart) pass, to see nothing more arrives."""
    await asyncio.sleep(rounds)


async def test_reminders_arrive_once_across_a_restart(
    start_app: Any, fake: FakeTelegram, clock: Any
) -> None:
    async with start_app():
        fake.send_text(31, "Напомни сегодня в 15:00 купить хлеб")
        fake.send_text(31, "Напомни завтра в 9 утра позвонить маме")
        fake.send_text(31, "Напомни послезавтра в 9 утра полить цветы")
        await fake.until(lambda: len(fake.texts_to(31)) == 3, what="three confirmations")
        clock.now = datetime(2026, 11, 24, 15, 0, 5, tzinfo=MOSCOW)
        await fake.until(lambda: len(fake.texts_to(31)) == 4, what="the bread reminder")
        await _settle(fake)
    bread = fake.texts_to(31)[3]
    assert bread == "⏰ Напоминание: Купить хлеб"
    # Down for two days: «позвонить маме» is over a day old, «полить цветы» 5 minutes late.
    clock.now = datetime(2026, 11, 26, 9, 5, tzinfo=MOSCOW)
    async with start_app():
        await fake.until(lambda: len(fake.texts_to(31)) == 5, what="the late reminder")
        await _settle(fake)
    async with start_app():
        await _settle(fake)
    texts = fake.texts_to(31)
    assert len(texts) == 5
    assert texts[4].startswith("⏰ Напоминание: Полить цветы\n(С опозданием")
    assert not any("Позвонить маме" in t for t in texts[3:])


async def test_delivery_is_at_most_30_seconds_late(
    start_app: Any, fake: FakeTelegram, clock: Any
) -> None:
    async with start_app(reminder_poll_seconds=5.0) as app:
        fake.send_text(32, "Remind me today at 3pm to stretch", language="en")
        await fake.until(lambda: len(fake.texts_to(32)) == 1, what="the confirmation")
        clock.now = datetime(2026, 11, 24, 15, 0, 0, tzinfo=MOSCOW)
        scheduler = app.state.services.scheduler
        await scheduler.run_once()  # what the next round (≤ 5 s away) does
        assert fake.texts_to(32)[-1] == "⏰ Reminder: Stretch"
    metrics = app.state.services.metrics.exposition().decode()
    assert 'assistant_reminders_total{result="sent"} 1.0' in metrics


def test_the_late_note_and_event_wording() -> None:
    due = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")
    on_time = reminder_text("Standup", due, minutes_before=15, lang="en", zone=berlin, now=due)
    assert on_time == "⏰ Standup — starts at 10:15"
    # Across Berlin's spring change (2027-03-28 02:00 → 03:00) the event time is local.
    spring = datetime(2027, 3, 28, 0, 45, tzinfo=UTC)
    text = reminder_text("Call", spring, minutes_before=15, lang="ru", zone=berlin, now=spring)
    assert text == "⏰ Call — начало в 03:00"
    late = reminder_text(
        "Call", due, minutes_before=None, lang="ru", zone=berlin, now=due + timedelta(minutes=7)
    )
    assert late.endswith("(С опозданием: было на 28 марта, 10:00, сервер был недоступен.)")
    ny = ZoneInfo("America/New_York")
    dst = datetime(2027, 3, 14, 6, 0, tzinfo=UTC)  # 01:00 EST, the night clocks go forward
    assert reminder_text("Gym", dst, minutes_before=90, lang="en", zone=ny, now=dst).endswith(
        "starts at 03:30"
    )


class RecordingChat:
    """A channel that keeps what it was given (stands for Telegram in the replica test)."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []

    async def deliver(self, chat_id: str, text: str) -> None:
        await asyncio.sleep(0.001)
        self.delivered.append((chat_id, text))


@pytest.mark.postgres
async def test_replicas_sharing_postgresql_send_each_reminder_once(postgres_url: str) -> None:
    first = await Database.open(postgres_url)
    second = await Database.open(postgres_url)
    try:
        async with first.transaction() as session:
            await session.execute(text("TRUNCATE users RESTART IDENTITY CASCADE"))
        now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
        users = UserRepository(first)
        reminders = ReminderRepository(first)
        for n in range(5):
            user = await users.get_or_create(f"telegram:{n}", None, UserSettings())
            await ChatLinks(first).link(user.id, "telegram", str(n), now)
            for k in range(12):
                await reminders.add(user.id, f"r{n}-{k}", now - timedelta(seconds=k))
        chat = RecordingChat()
        schedulers = [
            ReminderScheduler(db, {"telegram": chat}, lambda: now, Metrics(), batch=7)
            for db in (first, second, first, second)
        ]
        for _ in range(4):
            await asyncio.gather(*(s.run_once() for s in schedulers))
        texts = [t for _, t in chat.delivered]
        assert len(texts) == 60
        assert len(set(texts)) == 60
        assert await reminders.due(now) == []
    finally:
        await first.close()
        await second.close()


BERLIN = ZoneInfo("Europe/Berlin")


async def test_a_repeating_reminder_keeps_its_clock_across_dst_and_rings_once_after_downtime(
    start_app: Any, fake: FakeTelegram, clock: Any, database_url: str
) -> None:
    """ "every day at 9" is 9:00 local on both sides of Berlin's spring change (28 March
    2027), each time once; after two days down it rings once, late, not once per day."""
    clock.now = datetime(2027, 3, 26, 10, 0, tzinfo=BERLIN)
    async with start_app(default_timezone="Europe/Berlin"):
        fake.send_text(33, "remind me every day at 9 to take my pills", language="en")
        await fake.until(lambda: len(fake.texts_to(33)) == 1, what="the confirmation")
        assert html.unescape(fake.texts_to(33)[0]) == (
            "I'll remind you every day, starting Sat, Mar 27, 9:00 AM: Take my pills."
        )
        clock.now = datetime(2027, 3, 27, 9, 0, 5, tzinfo=BERLIN)
        await fake.until(lambda: len(fake.texts_to(33)) == 2, what="the first time")
        clock.now = datetime(2027, 3, 28, 8, 59, 0, tzinfo=BERLIN)  # 06:59 UTC, after the change
        await _settle(fake)
        assert len(fake.texts_to(33)) == 2
        clock.now = datetime(2027, 3, 28, 9, 0, 5, tzinfo=BERLIN)  # 07:00 UTC, not 08:00
        await fake.until(lambda: len(fake.texts_to(33)) == 3, what="the second time")
        await _settle(fake)
    assert fake.texts_to(33)[1:] == ["⏰ Reminder: Take my pills"] * 2
    clock.now = datetime(2027, 3, 31, 9, 30, tzinfo=BERLIN)  # down since the 28th
    async with start_app(default_timezone="Europe/Berlin"):
        await fake.until(lambda: len(fake.texts_to(33)) == 4, what="the late time")
        await _settle(fake)
        assert len(fake.texts_to(33)) == 4
        assert fake.texts_to(33)[3].startswith("⏰ Reminder: Take my pills\n(Late")
        fake.send_text(33, "what reminders do i have", language="en")
        await fake.until(lambda: len(fake.texts_to(33)) == 5, what="the list")
    assert fake.texts_to(33)[4].endswith("Thu, Apr 1, 9:00 AM — Take my pills · every day")
