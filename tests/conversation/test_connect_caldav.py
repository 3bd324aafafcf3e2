"""Connecting a CalDAV calendar from the chat, against a real Radicale server.

The whole stack is real: the account desk, the assistant, the account registry with its
encrypted store, and Radicale over HTTP. The clock is pinned the day before a DST change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from calendar_assistant.calendars.accounts.credentials import generate_key
from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.config import Settings
from calendar_assistant.conversation.account_commands import AccountDesk
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.replies import catalogue
from calendar_assistant.runtime import assistant_config, calendars_config
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base
from calendar_assistant.storage.users import UserRepository
from calendars.caldav.conftest import LOOPBACK_ALLOWED, PASSWORDS, RadicaleServer
from calendars.caldav.conftest import radicale as radicale  # the real server fixture
from support import local_desk, says

# The day before each zone's spring-forward: «завтра в 10» is on the DST day itself.
DAYS_BEFORE_DST = {
    "Europe/Berlin": datetime(2027, 3, 27, 12, 0, tzinfo=ZoneInfo("Europe/Berlin")),
    "America/New_York": datetime(2027, 3, 13, 12, 0, tzinfo=ZoneInfo("America/New_York")),
}


class Chat:
    """One user talking to the desk, with the clock pinned."""

    def __init__(self, desk: AccountDesk, key: str, now: datetime) -> None:
        self.desk = desk
        self.ref = UserRef(key=key, language_hint="ru")
        self.now = now

    async def say(self, text: str) -> Reply:
        replies = await self.desk.handle(self.ref, Inbound(text=text), self.now)
        assert len(replies) == 1, replies
        return replies[0]

    async def press(self, payload: str) -> Reply:
        replies = await self.desk.handle(self.ref, Inbound(button=payload), self.now)
        assert len(replies) == 1, replies
        return replies[0]


def payloads(reply: Reply) -> list[str]:
    return [b.payload for row in reply.buttons for b in row]


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **LOOPBACK_ALLOWED, **extra)


@pytest.fixture
def keyed(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, credentials_keys=generate_key())


def desk_for(database: Database, settings: Settings) -> tuple[AccountDesk, CalendarRegistry]:
    registry = CalendarRegistry.from_config(database, calendars_config(settings))
    assistant = Assistant(database, assistant_config(settings), registry.calendar)
    return local_desk(database, assistant, registry), registry


@pytest.fixture
def alice(radicale: RadicaleServer) -> Any:
    """Alice's one, empty calendar on the server."""
    return radicale.fresh_account("alice")


async def everything_stored(database: Database) -> str:
    """Every row of every table, as text: what a copy of the database would show."""
    dump = []
    async with database.session() as session:
        for table in Base.metadata.sorted_tables:
            dump += [str(tuple(row)) for row in await session.execute(select(table))]
    return "\n".join(dump)


@pytest.mark.parametrize("zone", sorted(DAYS_BEFORE_DST))
async def test_connecting_radicale_then_a_new_event_lands_there(
    database: Database, keyed: Settings, radicale: RadicaleServer, alice: Any, zone: str
) -> None:
    now = DAYS_BEFORE_DST[zone]
    desk, registry = desk_for(database, keyed)
    chat = Chat(desk, f"test:alice-{zone}", now)
    record = await desk.user(chat.ref)
    await UserRepository(database).update_settings(record.id, timezone=zone)

    menu = await chat.say("/connect")
    assert says(menu.text, "ru", "connect.local_calendar_always")
    offered = payloads(menu)
    assert {"acct:conn:yandex", "acct:conn:icloud", "acct:conn:nextcloud"} <= set(offered)
    assert {"acct:conn:fastmail", "acct:conn:other"} <= set(offered)
    assert "acct:conn:google" not in offered  # no Google client configured here

    assert "https://" in (await chat.press("acct:conn:other")).text
    assert says((await chat.say(radicale.url)).text, "ru", "connect.user_name_login_at")
    asked = await chat.say("alice")
    assert says(asked.text, "ru", "connect.app_password_not_account")
    assert says(asked.text, "ru", "connect.will_delete_message_with")
    assert not asked.delete_inbound

    connected = await chat.say(PASSWORDS["alice"])
    assert connected.delete_inbound
    assert PASSWORDS["alice"] not in connected.text
    assert says(connected.text, "ru", "connect.connected_username_at_host")
    store = registry.store
    assert store is not None
    (account,) = await store.list(record.id)
    assert account.label == "alice"
    assert account.is_default
    assert PASSWORDS["alice"] not in await everything_stored(database)

    listed = await chat.say("/connect")
    here = catalogue.text("ru", "connect.new_events_go_here")
    assert "CalDAV: alice @ 127.0.0.1" + here in listed.text

    created = await chat.say("Запланируй встречу завтра в 10")
    assert says(created.text, "ru", "created.text")
    (stored,) = alice.events()
    event = stored.icalendar_component
    assert str(event["SUMMARY"]) == "Встреча"
    start = event.decoded("DTSTART")
    assert start == datetime(now.year, now.month, now.day + 1, 10, 0, tzinfo=ZoneInfo(zone))
    assert event.decoded("DTEND") - start == timedelta(hours=1)
    assert start.utcoffset() != now.utcoffset()  # the event is on the DST side of the change


async def test_a_wrong_password_is_refused_and_nothing_is_stored(
    database: Database, keyed: Settings, radicale: RadicaleServer, alice: Any
) -> None:
    desk, registry = desk_for(database, keyed)
    chat = Chat(desk, "test:alice-wrong", DAYS_BEFORE_DST["Europe/Berlin"])
    await chat.press("acct:conn:other")
    await chat.say(radicale.url)
    await chat.say("alice")
    refused = await chat.say("not-the-password")
    assert refused.delete_inbound
    assert says(refused.text, "ru", "connect.login_refused")
    record = await desk.user(chat.ref)
    assert registry.store is not None
    assert await registry.store.list(record.id) == []
    assert "not-the-password" not in await everything_stored(database)
    # The question is over: the next message is a request again.
    assert says((await chat.say("Запланируй обед завтра в 13")).text, "ru", "created.text")
    assert alice.events() == []  # it went to the local calendar


async def test_disconnecting_a_caldav_account_is_confirmed_and_not_undoable(
    database: Database, keyed: Settings, radicale: RadicaleServer, alice: Any
) -> None:
    desk, registry = desk_for(database, keyed)
    chat = Chat(desk, "test:alice-disconnect", DAYS_BEFORE_DST["America/New_York"])
    assert says((await chat.say("/disconnect")).text, "ru", "connect.no_calendars_are_connected")
    await chat.press("acct:conn:other")
    await chat.say(radicale.url)
    await chat.say("alice")
    await chat.say(PASSWORDS["alice"])

    listed = await chat.say("/disconnect")
    (choice,) = payloads(listed)
    question = await chat.press(choice)
    assert says(question.text, "ru", "connect.disconnect_what_its_access")
    assert payloads(question)[1] == "acct:disc-no"
    assert says((await chat.press("acct:disc-no")).text, "ru", "connect.all_right_nothing_changed")
    done = await chat.press(payloads(question)[0])
    assert says(done.text, "ru", "connect.disconnected_describe_account_lang")
    assert "CalDAV: alice" in done.text
    assert says(done.text, "ru", "connect.local_calendar")
    record = await desk.user(chat.ref)
    assert registry.store is not None
    assert await registry.store.list(record.id) == []
    assert says(
        (await chat.press(payloads(question)[0])).text, "ru", "connect.that_calendar_not_connected"
    )
    assert says((await chat.say("Запланируй встречу завтра в 10")).text, "ru", "created.text")
    assert alice.events() == []


async def test_asking_in_words_goes_straight_to_the_preset(
    database: Database, keyed: Settings
) -> None:
    desk, _ = desk_for(database, keyed)
    chat = Chat(desk, "test:words", DAYS_BEFORE_DST["Europe/Berlin"])
    asked = await chat.say("Подключи мой календарь в Яндексе")
    assert says(asked.text, "ru", "connect.user_name_login_at")
    assert "Yandex" in asked.text
    password_question = await chat.say("anna@yandex.ru")
    assert "id.yandex.ru" in password_question.text  # where to create the app password
    assert says((await chat.say("/cancel")).text, "ru", "account.all_right_not_connecting")
    assert says((await chat.say("Запланируй встречу завтра в 10")).text, "ru", "created.text")

    menu = await chat.say("подключи календарь")
    assert "acct:conn:other" in payloads(menu)
    english = Chat(desk, "test:words-en", chat.now)
    english.ref = UserRef(key="test:words-en", language_hint="en")
    google = await english.say("connect my Google calendar")
    assert says(
        google.text, "en", "connect.google_calendar_not_set"
    )  # no Google client on this server


@pytest.mark.parametrize(
    "text",
    [
        "Connect with the Google team tomorrow at 10",
        "Add lunch to my calendar tomorrow at 1pm",
        "Подключи Петра к звонку завтра в 10",
        "Отключи напоминание о встрече",
    ],
)
async def test_requests_that_merely_mention_connecting_stay_requests(
    database: Database, keyed: Settings, text: str
) -> None:
    desk, _ = desk_for(database, keyed)
    chat = Chat(desk, "test:requests", DAYS_BEFORE_DST["Europe/Berlin"])
    reply = await chat.say(text)
    assert not any(p.startswith(("acct:conn:", "acct:disc:")) for p in payloads(reply))
    assert "CalDAV" not in reply.text
    assert "Google Calendar" not in reply.text


async def test_a_bad_server_address_is_asked_again(database: Database, keyed: Settings) -> None:
    desk, _ = desk_for(database, keyed)
    chat = Chat(desk, "test:bad-address", DAYS_BEFORE_DST["Europe/Berlin"])
    await chat.press("acct:conn:other")
    assert says((await chat.say("my server")).text, "ru", "connect.that_does_not_look_2")
    assert says(
        (await chat.say("ftp://files.example.org")).text, "ru", "connect.that_does_not_look_2"
    )
    await chat.press("acct:conn:nextcloud")
    assert says((await chat.say("cloud.example.org")).text, "ru", "connect.user_name_login_at")


@pytest.mark.parametrize(("hint", "expected"), [("ru", "администратору"), ("en", "administrator")])
async def test_without_credentials_keys_connect_says_who_must_set_them(
    database: Database, tmp_path: Path, hint: str, expected: str
) -> None:
    desk, _ = desk_for(database, settings_for(tmp_path))
    ref = UserRef(key=f"test:nokeys-{hint}", language_hint=hint)  # type: ignore[arg-type]
    now = DAYS_BEFORE_DST["Europe/Berlin"]
    for text in ("/connect", "/disconnect"):
        (reply,) = await desk.handle(ref, Inbound(text=text), now)
        assert expected in reply.text
        assert "CREDENTIALS_KEYS" in reply.text
        assert "docs/calendars.md" in reply.text
    (pressed,) = await desk.handle(ref, Inbound(button="acct:conn:yandex"), now)
    assert "CREDENTIALS_KEYS" in pressed.text


async def test_a_late_password_is_deleted_and_not_used_then_questions_expire(
    database: Database, keyed: Settings, radicale: RadicaleServer, alice: Any
) -> None:
    desk, registry = desk_for(database, keyed)
    start = DAYS_BEFORE_DST["Europe/Berlin"]
    chat = Chat(desk, "test:late", start)
    await chat.press("acct:conn:other")
    await chat.say(radicale.url)
    await chat.say("alice")
    chat.now = start + timedelta(minutes=30)  # past the question's 10 minutes
    late = await chat.say(PASSWORDS["alice"])
    assert late.delete_inbound
    assert says(late.text, "ru", "connect.password_question_had_expired")
    record = await desk.user(chat.ref)
    assert registry.store is not None
    assert await registry.store.list(record.id) == []

    await chat.press("acct:conn:other")
    chat.now += timedelta(minutes=11)  # an address question expires after 10 minutes
    reply = await chat.say("Запланируй обед завтра в 13")
    assert says(reply.text, "ru", "created.text")
    assert not reply.delete_inbound


async def test_a_connection_interrupted_by_restarts_goes_on_and_connects(
    database: Database, keyed: Settings, radicale: RadicaleServer, alice: Any
) -> None:
    """The answers so far are in the database (sealed), not in one process: a restarted
    server, or another replica, asks the next question and connects."""
    url = database.engine.url.render_as_string(hide_password=False)
    desk, _ = desk_for(database, keyed)
    chat = Chat(desk, "test:restarted", DAYS_BEFORE_DST["Europe/Berlin"])
    await chat.press("acct:conn:other")
    assert says((await chat.say(radicale.url)).text, "ru", "connect.user_name_login_at")
    second, third = await Database.open(url), await Database.open(url)
    try:
        chat.desk, _ = desk_for(second, keyed)
        asked = await chat.say("alice")
        assert says(asked.text, "ru", "connect.app_password_not_account")
        stored = await everything_stored(second)
        assert radicale.url not in stored
        assert "alice" not in stored

        chat.desk, registry = desk_for(third, keyed)
        connected = await chat.say(PASSWORDS["alice"])
        assert connected.delete_inbound
        assert says(connected.text, "ru", "connect.connected_username_at_host")
        record = await chat.desk.user(chat.ref)
        assert registry.store is not None
        (account,) = await registry.store.list(record.id)
        assert account.label == "alice"
        assert PASSWORDS["alice"] not in await everything_stored(third)
        assert says((await chat.say("Запланируй встречу завтра в 10")).text, "ru", "created.text")
        assert len(alice.events()) == 1
    finally:
        await second.close()
        await third.close()
