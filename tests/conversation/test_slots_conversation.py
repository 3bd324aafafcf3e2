"""Slots that survive real phrasing, end to end: the real Assistant, rule parser, database
and local calendar, the clock pinned on the Friday before a DST change (Europe/Berlin
changes on Sunday 2027-03-28, America/New_York on 2027-03-14).

"Same time" moves to Monday keep the wall-clock time across the change; events are named
by their time alone ("my 3pm"); people questions list the day with who comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.events import Event, NewEvent
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, UserRepository, UserSettings

USER = UserRef(key="test:slots")
# The Friday before each zone's spring change, and the Monday after it.
FRIDAYS = {"Europe/Berlin": date(2027, 3, 26), "America/New_York": date(2027, 3, 12)}


@dataclass
class Setup:
    assistant: Assistant
    calendar: LocalCalendar
    zone: ZoneInfo
    friday: date

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)

    @property
    def monday(self) -> date:
        return self.friday + timedelta(days=3)

    @property
    def now(self) -> datetime:
        return self.at(self.friday, 8, 30)

    async def add(self, title: str, hour: int, **extra: object) -> Event:
        start = self.at(self.friday, hour)
        new = NewEvent(title, start, start + timedelta(hours=1), self.zone.key, **extra)  # type: ignore[arg-type]
        return await self.calendar.create_event(new)

    async def say(self, text: str) -> str:
        replies = await self.assistant.handle(USER, Inbound(text), self.now)
        return "\n".join(r.text for r in replies)

    async def events(self) -> list[Event]:
        start = self.at(self.friday, 0)
        return await self.calendar.list_events(start, start + timedelta(days=7))


async def _setup(database: Database, tmp_path: Path, zone_name: str, lang: Lang) -> Setup:
    settings = Settings(data_dir=tmp_path, default_timezone=zone_name, default_language=lang)
    defaults = UserSettings(language=lang, timezone=zone_name)
    record = await UserRepository(database).get_or_create(USER.key, defaults=defaults)
    calendar = LocalCalendar(database, record.id)
    assistant = Assistant(
        database, assistant_config(settings), lambda uid: LocalCalendar(database, uid)
    )
    return Setup(assistant, calendar, ZoneInfo(zone_name), FRIDAYS[zone_name])


@pytest.fixture(params=sorted(FRIDAYS))
def zone_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize(
    ("lang", "title", "request_text"),
    [
        ("en", "Dentist", "move the dentist to monday same time"),
        ("en", "Dentist", "Move the dentist to Monday at the same time"),
        ("ru", "Стоматолог", "перенеси стоматолога на понедельник на то же время"),
        ("ru", "Стоматолог", "Перенеси стоматолога на понедельник в то же время"),
        ("en", "Dentist", "move my 3pm to the same time on monday"),
        ("ru", "Стоматолог", "перенеси мою встречу в 15 на то же время в понедельник"),
    ],
)
async def test_same_time_on_another_day_keeps_the_wall_clock_across_dst(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, title: str, request_text: str
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    await s.add(title, 15)
    await s.say(request_text)
    (moved,) = await s.events()
    assert moved.title == title  # found by its title, no "same time" in it
    assert moved.start == s.at(s.monday, 15)  # 15:00 on Monday, after the clocks changed
    assert moved.end - moved.start == timedelta(hours=1)


@pytest.mark.parametrize(
    ("lang", "request_text", "hour"),
    [
        ("en", "push my 3pm to 4", 16),
        ("en", "move my 3 o'clock to 5pm", 17),
        ("ru", "перенеси мою встречу в 15 на 16", 16),
        ("ru", "сдвинь встречу в 15:00 на 17:00", 17),
    ],
)
async def test_an_event_named_by_its_time_moves_to_the_new_time(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, request_text: str, hour: int
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    await s.add("Budget review", 15)
    await s.add("Standup", 10)
    await s.say(request_text)
    starts = {e.title: e.start for e in await s.events()}
    assert starts == {"Budget review": s.at(s.friday, hour), "Standup": s.at(s.friday, 10)}


@pytest.mark.parametrize(
    ("lang", "request_text"),
    [("en", "bump my 2pm to monday"), ("ru", "перенеси встречу в 14 на понедельник")],
)
async def test_an_event_named_by_its_time_moves_to_another_day_keeping_it(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, request_text: str
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    await s.add("Design sync", 14)
    await s.say(request_text)
    (moved,) = await s.events()
    assert moved.start == s.at(s.monday, 14)


@pytest.mark.parametrize(
    ("lang", "request_text", "yes"),
    [("en", "cancel my 9am", "yes"), ("ru", "отмени мою встречу в 9", "да")],
)
async def test_an_event_named_by_its_time_is_deleted_after_a_yes(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, request_text: str, yes: str
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    await s.add("Standup", 9)
    await s.add("Lunch", 12)
    asked = await s.say(request_text)
    assert "Standup" in asked
    assert len(await s.events()) == 2  # nothing gone before the yes
    await s.say(yes)
    assert [e.title for e in await s.events()] == ["Lunch"]


@pytest.mark.parametrize(
    ("lang", "request_text", "said"),
    [
        ("en", "what's my 3pm about?", ["Budget review", "Room 4", "With: Anna, Bob", "Q2 plan"]),
        ("ru", "о чём встреча в 15?", ["Budget review", "Место: Room 4", "Участники: Anna, Bob"]),
    ],
)
async def test_what_an_event_named_by_its_time_is_about(
    database: Database,
    tmp_path: Path,
    zone_name: str,
    lang: Lang,
    request_text: str,
    said: list[str],
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    await s.add("Standup", 10)
    await s.add(
        "Budget review", 15, location="Room 4", attendees=("Anna", "Bob"), description="Q2 plan"
    )
    reply = await s.say(request_text)
    assert all(part in reply for part in said), reply
    assert "Standup" not in reply


@pytest.mark.parametrize(
    ("lang", "request_text", "said"),
    [
        ("en", "who am I meeting today", "with Anna"),
        ("en", "who's my 3pm with", "with Anna"),
        ("ru", "с кем я встречаюсь сегодня", "участники: Anna"),
        ("ru", "с кем у меня созвон сегодня", "участники: Anna"),
    ],
)
async def test_who_questions_list_the_day_with_the_people(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, request_text: str, said: str
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    await s.add("Sync", 15, attendees=("Anna",))
    tomorrow = s.at(s.friday + timedelta(days=1), 11)
    await s.calendar.create_event(
        NewEvent("Brunch", tomorrow, tomorrow + timedelta(hours=1), s.zone.key, attendees=("Zoe",))
    )
    reply = await s.say(request_text)
    assert "Sync" in reply, reply
    assert said in reply, reply
    assert "Brunch" not in reply  # only that day


@pytest.mark.parametrize(
    ("lang", "request_text"),
    [("en", "when am I meeting Anna next"), ("ru", "когда я встречаюсь с Анной")],
)
async def test_when_am_i_meeting_someone_finds_them_in_titles_and_attendees(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, request_text: str
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    anna = "Anna" if lang == "en" else "Анна"  # «с Анной» is found as «Анна»
    await s.add("Sync", 15, attendees=(anna,))  # not in the title: found by the attendee
    await s.add("Standup", 10, attendees=("Bob",))
    reply = await s.say(request_text)
    assert "Sync" in reply, reply
    assert "Standup" not in reply, reply


@pytest.mark.parametrize(
    ("lang", "request_text"),
    [("en", "Any tomorrow at 3"), ("ru", "Что-нибудь в понедельник в 10")],
)
async def test_a_title_of_only_function_words_is_asked_for_not_created(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, request_text: str
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    reply = await s.say(request_text)
    assert await s.events() == []
    # Asked for a title, or read as the question it may be («Что-нибудь в понедельник в
    # 10» — anything on Monday at 10?): never a creation.
    assert not reply.startswith(("Создал", "Created"))


@pytest.mark.parametrize(
    ("lang", "request_text", "said"),
    [("en", "cancel my 4pm", "I found nothing"), ("ru", "отмени встречу в 16", "Ничего не нашёл")],
)
async def test_no_event_at_the_time_named_is_said_and_nothing_changes(
    database: Database, tmp_path: Path, zone_name: str, lang: Lang, request_text: str, said: str
) -> None:
    s = await _setup(database, tmp_path, zone_name, lang)
    await s.add("Standup", 15)  # at 15:00, not 16:00
    reply = await s.say(request_text)
    assert said in reply
    assert [e.title for e in await s.events()] == ["Standup"]
