"""What an update costs PostgreSQL, counted on the wire: round trips per update answered.

The app in this process with its database behind a relay that counts round trips
(tests/pg_wire.py): every BEGIN, COMMIT, SAVEPOINT, pool ping, Parse and statement our code
and its driver send. Updates go through the webhook one at a time, as the load bench's
users send them (a new meeting, /today, /help), and each waits for its reply at the fake Bot
API. On an otherwise idle app the count per update is what the webhook, the inbox and the
assistant ask of the database; a change that adds round trips to the hot path fails here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from fakes.telegram import WEBHOOK_SECRET, FakeTelegram
from pg_wire import CountingRelay

pytestmark = pytest.mark.postgres

MESSAGES = ("Запланируй встречу с командой завтра в 10:00", "/today", "/help")
#: Round trips per update (the three messages above, averaged): 11.2 measured, 12.6-12.7
#: before a new user, an undo entry and a new event each took one statement, 40.9-42.7
#: before pool_pre_ping went, the claim was one statement and the user was read once.
MOST_PER_UPDATE = 12.0


async def _send(app: FastAPI, fake: FakeTelegram, users: range) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        for user in users:
            for n, text in enumerate(MESSAGES, 1):
                update = fake.text_update(user, text)
                response = await http.post("/telegram/webhook", json=update, headers=headers)
                assert response.status_code == 200
                await fake.until(lambda u=user, n=n: len(fake.texts_to(u)) >= n, what="a reply")


async def _counted(
    start_app: Any, fake: FakeTelegram, own_database: str
) -> tuple[float, Counter[str]]:
    url = make_url(own_database)
    async with CountingRelay(url.host or "127.0.0.1", url.port or 5432) as relay:
        behind = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
        async with start_app(
            database_url=behind,
            telegram_webhook_url="https://bot.example.org/telegram/webhook",
            telegram_webhook_secret=WEBHOOK_SECRET,
            inbox_poll_seconds=30,  # no idle polls in the count: each update wakes the claims
            reminder_poll_seconds=25,
        ) as app:
            await _send(app, fake, range(70_000, 70_003))  # connections opened, statements prepared
            relay.count.reset()
            users = range(70_100, 70_106)
            await _send(app, fake, users)
            await app.state.services.inbox.wait_idle(10)
            per_update = relay.count.round_trips / (len(users) * len(MESSAGES))
            return per_update, Counter(relay.count.by_label)


async def test_an_update_costs_few_round_trips_to_postgresql(
    start_app: Any, fake: FakeTelegram, own_database: str
) -> None:
    per_update, by_label = await _counted(start_app, fake, own_database)
    shown = "\n".join(f"{n:4d}  {label[:140]}" for label, n in by_label.most_common())
    print(f"\nround trips per update: {per_update:.1f}\n{shown}")
    assert per_update <= MOST_PER_UPDATE, shown
