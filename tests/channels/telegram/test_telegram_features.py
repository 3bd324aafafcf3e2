"""Buttons, HTML escaping, long messages, 429s, media, location, /forget, the rate limit."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

import web_session
from calendar_assistant.domain.messages import Reply
from calendar_assistant.storage.models import EventRow, UserRow, UserSettingsRow
from fakes.telegram import FakeTelegram
from support import says


async def count(app: FastAPI, model: type[Any]) -> int:
    database = app.state.services.runtime.database
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def buttons_of(fake: FakeTelegram, chat: int) -> list[dict[str, str]]:
    markup = fake.sent_to(chat)[-1].params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


async def test_a_delete_is_confirmed_with_a_button_that_edits_the_question(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.send_text(21, "Запланируй встречу с командой завтра в 10:00")
    await fake.until(lambda: len(fake.texts_to(21)) == 1, what="the created event")
    fake.send_text(21, "Удали встречу с командой")
    await fake.until(lambda: len(fake.texts_to(21)) == 2, what="the confirmation")
    question = fake.sent_to(21)[-1]
    yes = [b for b in buttons_of(fake, 21) if b["text"] == "Да"]
    assert yes, buttons_of(fake, 21)
    fake.press(21, yes[0]["callback_data"], message=question.result)
    await fake.until(lambda: len(fake.calls_of("editMessageText")) == 1, what="the edit")
    edit = fake.calls_of("editMessageText")[0]
    assert edit.params["message_id"] == question.result["message_id"]
    assert "Встреча с командой" in edit.params["text"]
    assert len(fake.calls_of("answerCallbackQuery")) == 1
    assert await count(polling_app, EventRow) == 0
    # The same button again: the question is closed, nothing else is deleted, and the
    # answer is a note to the presser alone (the message stays as it is).
    fake.press(21, yes[0]["callback_data"], message=question.result)
    await fake.until(lambda: len(fake.calls_of("answerCallbackQuery")) == 2, what="the note")
    assert says(fake.calls_of("answerCallbackQuery")[1].params["text"], "ru", "questions.closed")
    assert len(fake.calls_of("editMessageText")) == 1


async def test_user_text_is_escaped_in_html_replies(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.send_text(22, "Запланируй <b>ужин</b> & <a href='x'>тост</a> завтра в 19:00")
    await fake.until(lambda: len(fake.texts_to(22)) == 1, what="the reply")
    sent = fake.sent_to(22)[0].params
    assert sent["parse_mode"] == "HTML"
    assert "<b>" not in sent["text"]
    assert "<a" not in sent["text"]
    assert "&lt;b&gt;" in sent["text"] or "&lt;" in sent["text"]
    assert "&amp;" in sent["text"]


async def test_long_replies_are_split_below_the_limit(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    telegram = polling_app.state.services.telegram
    lines = "\n".join(f"{i:04d} <событие> & ещё" for i in range(400))
    await telegram.send(23, [Reply(lines)])
    texts = fake.texts_to(23)
    assert len(texts) >= 3
    assert all(len(t) <= 4096 for t in texts)
    assert texts[0].startswith("0000 &lt;событие&gt; &amp; ещё")
    assert texts[-1].endswith("0399 &lt;событие&gt; &amp; ещё")


async def test_a_429_is_waited_out_as_telegram_asks(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", retry_after=1)
    fake.send_text(24, "/help")
    await fake.until(lambda: len(fake.texts_to(24)) == 1, what="the reply after the 429")
    refused = fake.calls_of("sendMessage:429")
    assert len(refused) == 1
    assert fake.sent_to(24)[0].at - refused[0].at >= 0.95
    metrics = polling_app.state.services.metrics.exposition().decode()
    assert "assistant_telegram_retry_after_total 1.0" in metrics


async def test_photos_are_answered_and_voice_is_off_without_an_engine(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.send_photo(25)
    await fake.until(lambda: len(fake.texts_to(25)) == 1, what="the photo reply")
    assert says(fake.texts_to(25)[0], "ru", "telegram.files")
    fake.send_voice(25, b"OggS fake audio")
    await fake.until(lambda: len(fake.texts_to(25)) == 2, what="the voice reply")
    assert says(fake.texts_to(25)[1], "ru", "voice.off")
    assert not fake.calls_of("getFile")


async def test_a_shared_location_sets_the_zone(polling_app: FastAPI, fake: FakeTelegram) -> None:
    fake.send_location(26, 40.7128, -74.0060)
    await fake.until(lambda: len(fake.texts_to(26)) == 1, what="the zone reply")
    assert "America/New_York" in fake.texts_to(26)[0]


async def test_settings_change_and_forget_deletes_everything(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.send_text(27, "/settings hours 10-19")
    await fake.until(lambda: len(fake.texts_to(27)) == 1, what="the settings")
    assert "10:00–19:00" in fake.texts_to(27)[0]
    fake.send_text(27, "Запланируй встречу с командой завтра в 10:00")
    await fake.until(lambda: len(fake.texts_to(27)) == 2, what="the event")
    fake.send_text(27, "/forget")
    await fake.until(lambda: len(fake.texts_to(27)) == 3, what="the question")
    forget = [b for b in buttons_of(fake, 27) if b["text"].startswith("Да, удалить")]
    fake.press(27, forget[0]["callback_data"], message=fake.sent_to(27)[-1].result)
    await fake.until(lambda: len(fake.texts_to(27)) == 4, what="the deletion")
    assert says(fake.texts_to(27)[3], "ru", "account.done_all_data_deleted")
    assert await count(polling_app, UserRow) == 0
    assert await count(polling_app, EventRow) == 0
    assert await count(polling_app, UserSettingsRow) == 0


async def test_the_rate_limit_answers_politely_once(start_app: Any, fake: FakeTelegram) -> None:
    async with start_app(rate_limit_per_minute=3) as app:
        for _ in range(6):
            fake.send_text(28, "/help")
        await fake.until(lambda: len(fake.texts_to(28)) == 4, what="3 answers and a note")
        await app.state.services.inbox.wait_idle(5)
        await asyncio.sleep(0.2)
        texts = fake.texts_to(28)
        assert len(texts) == 4
        assert says(texts[3], "ru", "front_door.too_fast")


async def test_the_server_serves_while_telegram_is_unreachable(
    start_app: Any, fake: FakeTelegram
) -> None:
    fake.down = True
    async with start_app(wait_ready=False) as app:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
        ) as http:
            assert (await http.get("/healthz")).status_code == 200
            await web_session.local(http)  # polling, no public URL: a laptop install
            reply = await http.post("/api/chat", json={"text": "/help"})
            assert reply.status_code == 200
            assert reply.json()["replies"]
        telegram = app.state.services.telegram
        assert not telegram.ready.is_set()
        started = time.monotonic()
        fake.down = False
        await asyncio.wait_for(telegram.ready.wait(), 10)
        assert time.monotonic() - started < 10


async def test_an_update_fetched_twice_by_polling_acts_once(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    update = fake.text_update(42, "Запланируй встречу с командой завтра в 10:00")
    fake.add_update(update)
    fake.add_update(dict(update))
    await fake.until(lambda: len(fake.texts_to(42)) >= 1, what="the reply")
    await polling_app.state.services.inbox.wait_idle(5)
    await asyncio.sleep(0.3)
    assert len(fake.texts_to(42)) == 1
    assert await count(polling_app, EventRow) == 1
