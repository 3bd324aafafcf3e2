"""Whole dialogues through long polling: the real python-telegram-bot against the fake."""

from __future__ import annotations

from fastapi import FastAPI

from fakes.telegram import FakeTelegram


async def test_start_asks_the_zone_and_a_city_sets_it(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.send_text(42, "/start", language="en")
    await fake.until(lambda: len(fake.texts_to(42)) >= 1, what="the greeting")
    greeting = fake.texts_to(42)[0]
    assert "time zone" in greeting
    fake.send_text(42, "Berlin", language="en")
    await fake.until(lambda: len(fake.texts_to(42)) >= 2, what="the zone reply")
    assert "Europe/Berlin" in fake.texts_to(42)[1]
    assert "UTC+01:00" in fake.texts_to(42)[1]


async def test_an_event_is_created_and_listed_by_command(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    fake.send_text(7, "Запланируй встречу с командой завтра в 10:00")
    await fake.until(lambda: len(fake.texts_to(7)) >= 1, what="the created event")
    created = fake.texts_to(7)[0]
    assert "Встреча с командой" in created
    assert "10:00" in created
    fake.send_text(7, "/week")
    await fake.until(lambda: len(fake.texts_to(7)) >= 2, what="the week")
    assert "Встреча с командой" in fake.texts_to(7)[1]


async def test_commands_are_registered_in_both_languages(
    polling_app: FastAPI, fake: FakeTelegram
) -> None:
    assert {"ru", "en", ""} <= set(fake.commands)
    names = [c["command"] for c in fake.commands["en"]]
    assert {"start", "help", "settings", "today", "week", "undo", "cancel"} <= set(names)
    assert {"connect", "privacy", "forget"} <= set(names)
    assert fake.commands["ru"][0]["description"] != fake.commands["en"][0]["description"]
