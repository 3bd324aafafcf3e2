"""Round 18, as whole requests in both languages: "let me know of <event> <day>" and
«дай знать / сообщи / предупреди о …» ask for a reminder of that event (named without the
asking words), time off kept in the calendar asked about in a period is a look for it, and
a clock said alone offers making the event first (both readings are asked, nothing done)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=MSK)  # Wednesday


@pytest.mark.parametrize(
    ("text", "title", "day"),
    [
        ("let me know of the dentist on thursday", "Dentist", date(2026, 12, 3)),
        ("let me know of my flight on sunday", "Flight", date(2026, 12, 6)),
        ("дай знать о собрании в пятницу", "Собрание", date(2026, 12, 4)),
        ("сообщи о вебинаре завтра", "Вебинар", date(2026, 12, 3)),
        ("предупреди меня о собеседовании в понедельник", "Собеседование", date(2026, 12, 7)),
        ("сообщи мне про обед с командой в пятницу", "Обед с командой", date(2026, 12, 4)),
    ],
)
def test_being_told_of_an_event_is_a_reminder_of_it(text: str, title: str, day: date) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == title
    assert command.day == day


def test_telling_someone_else_stays_the_tasks_name() -> None:
    command = parse("сообщи Ивану о встрече завтра в 10", now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == "Сообщи Ивану о встрече"


@pytest.mark.parametrize(
    ("text", "title", "month"),
    [
        ("when are my holidays next month", "Holidays", 1),
        ("когда у меня отпуск в марте", "Отпуск", 3),
    ],
)
def test_time_off_in_a_period_is_looked_for(text: str, title: str, month: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title == title
    assert command.target.range_start is not None
    assert command.target.range_start.month == month


@pytest.mark.parametrize("text", ["5:30 pm", "at noon", "в 9 утра", "в 15:00"])
def test_a_clock_alone_offers_the_event_first(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert [r.intent for r in command.readings] == [Intent.CREATE_EVENT, Intent.LIST_EVENTS]


@pytest.mark.parametrize("text", ["tomorrow afternoon", "завтра после обеда", "friday morning"])
def test_a_day_alone_offers_the_listing_first(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert [r.intent for r in command.readings] == [Intent.LIST_EVENTS, Intent.CREATE_EVENT]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("what does my day look like", date(2026, 12, 2), date(2026, 12, 3)),
        ("what's my day like tomorrow", date(2026, 12, 3), date(2026, 12, 4)),
        ("how does next week look", date(2026, 12, 7), date(2026, 12, 14)),
        ("как выглядит моя неделя", date(2026, 11, 30), date(2026, 12, 7)),
        ("как выглядит мой день", date(2026, 12, 2), date(2026, 12, 3)),
        ("как выглядит мой день в пятницу", date(2026, 12, 4), date(2026, 12, 5)),
        ("что у меня в мой месяц", date(2026, 12, 1), date(2027, 1, 1)),
    ],
)
def test_ones_own_day_week_month_is_the_current_one(text: str, start: date, end: date) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.range_start is not None
    assert command.range_end is not None
    assert (command.range_start.date(), command.range_end.date()) == (start, end)


def test_my_birthday_and_my_day_off_are_no_today() -> None:
    birthday = parse("мой день рождения 14 мая", now=NOW, tz=MSK)
    assert (birthday.title, birthday.day) == ("День рождения", date(2027, 5, 14))
    off = parse("book my day off on friday", now=NOW, tz=MSK)
    assert (off.title, off.day) == ("Day off", date(2026, 12, 4))


def test_the_rest_of_my_day_is_from_now() -> None:
    command = parse("clear the rest of my day", now=NOW, tz=MSK)
    assert command.intent is Intent.DELETE_EVENT
    assert (command.range_start, command.range_end) == (NOW, datetime(2026, 12, 3, tzinfo=MSK))


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("I'm seeing the doctor on the 9th at 4:15", "Seeing the doctor"),
        ("I've got football practice on saturday at 10", "Football practice"),
        ("we're having a team dinner on friday at 7", "Team dinner"),
        ("I'm flying to Berlin on the 20th at 6am", "Flying to Berlin"),
    ],
)
def test_the_speaker_telling_of_a_plan_is_no_part_of_its_name(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title


@pytest.mark.parametrize(
    ("text", "title", "first", "last"),
    [
        ("craft fair from march 3 to march 5", "Craft fair", date(2027, 3, 3), date(2027, 3, 6)),
        (
            "командировка в Казань с 3 по 5 марта",
            "Командировка в Казань",
            date(2027, 3, 3),
            date(2027, 3, 6),
        ),
    ],
)
def test_a_thing_over_a_span_of_days_is_created_over_them(
    text: str, title: str, first: date, last: date
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title
    assert command.all_day
    assert command.start is not None
    assert command.end is not None
    assert (command.start.date(), command.end.date()) == (first, last)


@pytest.mark.parametrize(
    ("text", "rule", "first", "title"),
    [
        (
            "remind me to drink water every 2 hours",
            "FREQ=HOURLY;INTERVAL=2",
            "12:30",
            "Drink water",
        ),
        ("remind me every hour to stretch", "FREQ=HOURLY", "11:30", "Stretch"),
        ("напоминай пить воду каждые два часа", "FREQ=HOURLY;INTERVAL=2", "12:30", "Пить воду"),
        ("напоминай каждый час размяться", "FREQ=HOURLY", "11:30", "Размяться"),
        ("remind me every day at 9 to take my pills", "FREQ=DAILY", "09:00", "Take my pills"),
    ],
)
def test_a_reminder_can_repeat_hourly_from_now(
    text: str, rule: str, first: str, title: str
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert (command.recurrence, command.title, command.missing) == (rule, title, ())
    assert command.start is not None
    assert f"{command.start:%H:%M}" == first


@pytest.mark.parametrize(
    ("text", "rule", "first"),
    [
        ("yoga tue thu 6pm", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=2", datetime(2026, 12, 3, 18, 0)),
        (
            "gym on monday and wednesday at 7am",
            "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=2",
            datetime(2026, 12, 7, 7, 0),
        ),
        (
            "поставь бассейн на вторник и четверг в 7 утра",
            "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=2",
            datetime(2026, 12, 3, 7, 0),
        ),
        (
            "add recurring gym sessions monday wednesday friday at six am",
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            datetime(2026, 12, 4, 6, 0),
        ),
    ],
)
def test_weekdays_listed_for_one_event_are_each_of_them(
    text: str, rule: str, first: datetime
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.recurrence == rule
    assert command.start == first.replace(tzinfo=MSK)


@pytest.mark.parametrize(
    "text", ["Create a standup Monday to Friday at 8:50", "встреча в понедельник или вторник в 10"]
)
def test_a_span_or_a_choice_of_days_is_no_list(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).recurrence is None


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("is there anything on the weekend of the 19th", date(2026, 12, 19)),
        ("what's on the weekend of december 20", date(2026, 12, 19)),
        ("что у меня на выходных 19 декабря", date(2026, 12, 19)),
        ("what's on the weekend of the 14th", date(2026, 12, 12)),
    ],
)
def test_the_weekend_of_a_day(text: str, start: date) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.range_start is not None
    assert command.range_end is not None
    assert command.range_start.date() == start
    assert (command.range_end - command.range_start).days == 2


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("anything clashing with the team lunch", "Team lunch"),
        ("в котором часу у меня самолёт", "Самолёт"),
        ("перекинь созвон на завтра", "Созвон"),
        ("cancel the recurring yoga class", "Yoga class"),
    ],
)
def test_words_around_an_event_are_no_part_of_its_name(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.target is not None
    assert command.target.title == title


def test_a_recurring_event_is_named_by_what_it_is() -> None:
    command = parse("set up a recurring 1:1 with Dana every other tuesday at 2", now=NOW, tz=MSK)
    assert (command.title, command.recurrence) == (
        "1:1 with Dana",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("how long is my session with the coach", "Session with the coach"),
        ("give me the details for my flight on sunday", "Flight"),
        ("tell me the date of my sister's graduation", "Sister's graduation"),
        ("who is going to be at the wedding rehearsal", "Wedding rehearsal"),
    ],
)
def test_what_a_question_leaves_loses_its_edge_words(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title == title


def test_a_bare_start_hour_after_a_day_is_when_it_starts() -> None:
    command = parse("book the meeting room for 2 hours on thursday from 3", now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == "Meeting room"
    assert (command.start, command.end) == (
        datetime(2026, 12, 3, 15, 0, tzinfo=MSK),
        datetime(2026, 12, 3, 17, 0, tzinfo=MSK),
    )


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("remind me on the last working day of the month to send invoices", date(2026, 12, 31)),
        ("напомни в последний рабочий день месяца сдать отчёт", date(2026, 12, 31)),
        ("add the budget review on the last working day of the quarter at 10", date(2026, 12, 31)),
    ],
)
def test_the_nth_working_day_of_a_period(text: str, day: date) -> None:
    command = parse(text, now=NOW, tz=MSK)
    when = command.start.date() if command.start is not None else command.day
    assert when == day


@pytest.mark.parametrize(
    ("text", "start", "minutes"),
    [
        ("push everything after lunch by an hour", datetime(2026, 12, 2, 14, tzinfo=MSK), 60),
        ("push everything after 4 back 30 minutes", datetime(2026, 12, 2, 16, tzinfo=MSK), 30),
    ],
)
def test_everything_after_a_time_is_the_rest_of_that_day(
    text: str, start: datetime, minutes: int
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.target is None
    assert command.range_start == start
    assert command.range_end == datetime(2026, 12, 3, tzinfo=MSK)
    assert command.changes is not None
    assert command.changes.shift_minutes == minutes


@pytest.mark.parametrize(
    ("text", "start", "minutes"),
    [
        (
            "push everything after lunch tomorrow by an hour",
            datetime(2026, 12, 3, 14, tzinfo=MSK),
            60,
        ),
        (
            "push everything tomorrow after lunch by an hour",
            datetime(2026, 12, 3, 14, tzinfo=MSK),
            60,
        ),
        (
            "move everything after 3pm on friday 30 minutes later",
            datetime(2026, 12, 4, 15, tzinfo=MSK),
            30,
        ),
        ("сдвинь всё завтра после обеда на час позже", datetime(2026, 12, 3, 14, tzinfo=MSK), 60),
        (
            "перенеси всё после 16:00 в пятницу на полчаса раньше",
            datetime(2026, 12, 4, 16, tzinfo=MSK),
            -30,
        ),
    ],
)
def test_a_bulk_shift_reads_its_day_as_the_window_not_a_destination(
    text: str, start: datetime, minutes: int
) -> None:
    """A shift has no destination: a day said with "after lunch" is where the window is
    (it took the whole day before)."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.day is None
    assert command.range_start == start
    assert command.range_end == datetime.combine(start.date() + timedelta(days=1), time(), MSK)
    assert command.changes is not None
    assert command.changes.shift_minutes == minutes
