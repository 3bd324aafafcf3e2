"""Phrasings users send (issue #3): hyphenated titles, politeness, object-of-booking titles,
times said in another zone, "how does … look", ordinals. Several phrasings per rule."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Schedule a stand-up tomorrow at 9:30", "Stand-up"),
        ("Add a check-in on Friday at 10", "Check-in"),
        ("Set up a follow-up with Ann tomorrow at 4pm", "Follow-up with Ann"),
        ("Schedule a one-on-one with Bob tomorrow at 9:30", "One-on-one with Bob"),
        ("Book a sign-off meeting tomorrow at 11", "Sign-off meeting"),
        ("Создай онлайн-встречу завтра в 10", "Онлайн-встреча"),
        ("Запланируй бизнес-ланч завтра в 13", "Бизнес-ланч"),
        ("Добавь кофе-брейк завтра в 11", "Кофе-брейк"),
        ("Добавь онлайн-встречу с Петром в пятницу в 11", "Онлайн-встреча с Петром"),
        ("Кофе-брейк завтра в 11", "Кофе-брейк"),
    ],
)
def test_hyphenated_words_stay_whole_in_titles(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert (command.intent, command.title) == (Intent.CREATE_EVENT, title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Hey, can you put a call with Jim on my calendar for 3pm Friday?", "Call with Jim"),
        ("I'd like to schedule lunch with Ann tomorrow at 1pm", "Lunch with Ann"),
        ("Could you please add a dentist appointment on Friday at 10?", "Dentist appointment"),
        ("Please book a call with Jim tomorrow at 3pm, thanks", "Call with Jim"),
        ("Hi! I want to schedule a demo on Monday at 11am", "Demo"),
        ("Слушай, можешь добавить созвон завтра в 10", "Созвон"),
        ("Будь добр, поставь обед завтра в 13", "Обед"),
        ("Мне нужно добавить встречу с Анной завтра в 10", "Встреча с Анной"),
        ("Хочу запланировать обед с Олегом в пятницу в 13", "Обед с Олегом"),
        ("Поставь, пожалуйста, созвон с Ольгой на завтра в 15", "Созвон с Ольгой"),
        ("Не могли бы вы добавить планёрку завтра в 9?", "Планёрка"),
        ("Привет! Запланируй ужин в субботу в 19", "Ужин"),
    ],
)
def test_politeness_and_openers_leave_the_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert (command.intent, command.title) == (Intent.CREATE_EVENT, title)
    assert command.start is not None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("How does tomorrow look?", 25),
        ("How's Friday looking?", 27),
        ("How is Monday?", 30),
        ("How does the 3rd look?", 3),
        ("Как у меня завтра?", 25),
        ("Что по планам на пятницу?", 27),
        ("Как там в среду?", 25),
        ("Как у меня в понедельник?", 30),
    ],
)
def test_how_a_day_looks_lists_it(text: str, day: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start is not None
    assert command.range_end is not None
    assert command.range_start.day == day
    assert (command.range_end - command.range_start).days == 1


@pytest.mark.parametrize("text", ["How are you?", "How's it going?", "Как дела?", "Как ты?"])
def test_how_without_a_time_is_not_a_list(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).intent is not Intent.LIST_EVENTS


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Do I have anything on the 1st?", (12, 1)),
        ("What's on the 3rd?", (12, 3)),
        ("Anything on the 30th?", (11, 30)),
        ("Что у меня третьего?", (12, 3)),
        ("Что у меня на 3-е?", (12, 3)),
        ("Есть что-нибудь первого?", (12, 1)),
    ],
)
def test_a_bare_ordinal_is_the_next_such_day(text: str, day: tuple[int, int]) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start is not None
    assert (command.range_start.month, command.range_start.day) == day


@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        ("Созвон завтра в 10 по Лондону", "Созвон", "2026-11-25T13:00:00+03:00"),
        ("Встреча завтра в 16:00 по московскому времени", "Встреча", "2026-11-25T16:00:00+03:00"),
        ("Демо в пятницу в 15:00 по Берлину", "Демо", "2026-11-27T17:00:00+03:00"),
        (
            "Созвон с Лондоном завтра в 10 по Лондону",
            "Созвон с Лондоном",
            "2026-11-25T13:00:00+03:00",
        ),
        ("Call with Bob at 4pm London time tomorrow", "Call with Bob", "2026-11-25T19:00:00+03:00"),
        ("Call tomorrow at 9am ET", "Call", "2026-11-25T17:00:00+03:00"),
        ("Standup tomorrow 10:00 UTC", "Standup", "2026-11-25T13:00:00+03:00"),
        ("Demo on Friday at 3pm CET", "Demo", "2026-11-27T17:00:00+03:00"),
        ("Sync tomorrow at 8am PT", "Sync", "2026-11-25T19:00:00+03:00"),
    ],
)
def test_a_time_said_in_another_zone_is_converted(text: str, title: str, start: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.title == title
    assert command.attendees == (("Bob",) if "Bob" in text else ())
    assert command.start == datetime.fromisoformat(start)


def test_a_zoned_range_converts_both_ends() -> None:
    command = parse("Созвон завтра с 10 до 11:30 по Лондону", now=NOW, tz=MSK)
    assert command.start == datetime(2026, 11, 25, 13, 0, tzinfo=MSK)
    assert command.end == datetime(2026, 11, 25, 14, 30, tzinfo=MSK)


BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "now", "tz", "start"),
    [
        # New York springs forward on 2027-03-14, Berlin only on 03-28: 5 hours become 4
        (
            "Call on March 15 at 9am ET",
            datetime(2027, 3, 10, 12, 0, tzinfo=BERLIN),
            BERLIN,
            datetime(2027, 3, 15, 14, 0, tzinfo=BERLIN),
        ),
        (
            "Call on March 12 at 9am ET",
            datetime(2027, 3, 10, 12, 0, tzinfo=BERLIN),
            BERLIN,
            datetime(2027, 3, 12, 15, 0, tzinfo=BERLIN),
        ),
        (
            "Созвон 29 марта в 16:00 по Москве",
            datetime(2027, 3, 20, 12, 0, tzinfo=NEW_YORK),
            NEW_YORK,
            datetime(2027, 3, 29, 9, 0, tzinfo=NEW_YORK),
        ),
        (
            "Созвон 29 марта в 10 по Берлину",
            datetime(2027, 3, 20, 12, 0, tzinfo=NEW_YORK),
            NEW_YORK,
            datetime(2027, 3, 29, 4, 0, tzinfo=NEW_YORK),
        ),
    ],
)
def test_zone_conversion_follows_each_zones_dst(
    text: str, now: datetime, tz: ZoneInfo, start: datetime
) -> None:
    command = parse(text, now=now, tz=tz)
    assert command.start == start
    assert command.start is not None
    assert command.start.utcoffset() == start.utcoffset()


def test_without_a_time_a_city_stays_in_the_title() -> None:
    command = parse("Поездка по Москве завтра", now=NOW, tz=MSK)
    assert command.title == "Поездка по Москве"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("What's on the week after next?", (12, 7), (12, 14)),
        ("Что у меня на неделе после следующей?", (12, 7), (12, 14)),
        ("What did I have the week before last?", (11, 9), (11, 16)),
        ("Что было на позапрошлой неделе?", (11, 9), (11, 16)),
        ("What's planned for the month after next?", (1, 1), (2, 1)),
        ("Что было в позапрошлом месяце?", (9, 1), (10, 1)),
        ("Какие планы на месяц после следующего?", (1, 1), (2, 1)),
    ],
)
def test_periods_twice_removed(text: str, first: tuple[int, int], last: tuple[int, int]) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start is not None
    assert command.range_end is not None
    assert (command.range_start.month, command.range_start.day) == first
    assert (command.range_end.month, command.range_end.day) == last


def test_week_after_next_across_dst_in_berlin() -> None:
    now = datetime(2027, 3, 17, 9, 0, tzinfo=BERLIN)  # Wednesday; DST starts Sunday 03-28
    command = parse("what's on the week after next", now=now, tz=BERLIN)
    assert command.range_start == datetime(2027, 3, 29, tzinfo=BERLIN)
    assert command.range_end == datetime(2027, 4, 5, tzinfo=BERLIN)
    command = parse("что было на позапрошлой неделе", now=now, tz=BERLIN)
    assert command.range_start == datetime(2027, 3, 1, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "title", "location"),
    [
        ("Забронируй переговорку на пятницу в 11", "Переговорка", None),
        ("Забронируй большую переговорку на пятницу в 11", "Большая переговорка", None),
        ("Добавь демку завтра в 10", "Демка", None),
        ("Закажи переговорку на завтра в 15", "Переговорка", None),
        ("Зарезервируй корт на воскресенье в 10", "Корт", None),
        (
            "Закажи столик в ресторане на субботу в 8 вечера",
            "Столик в ресторане",
            "ресторане",
        ),
        (
            "Забронируй столик в ресторане на субботу в 8 вечера",
            "Столик в ресторане",
            "ресторане",
        ),
        ("Order a table at Nobu for Friday 8pm", "Table", "Nobu"),
        (
            "Book a table at the restaurant on Saturday at 8pm",
            "Table at the restaurant",
            "the restaurant",
        ),
    ],
)
def test_the_object_booked_is_the_title(text: str, title: str, location: str | None) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert (command.title, command.location) == (title, location)
    assert command.start is not None


@pytest.mark.parametrize(
    "text", ["Закажи пиццу на 7 вечера", "Order pizza at 7pm", "Закажи такси на 8 утра"]
)
def test_an_errand_is_still_not_an_event(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).intent is Intent.UNKNOWN


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Move the call to 3pm London time", datetime(2026, 11, 24, 18, 0, tzinfo=MSK)),
        ("Перенеси созвон на 10 по Лондону", datetime(2026, 11, 25, 13, 0, tzinfo=MSK)),
    ],
)
def test_a_move_to_a_time_in_another_zone(text: str, start: datetime) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.target is not None
    assert command.target.title in ("Call", "Созвон")
    assert command.changes is not None
    assert command.changes.start == start


@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        ("Remind me at 9am ET to call Bob", "Call Bob", datetime(2026, 11, 24, 17, 0, tzinfo=MSK)),
        (
            "Напомни в 10 по Лондону позвонить Анне",
            "Позвонить Анне",
            datetime(2026, 11, 25, 13, 0, tzinfo=MSK),
        ),
    ],
)
def test_a_reminder_at_a_time_in_another_zone(text: str, title: str, start: datetime) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert (command.intent, command.title, command.start) == (
        Intent.CREATE_REMINDER,
        title,
        start,
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Move the stand-up to 10am", "Stand-up"),
        ("Delete the check-in on Friday", "Check-in"),
        ("Перенеси онлайн-встречу на 16:00", "Онлайн-встреча"),
    ],
)
def test_hyphenated_targets(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.target is not None
    assert command.target.title == title


def test_an_abbreviation_after_a_comma_is_not_a_zone() -> None:
    command = parse("Dentist at 3pm, PT session", now=NOW, tz=MSK)
    assert command.start == datetime(2026, 11, 24, 15, 0, tzinfo=MSK)
    assert command.title is not None
    assert "PT session" in command.title
    command = parse("Call at 4pm, London time, tomorrow", now=NOW, tz=MSK)
    assert (command.title, command.start) == ("Call", datetime(2026, 11, 25, 19, 0, tzinfo=MSK))
