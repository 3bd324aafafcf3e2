"""Findings 2 and 5: a button acts only for its open question, its asker, its chat, once.

The web chat is driven through the real server process; the group chat through the real
app with its bot on the fake Bot API (polling), two members pressing the same buttons.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from calendar_assistant.server import create_app
from calendar_assistant.storage.models import EventRow, UserRow
from channels.telegram.conftest import Clock, make_settings, running
from fakes.telegram import FakeTelegram
from support import says

from .conftest import RealServer

CLOSED = "Этот вопрос уже закрыт."


def _say(client: httpx.Client, **body: str) -> list[dict[str, Any]]:
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    return replies


def _button(replies: list[dict[str, Any]], label: str) -> str:
    buttons = [b for r in replies for row in r["buttons"] for b in row]
    return str(next(b["payload"] for b in buttons if b["label"].startswith(label)))


def _texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r["text"]) for r in replies)


def test_a_bare_confirmation_payload_does_nothing(real_server: RealServer) -> None:
    with real_server.client() as client:
        _say(client, text="/settings language ru")
        _say(client, text="Запланируй планёрку завтра в 10:00")
        for bare in ("acct:forget-yes", "acct:lang-en", "ab12cd:yes", "q:nothing:0", ""):
            assert _texts(_say(client, button=bare)) == CLOSED
        assert "Планёрка" in _texts(_say(client, text="/week"))
        assert says(_texts(_say(client, text="/settings")), "ru", "account.settings_shown")


def test_a_button_acts_once_and_only_while_its_question_is_open(
    real_server: RealServer,
) -> None:
    with real_server.client() as client:
        _say(client, text="/settings language ru")
        _say(client, text="Запланируй созвон с Олей завтра в 12:00")
        first = _button(_say(client, text="/forget"), "Да, удалить")
        second_question = _say(client, text="/forget")
        # The first question was replaced by the second: its button is stale.
        assert _texts(_say(client, button=first)) == CLOSED
        assert "Созвон с Олей" in _texts(_say(client, text="/week"))
        # The /week reply closed the second question too: only the last reply's buttons live.
        assert _texts(_say(client, button=_button(second_question, "Нет"))) == CLOSED
        no = _button(_say(client, text="/forget"), "Нет")
        assert says(_texts(_say(client, button=no)), "ru", "account.all_right_nothing_deleted")
        assert _texts(_say(client, button=no)) == CLOSED  # once
        assert "Созвон с Олей" in _texts(_say(client, text="/week"))


GROUP = -100500
ASKER, OTHER = 61, 62


async def _count(app: FastAPI, model: Any) -> int:
    database = app.state.services.runtime.database
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def group_app(tmp_path: Path, fake: FakeTelegram, clock: Clock) -> AsyncIterator[FastAPI]:
    app = create_app(make_settings(tmp_path, fake), clock=clock)
    async with running(app):
        await app.state.services.telegram.ready.wait()
        yield app


async def test_another_members_press_is_answered_privately_and_changes_nothing(
    group_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.send_group_text(GROUP, ASKER, "Запланируй встречу с командой завтра в 10:00")
    await fake.until(lambda: len(fake.texts_to(GROUP)) == 1, what="the created event")
    fake.send_group_text(GROUP, ASKER, "Удали встречу с командой")
    await fake.until(lambda: len(fake.texts_to(GROUP)) == 2, what="the confirmation")
    question = fake.sent_to(GROUP)[-1]
    rows = question.params["reply_markup"]["inline_keyboard"]
    yes = next(b for row in rows for b in row if b["text"] == "Да")

    fake.press(OTHER, yes["callback_data"], message=question.result)
    await fake.until(lambda: len(fake.calls_of("answerCallbackQuery")) == 1, what="the note")
    note = fake.calls_of("answerCallbackQuery")[0].params
    assert note["text"] == "Этот вопрос задан другому участнику."
    assert note.get("show_alert") in (True, "true", "True")
    assert fake.calls_of("editMessageText") == []  # the asker's question keeps its buttons
    assert len(fake.texts_to(GROUP)) == 2  # nothing said in the group
    assert await _count(group_app, EventRow) == 1

    # The asker's own press still works: the question was not consumed by the stranger.
    fake.press(ASKER, yes["callback_data"], message=question.result)
    await fake.until(lambda: len(fake.calls_of("editMessageText")) == 1, what="the deletion")
    assert await _count(group_app, EventRow) == 0
    assert await _count(group_app, UserRow) == 1  # the stranger was not even registered
