"""Webhook mode: the secret token guards the endpoint, updates act once and in order."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from calendar_assistant.storage.models import EventRow, UserRow
from fakes.telegram import WEBHOOK_SECRET, FakeTelegram
from support import says


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def post(app: FastAPI, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET) -> int:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with client(app) as http:
        response = await http.post("/telegram/webhook", json=update, headers=headers)
    return response.status_code


async def count(app: FastAPI, model: type[Any]) -> int:
    database = app.state.services.runtime.database
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_webhook_is_registered_with_the_secret(
    webhook_app: FastAPI, fake: FakeTelegram
) -> None:
    assert fake.webhook["url"] == "https://bot.example.org/telegram/webhook"
    assert fake.webhook["secret_token"] == WEBHOOK_SECRET
    assert not fake.calls_of("getUpdates")


async def test_a_dialogue_through_the_webhook(webhook_app: FastAPI, fake: FakeTelegram) -> None:
    assert await post(webhook_app, fake.text_update(5, "Запланируй обед с Анной завтра")) == 200
    await fake.until(lambda: len(fake.texts_to(5)) >= 1, what="the question")
    assert "?" in fake.texts_to(5)[0]  # the time is asked for
    assert await post(webhook_app, fake.text_update(5, "в 13:30")) == 200
    await fake.until(lambda: len(fake.texts_to(5)) >= 2, what="the created event")
    assert "13:30" in fake.texts_to(5)[1]
    assert await count(webhook_app, EventRow) == 1


async def test_a_wrong_or_missing_secret_gets_403_and_nothing_runs(
    webhook_app: FastAPI, fake: FakeTelegram
) -> None:
    update = fake.text_update(6, "Запланируй встречу завтра в 10")
    assert await post(webhook_app, update, secret="wrong") == 403
    assert await post(webhook_app, update, secret=None) == 403
    assert await post(webhook_app, update, secret=WEBHOOK_SECRET + "x") == 403
    await webhook_app.state.services.inbox.wait_idle(5)
    assert fake.texts_to(6) == []
    assert await count(webhook_app, UserRow) == 0


async def test_a_resent_update_acts_once(webhook_app: FastAPI, fake: FakeTelegram) -> None:
    update = fake.text_update(8, "Запланируй встречу с командой завтра в 10:00")
    for _ in range(3):
        assert await post(webhook_app, update) == 200
    await webhook_app.state.services.inbox.wait_idle(10)
    assert len(fake.texts_to(8)) == 1
    assert await count(webhook_app, EventRow) == 1


async def test_bad_bodies_are_refused(webhook_app: FastAPI) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    async with client(webhook_app) as http:
        assert (
            await http.post("/telegram/webhook", content=b"{", headers=headers)
        ).status_code == 400
        assert (await http.post("/telegram/webhook", json=[1], headers=headers)).status_code == 400
        big = {"update_id": 1, "message": {"text": "x" * 300_000}}
        assert (await http.post("/telegram/webhook", json=big, headers=headers)).status_code == 413


async def test_two_messages_of_one_user_are_handled_in_order(
    webhook_app: FastAPI, fake: FakeTelegram
) -> None:
    first = fake.text_update(9, "Запланируй встречу с Иваном завтра в 11:00")
    second = fake.text_update(9, "Отмени последнее")
    assert await post(webhook_app, first) == 200
    assert await post(webhook_app, second) == 200
    await fake.until(lambda: len(fake.texts_to(9)) >= 2, what="both replies")
    created, undone = fake.texts_to(9)
    assert "Встреча с Иваном" in created
    assert "Встреча с Иваном" in undone
    assert await count(webhook_app, EventRow) == 0


async def test_an_edited_message_does_not_act_again(
    webhook_app: FastAPI, fake: FakeTelegram
) -> None:
    update = fake.text_update(10, "Запланируй встречу с командой завтра в 10:00")
    assert await post(webhook_app, update) == 200
    await fake.until(lambda: len(fake.texts_to(10)) >= 1, what="the created event")
    edited = dict(update["message"], text="Запланируй встречу с командой завтра в 12:00")
    edited["edit_date"] = edited["date"] + 5
    assert (
        await post(webhook_app, {"update_id": update["update_id"] + 100, "edited_message": edited})
        == 200
    )
    await fake.until(lambda: len(fake.texts_to(10)) >= 2, what="the note")
    assert says(fake.texts_to(10)[1], "ru", "telegram.edited")
    assert await count(webhook_app, EventRow) == 1
