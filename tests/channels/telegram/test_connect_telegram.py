"""Connecting a CalDAV calendar through Telegram: the password message is deleted.

The bot talks to the fake Bot API and logs in to a real Radicale server.
"""

from __future__ import annotations

from typing import Any

from calendar_assistant.calendars.accounts.credentials import generate_key
from calendars.caldav.conftest import LOOPBACK_ALLOWED, PASSWORDS, RadicaleServer
from calendars.caldav.conftest import radicale as radicale  # the real server fixture
from fakes.telegram import FakeTelegram
from support import says

CHAT = 41


async def test_the_message_with_the_password_is_deleted(
    start_app: Any, fake: FakeTelegram, radicale: RadicaleServer
) -> None:
    radicale.fresh_account("bob")
    async with start_app(credentials_keys=generate_key(), **LOOPBACK_ALLOWED):
        fake.send_text(CHAT, "/connect")
        await fake.until(lambda: len(fake.texts_to(CHAT)) == 1, what="the /connect menu")
        menu = fake.sent_to(CHAT)[-1]
        rows = menu.params["reply_markup"]["inline_keyboard"]
        other = next(b for row in rows for b in row if b["text"].startswith("Другой"))
        fake.press(CHAT, other["callback_data"], message=menu.result)
        await fake.until(lambda: len(fake.texts_to(CHAT)) == 2, what="the address question")
        assert "https://" in fake.texts_to(CHAT)[-1]
        fake.send_text(CHAT, radicale.url)
        await fake.until(lambda: len(fake.texts_to(CHAT)) == 3, what="the login question")
        fake.send_text(CHAT, "bob")
        await fake.until(lambda: len(fake.texts_to(CHAT)) == 4, what="the password question")
        assert fake.calls_of("deleteMessage") == []

        carrying = fake.send_text(CHAT, PASSWORDS["bob"])
        await fake.until(lambda: len(fake.texts_to(CHAT)) == 5, what="the connected note")
        (deleted,) = fake.calls_of("deleteMessage")
        assert str(deleted.params["chat_id"]) == str(CHAT)
        assert int(deleted.params["message_id"]) == carrying["message"]["message_id"]
        assert says(fake.texts_to(CHAT)[-1], "ru", "connect.connected_username_at_host")
        assert not any(PASSWORDS["bob"] in text for text in fake.texts_to(CHAT))

        fake.send_text(CHAT, "Запланируй встречу завтра в 10")
        await fake.until(lambda: len(fake.texts_to(CHAT)) == 6, what="the created event")
        assert says(fake.texts_to(CHAT)[-1], "ru", "created.text")
        (calendar,) = radicale.client("bob").principal().calendars()
        assert [str(e.icalendar_component["SUMMARY"]) for e in calendar.events()] == ["Встреча"]
        assert len(fake.calls_of("deleteMessage")) == 1  # only the password was deleted
