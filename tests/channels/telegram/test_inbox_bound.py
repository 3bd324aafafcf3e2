"""The inbox's bound (INBOX_MAX_PENDING): past it an update is answered "busy, try again in a
moment" instead of queued; the webhook still answers 200; a re-send is not answered twice;
nothing is lost, nothing answered twice, nothing acted on for a refused update."""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from calendar_assistant.replies import catalogue
from calendar_assistant.storage.models import EventRow
from fakes.telegram import WEBHOOK_SECRET, FakeTelegram

WEBHOOK = {
    "telegram_webhook_url": "https://bot.example.org/telegram/webhook",
    "telegram_webhook_secret": WEBHOOK_SECRET,
}
#: As Telegram shows it (the Bot API gets HTML: the apostrophe escaped).
BUSY = {lang: html.escape(catalogue.text(lang, "front_door.busy")) for lang in ("ru", "en")}


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def post(http: httpx.AsyncClient, update: dict[str, Any]) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    response = await http.post("/telegram/webhook", json=update, headers=headers)
    return response.status_code


def meeting(fake: FakeTelegram, user: int, language: str = "ru") -> dict[str, Any]:
    """A request for a meeting at an hour of its own (9:00 + user % 10), named in the reply."""
    return fake.text_update(
        user, f"Запланируй встречу с командой завтра в {9 + user % 10}:00", language
    )


def answered_with_hour(texts: list[str], user: int) -> bool:
    return len(texts) == 1 and re.search(rf"\b{9 + user % 10:02d}:00", texts[0]) is not None


async def events(app: FastAPI) -> int:
    async with app.state.services.runtime.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(EventRow)) or 0)


async def inbox_states(app: FastAPI) -> dict[str, int]:
    counts = await app.state.services.inbox.inbox.counts()
    return {state: n for (_, state), n in counts.items()}


def busy_count(app: FastAPI) -> float:
    metrics = app.state.services.metrics
    return float(metrics.updates.labels("telegram", "busy")._value.get())


async def test_past_the_bound_updates_are_answered_busy_and_the_queued_ones_later(
    start_app: Any, fake: FakeTelegram
) -> None:
    """Deterministic: a replica that only accepts (nothing finishes), bound 3. The first
    three are queued; the next five get the busy sentence at once, in their language (the
    webhook answers 200 to all); re-sends of either kind are answered by nobody again. A
    replica that handles then answers the three, and nothing more is sent to the five."""
    users = list(range(501, 509))
    updates = {u: meeting(fake, u, "en" if u % 2 else "ru") for u in users}
    accepting = start_app(inbox_concurrency=0, inbox_max_pending=3, **WEBHOOK)
    async with accepting as app, client(app) as http:
        for user in users:
            assert await post(http, updates[user]) == 200
        refused = users[3:]
        await fake.until(lambda: all(fake.texts_to(u) for u in refused), what="the busy replies")
        for user in refused:
            lang = "en" if user % 2 else "ru"
            assert fake.texts_to(user) == [BUSY[lang]]
        assert all(fake.texts_to(u) == [] for u in users[:3])
        # Telegram sends again (a timeout on its side): known by the id, not answered again.
        assert await post(http, updates[users[0]]) == 200
        assert await post(http, updates[users[5]]) == 200
        await app.state.services.inbox.stop(5)  # the refusals in hand are sent: let them end
        assert busy_count(app) == 5
        assert await inbox_states(app) == {"queued": 3}
    async with start_app(**WEBHOOK) as app:
        await fake.until(
            lambda: all(fake.texts_to(u) for u in users[:3]), what="the queued answers"
        )
        assert await app.state.services.inbox.wait_idle(10)
        for user in users[:3]:
            assert answered_with_hour(fake.texts_to(user), user), fake.texts_to(user)
        for user in users[3:]:
            assert len(fake.texts_to(user)) == 1  # the busy sentence, once
        assert await events(app) == 3  # nothing was done for a refused update
        assert await inbox_states(app) == {}  # every row done (done rows are not counted)


async def test_a_flood_over_a_tiny_bound_loses_nothing_and_answers_each_update_once(
    start_app: Any, fake: FakeTelegram
) -> None:
    """40 users at once against bound 2 while the inbox handles (4 at once): every update
    gets exactly one message, its answer or the busy sentence; some of each."""
    users = list(range(601, 641))
    async with start_app(inbox_max_pending=2, **WEBHOOK) as app:
        async with client(app) as http:
            statuses = await asyncio.gather(*(post(http, meeting(fake, u)) for u in users))
        assert set(statuses) == {200}
        await fake.until(lambda: all(fake.texts_to(u) for u in users), within=60, what="replies")
        assert await app.state.services.inbox.wait_idle(30)
        await asyncio.sleep(0.3)  # a second reply to anyone would have come by now
        answered = [u for u in users if answered_with_hour(fake.texts_to(u), u)]
        refused = [u for u in users if fake.texts_to(u) == [BUSY["ru"]]]
        odd = {u: fake.texts_to(u) for u in users if u not in answered + refused}
        assert sorted(answered + refused) == users, odd
        assert answered
        assert refused
        assert await events(app) == len(answered)
        assert busy_count(app) == len(refused)
        assert await inbox_states(app) == {}


async def test_a_refused_button_press_hears_busy_as_an_alert(
    start_app: Any, fake: FakeTelegram
) -> None:
    async with start_app(inbox_concurrency=0, inbox_max_pending=1, **WEBHOOK) as app:
        async with client(app) as http:
            assert await post(http, meeting(fake, 701)) == 200  # fills the inbox
            assert await post(http, fake.press_update(702, "q:abc:0")) == 200
        await fake.until(lambda: bool(fake.calls_of("answerCallbackQuery")), what="the alert")
        alert = fake.calls_of("answerCallbackQuery")[0].params
        assert alert["text"] == catalogue.text("ru", "front_door.busy")  # an alert is plain
        assert alert["show_alert"] is True
        assert fake.texts_to(702) == []
