"""/calendars: choosing the calendar for new events and the calendars read, from the chat.

Real stack throughout: the account desk, the assistant, the registry with its encrypted
store and a Radicale server with two calendars. The clock is pinned the day before a DST
change, so «завтра» is the DST day itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.config import Settings
from calendar_assistant.conversation.account_commands import MENU
from calendar_assistant.conversation.calendar_choice import calendar_tag
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository
from calendars.caldav.conftest import PASSWORDS, RadicaleServer
from calendars.caldav.conftest import radicale as radicale  # the real server fixture
from conversation.test_connect_caldav import (
    DAYS_BEFORE_DST,
    Chat,
    desk_for,
    payloads,
    settings_for,
)
from conversation.test_connect_caldav import (
    keyed as keyed,
)
from support import says

WORDS: dict[Lang, dict[str, str]] = {
    "ru": {
        "plan": "Запланируй встречу завтра в 10",
        "agenda": "Что у меня завтра?",
        "meeting": "Встреча",
        "new_here": "сюда идут новые события",
        "done_new": "новые события попадают в",
        "unread": "больше не читается",
        "not_read": "не читается",
        "stays": "Сначала выберите",
        "typed": "мои календари",
    },
    "en": {
        "plan": "Schedule a meeting tomorrow at 10",
        "agenda": "What is on my calendar tomorrow?",
        "meeting": "Meeting",
        "new_here": "new events go here",
        "done_new": "new events go to",
        "unread": "no longer read",
        "not_read": "not read",
        "stays": "First choose",
        "typed": "My calendars",
    },
}


def button_for(reply: Reply, verb: str, account_id: int, calendar: Any) -> str:
    wanted = f"acct:cal:{verb}:{account_id}:{calendar_tag(str(calendar.url))}"
    assert wanted in payloads(reply), (wanted, payloads(reply))
    return wanted


def add_lunch(calendar: Any, start: datetime) -> None:
    """An event put on the server directly, as another client of the user would."""
    utc = start.astimezone(ZoneInfo("UTC"))
    stamp = utc.strftime("%Y%m%dT%H%M%SZ")
    end = (utc + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    calendar.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:lunch-{stamp}@test\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\nDTEND:{end}\r\n"
        "SUMMARY:Lunch with Zoe\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


@pytest.mark.parametrize(("zone", "lang"), [("Europe/Berlin", "ru"), ("America/New_York", "en")])
async def test_choosing_the_default_and_the_calendars_read(
    database: Database, keyed: Settings, radicale: RadicaleServer, zone: str, lang: Lang
) -> None:
    words = WORDS[lang]
    now = DAYS_BEFORE_DST[zone]
    tomorrow = now.date() + timedelta(days=1)
    first = radicale.fresh_account("dave")
    second = radicale.client("dave").principal().make_calendar(name=f"Work {lang}")
    desk, registry = desk_for(database, keyed)
    chat = Chat(desk, f"test:choice-{zone}", now)
    chat.ref = UserRef(key=chat.ref.key, language_hint=lang)
    record = await desk.user(chat.ref)
    await UserRepository(database).update_settings(record.id, timezone=zone, language=lang)
    account = await registry.connect_caldav(
        record.id, url=radicale.url, username="dave", password=PASSWORDS["dave"]
    )
    assert registry.store is not None
    # start from the first calendar as the default, whatever order discovery gave
    await registry.store.choose_calendars(record.id, account.id, account.calendars, str(first.url))
    add_lunch(
        first, datetime.combine(tomorrow, datetime.min.time(), ZoneInfo(zone)).replace(hour=15)
    )

    listing = await chat.say("/calendars")
    assert f"Work {lang}" in listing.text
    assert words["new_here"] in listing.text
    assert "acct:cal:local" in payloads(listing)
    typed = await chat.say(words["typed"])
    assert typed.text == listing.text

    chosen = await chat.press(button_for(listing, "new", account.id, second))
    assert f"{words['done_new']} «Work {lang}»" in chosen.text or (
        f"{words['done_new']} “Work {lang}”" in chosen.text
    )
    created = await chat.say(words["plan"])
    assert str(tomorrow.day) in created.text
    (stored,) = second.events()
    assert [e.icalendar_component["SUMMARY"] for e in first.events()] == ["Lunch with Zoe"]
    start = stored.icalendar_component.decoded("DTSTART")
    assert start == datetime.combine(tomorrow, datetime.min.time(), ZoneInfo(zone)).replace(hour=10)
    assert start.utcoffset() != now.utcoffset()  # across the DST change

    agenda = await chat.say(words["agenda"])
    assert "Lunch with Zoe" in agenda.text
    assert words["meeting"] in agenda.text

    unread = await chat.press(button_for(chosen, "skip", account.id, first))
    assert words["unread"] in unread.text
    agenda = await chat.say(words["agenda"])
    assert "Lunch with Zoe" not in agenda.text
    assert words["meeting"] in agenda.text
    assert words["not_read"] in (await chat.say("/calendars")).text

    # the calendar receiving new events cannot be unread; reading the other again restores it
    stays = await chat.press(f"acct:cal:skip:{account.id}:{calendar_tag(str(second.url))}")
    assert words["stays"] in stays.text
    back = await chat.press(f"acct:cal:read:{account.id}:{calendar_tag(str(first.url))}")
    assert "acct:cal:local" in payloads(back)
    assert "Lunch with Zoe" in (await chat.say(words["agenda"])).text

    # new events back to the local calendar: the server gets nothing more
    await chat.press("acct:cal:local")
    await chat.say(words["plan"].replace("10", "16"))
    assert len(second.events()) == 1
    assert len(first.events()) == 1


async def test_stale_and_forged_buttons_change_nothing(
    database: Database, keyed: Settings, radicale: RadicaleServer
) -> None:
    radicale.fresh_account("dave")
    desk, registry = desk_for(database, keyed)
    chat = Chat(desk, "test:choice-stale", DAYS_BEFORE_DST["Europe/Berlin"])
    record = await desk.user(chat.ref)
    account = await registry.connect_caldav(
        record.id, url=radicale.url, username="dave", password=PASSWORDS["dave"]
    )
    assert registry.store is not None
    before = await registry.store.get(record.id, account.id)
    for payload in (
        f"acct:cal:new:{account.id}:0000000000",
        f"acct:cal:skip:{account.id + 1}:0000000000",
        "acct:cal:new:x:y",
        "acct:cal:read:99999999999999999999999:1",
        "acct:cal:bogus",
    ):
        reply = await chat.press(payload)
        assert says(reply.text, "ru", "calendars.that_button_no_longer")
    assert await registry.store.get(record.id, account.id) == before
    # the only calendar read stays read
    (only,) = before.calendars
    kept = await chat.press(f"acct:cal:skip:{account.id}:{calendar_tag(only)}")
    only_one = "calendars.calendar_name_only_calendar"
    receives = "calendars.calendar_name_receives_new"
    assert says(kept.text, "ru", only_one) or says(kept.text, "ru", receives)
    assert (await registry.store.get(record.id, account.id)).calendars == (only,)


@pytest.mark.parametrize(("hint", "expected"), [("ru", "администратору"), ("en", "administrator")])
async def test_without_credentials_keys_calendars_says_who_must_set_them(
    database: Database, tmp_path: Path, hint: Lang, expected: str
) -> None:
    desk, _ = desk_for(database, settings_for(tmp_path))
    ref = UserRef(key=f"test:choice-nokeys-{hint}", language_hint=hint)
    now = DAYS_BEFORE_DST["America/New_York"]
    for inbound in (Inbound(text="/calendars"), Inbound(button="acct:cal:local")):
        (reply,) = await desk.handle(ref, inbound, now)
        assert expected in reply.text
        assert "CREDENTIALS_KEYS" in reply.text
        assert "docs/calendars.md" in reply.text


def test_the_menu_offers_calendars_in_both_languages() -> None:
    (entry,) = [c for c in MENU if c.name == "calendars"]
    assert "календар" in entry.description("ru").lower()
    assert "calendars" in entry.description("en").lower()
