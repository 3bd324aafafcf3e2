"""Round 16, as whole requests in both languages: the request around a reminder noun,
a verb's particle in titles, timers, clearing a part of the day, questions about one event
(their question words never a title), ordinals that count events rather than name a day,
«в день …» as a reminder's day, and what to do said after the event a reminder is set
against."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=MSK)  # Thursday


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("i need a reminder to call mom at 6", "Call mom"),
        ("I'd like a reminder to call Grandma on Sunday at 4", "Call Grandma"),
        ("can you make a reminder for the car insurance next month", "Car insurance"),
        ("set a daily reminder at 9pm to journal", "Journal"),
        ("мне нужно напоминание позвонить маме в 6", "Позвонить маме"),
        ("Сделай ежедневное напоминание про зарядку в 7:30", "Зарядка"),
        ("dentist reminder tomorrow at 5", "Dentist"),  # nothing after the noun: kept
    ],
)
def test_the_request_around_a_reminder_noun_is_no_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("remind me in 20 minutes to take the pizza out", "Take the pizza out"),
        ("remind me to call john back at 4", "Call john back"),
        ("remind me to put the clocks back on Saturday night", "Put the clocks back"),
    ],
)
def test_a_particle_ending_what_to_do_stays(text: str, title: str) -> None:
    assert parse(text, now=NOW, tz=MSK).title == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("move the meeting back to friday", "Meeting"),
        ("push the catch-up to quarter past three", "Catch-up"),
    ],
)
def test_a_particle_ending_a_target_is_the_commands(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.target is not None
    assert command.target.title == title


@pytest.mark.parametrize(
    ("text", "minutes", "title"),
    [
        ("set a timer for 10 minutes", 10, "Timer"),
        ("set a timer for five minutes for cookies", 5, "Cookies"),
        ("поставь таймер на 10 минут", 10, "Таймер"),
        ("засеки 15 минут", 15, "Таймер"),
        ("таймер на полчаса на пасту", 30, "Паста"),
    ],
)
def test_a_timer_is_a_reminder_when_it_runs_out(text: str, minutes: int, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.start == NOW + timedelta(minutes=minutes)
    assert command.title == title


@pytest.mark.parametrize("text", ["pause the timer", "start the stopwatch", "сбрось таймер"])
def test_other_timer_requests_are_not_calendar_work(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).intent is Intent.UNKNOWN


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "освободи мне вечер",
            datetime(2026, 12, 3, 18, tzinfo=MSK),
            datetime(2026, 12, 4, tzinfo=MSK),
        ),
        (
            "освободи вечер пятницы",
            datetime(2026, 12, 4, 18, tzinfo=MSK),
            datetime(2026, 12, 5, tzinfo=MSK),
        ),
        (
            "clear my evening",
            datetime(2026, 12, 3, 18, tzinfo=MSK),
            datetime(2026, 12, 4, tzinfo=MSK),
        ),
    ],
)
def test_clearing_a_part_of_the_day_deletes_in_that_window(
    text: str, start: datetime, end: datetime
) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.DELETE_EVENT
    assert (command.range_start, command.range_end) == (start, end)
    assert command.target is None  # never an event called «Вечер»


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("how long is the board meeting", "Board meeting"),
        ("what room is the review in?", "Review"),
        ("when will the match start", "Match"),
        ("Во сколько начинается корпоратив?", "Корпоратив"),
        ("Где проходит совещание в четверг?", "Совещание"),
        ("Сколько длится семинар в среду?", "Семинар"),
        ("В какой переговорке планёрка?", "Планёрка"),
        ("Была ли встреча с Иваном за последний месяц?", "Встреча с Иваном"),
    ],
)
def test_question_words_about_one_event_are_not_its_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title == title


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("what's my first meeting tomorrow", datetime(2026, 12, 4, tzinfo=MSK)),
        ("check the second event on friday", datetime(2026, 12, 4, tzinfo=MSK)),
        ("cancel the first meeting on monday", datetime(2026, 12, 7, tzinfo=MSK)),
    ],
)
def test_an_ordinal_before_an_event_noun_counts_events(text: str, day: datetime) -> None:
    """Never "the 1st" of next month: the day said is the one searched."""
    command = parse(text, now=NOW, tz=MSK)
    window = command.range_start or (command.target.range_start if command.target else None)
    assert window == day
    if command.target is not None:
        assert command.target.title is None  # "first meeting" is no name


@pytest.mark.parametrize("text", ["lunch on the first with bob at 1", "dentist on the 3rd at 4"])
def test_an_ordinal_day_of_the_month_is_still_read(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.start is not None


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("напомни в день вылета утром", time(8)),
        ("напомни утром в день вылета", time(8)),
        ("напомни в день вылета", time(8)),  # that morning
    ],
)
def test_the_day_of_an_event_is_a_reminders_day(text: str, at: time) -> None:
    """Was a confident reminder «День вылета» tomorrow at 09:00."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.target is not None
    assert command.target.title == "Вылет"
    assert command.reminder_day_offset == 0
    assert command.reminder_at == at
    assert command.start is None


def test_a_birthday_is_a_name_not_the_day_of_an_event() -> None:
    command = parse("напомни в день рождения мамы", now=NOW, tz=MSK)
    assert command.title == "День рождения мамы"
    assert command.target is None


@pytest.mark.parametrize(
    ("text", "event", "todo"),
    [
        ("remind me the night before the conference to pack", "Conference", "Pack"),
        (
            "remind me the night before the flight to berlin to charge my laptop",
            "Flight to berlin",
            "Charge my laptop",
        ),
        ("remind me the day before the party so i can buy a gift", "Party", "Buy a gift"),
        ("напомни накануне вылета собрать чемодан", "Вылет", "Собрать чемодан"),
        (
            "напомни за день до встречи с иваном, чтобы подготовить слайды",
            "Встреча с иваном",
            "Подготовить слайды",
        ),
    ],
)
def test_what_to_do_after_the_event_is_the_reminders_text(text: str, event: str, todo: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.target is not None
    assert command.target.title == event
    assert command.title == todo
    # "the night before": a day and a part; «за день до»: a lead of 24 hours
    assert command.reminder_day_offset == 1 or command.reminder_minutes_before == 24 * 60


def test_a_place_after_to_stays_in_the_events_name() -> None:
    command = parse("remind me an hour before the flight to berlin", now=NOW, tz=MSK)
    assert command.target is not None
    assert command.target.title == "Flight to berlin"
    assert command.title is None
    assert command.reminder_minutes_before == 60


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("запланируй ужин в день зарплаты", "Ужин в день зарплаты"),
        ("запланируй ужин накануне свадьбы", "Ужин накануне свадьбы"),
    ],
)
def test_a_new_event_keeps_days_counted_from_another_in_its_title(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert command.title == title
    assert command.start is None  # the day is asked, never guessed


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("wake me up at 7", datetime(2026, 12, 4, 7, tzinfo=MSK)),
        ("wake me at quarter to seven", datetime(2026, 12, 4, 6, 45, tzinfo=MSK)),
        ("разбуди меня в 7", datetime(2026, 12, 4, 7, tzinfo=MSK)),
        ("wake me up at 7pm", datetime(2026, 12, 3, 19, tzinfo=MSK)),  # said: kept
        ("разбуди меня в 7 вечера", datetime(2026, 12, 3, 19, tzinfo=MSK)),
    ],
)
def test_waking_up_is_in_the_morning(text: str, start: datetime) -> None:
    """Said at 15:00, a bare 7 would be 19:00 by the clock rule."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.start == start


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("don't let me forget to call the bank tomorrow at 10", "Call the bank"),
        ("make sure i remember to call the plumber tomorrow morning", "Call the plumber"),
        ("не дай мне забыть купить молоко завтра в 9", "Купить молоко"),
    ],
)
def test_ways_of_asking_not_to_forget_are_reminders(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_REMINDER
    assert command.title == title


@pytest.mark.parametrize(
    ("text", "title", "start", "end"),
    [
        ("new meeting: project kickoff, Monday 10-11", "Project kickoff", (7, 10), (7, 11)),
        ("block 9 to 11 tomorrow for deep work", "Deep work", (4, 9), (4, 11)),
        ("hold Wednesday 2-4 for the quarterly planning", None, (9, 14), (9, 16)),
        # each listed day once (round 18): the series starts on the soonest, Saturday
        ("add my shifts: Monday, Tuesday and Saturday, 7 to 3", "Shifts", (5, 7), (5, 15)),
        ("dinner with Ann 7 to 9 friday", "Dinner with Ann", (4, 19), (4, 21)),
    ],
)
def test_two_bare_clocks_joined_are_a_range(
    text: str, title: str | None, start: tuple[int, int], end: tuple[int, int]
) -> None:
    """Was the second clock alone (a 4pm event for "2-4") and "9" left in the title; a
    range that would run overnight ("7 to 3") starts in the morning."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    if title is not None:
        assert command.title == title
    assert command.start == datetime(2026, 12, start[0], start[1], tzinfo=MSK)
    assert command.end == datetime(2026, 12, end[0], end[1], tzinfo=MSK)


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [
        ("push my 3pm to 4", 15, 16),
        ("mv my 3pm to 4", 15, 16),
        ("Move tomorrow's 9am to 10", 9, 10),
    ],
)
def test_a_move_between_two_clocks_is_no_range(text: str, old: int, new: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.target is not None
    assert command.target.start is not None
    assert command.target.start.hour == old
    assert command.changes is not None
    assert command.changes.start is not None
    assert command.changes.start.hour == new


def test_a_count_of_people_is_no_clock_range() -> None:
    command = parse("book a table for 4 to 6 people tomorrow at 8pm", now=NOW, tz=MSK)
    assert command.start == datetime(2026, 12, 4, 20, tzinfo=MSK)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("put me as out of office all of next week", "Out of office"),
        ("remind me this afternoon to back up my laptop", "Back up my laptop"),
        ("block out friday afternoon for deep work", "Deep work"),
    ],
)
def test_a_particle_opening_a_name_stays(text: str, title: str) -> None:
    assert parse(text, now=NOW, tz=MSK).title == title


@pytest.mark.parametrize(
    ("text", "title"),
    [("delete tomorrows lunch", "Lunch"), ("push back the standup to 11", "Standup")],
)
def test_targets_lose_particles_and_read_possessive_days(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.target is not None
    assert command.target.title == title


@pytest.mark.parametrize(
    "text",
    [
        "is my calendar clear on monday morning",
        "is thursday afternoon clear",
        "вечер четверга свободен?",
    ],
)
def test_asking_whether_a_time_is_clear_is_about_free_time(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).intent is Intent.FIND_FREE_SLOTS


@pytest.mark.parametrize(
    ("text", "title"),
    [("в пятницу я в отгуле", "Отгул"), ("на следующей неделе я в отпуске", "Отпуск")],
)
def test_a_title_said_after_a_place_preposition_is_in_its_calendar_form(
    text: str, title: str
) -> None:
    assert parse(text, now=NOW, tz=MSK).title == title


def test_going_somewhere_is_no_part_of_the_events_name() -> None:
    command = parse("когда я иду к врачу", now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title == "Врач"


@pytest.mark.parametrize("text", ["давай пообедаем в пятницу", "let's grab lunch on friday"])
def test_proposing_to_meet_is_a_new_event(text: str) -> None:
    assert parse(text, now=NOW, tz=MSK).intent is Intent.CREATE_EVENT


@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        ("wendesday lunch with tom at 1", "Lunch with tom", datetime(2026, 12, 9, 13, tzinfo=MSK)),
        ("thrusday dentist at 4", "Dentist", datetime(2026, 12, 10, 16, tzinfo=MSK)),
        ("tomorow at 9 gym", "Gym", datetime(2026, 12, 4, 9, tzinfo=MSK)),
        ("plz schedule gym tomorow 7am", "Gym", datetime(2026, 12, 4, 7, tzinfo=MSK)),
    ],
)
def test_a_mistyped_day_is_read_not_left_in_the_title(
    text: str, title: str, start: datetime
) -> None:
    """Left unread, "wendesday lunch … at 1" was an event tomorrow at 1pm."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.CREATE_EVENT
    assert (command.title, command.start) == (title, start)


def test_a_word_one_letter_from_a_weekday_is_no_weekday() -> None:
    command = parse("ice cream sundae party saturday at 3", now=NOW, tz=MSK)
    assert command.title == "Ice cream sundae party"
    assert command.start == datetime(2026, 12, 5, 15, tzinfo=MSK)
    search = parse("Поищи созвон с Алиной среди моих событий", now=NOW, tz=MSK)
    assert search.target is not None
    assert search.target.range_start is None  # «среди» is no Wednesday


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("can we move lunch with priya to 1:30", "Lunch with priya"),
        ("the meeting with HR needs to move to 4pm", "Meeting with HR"),
        ("i need to cancel the dentist", "Dentist"),
        ("make the interview with Marco 30 minutes longer", "Interview with Marco"),
    ],
)
def test_the_request_around_a_target_is_no_part_of_its_name(text: str, title: str) -> None:
    """ "Marco 30 minutes" is no 30 March: a number followed by a unit is an amount."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.target is not None
    assert command.target.title == title


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("what reminders do i have for tomorrow", datetime(2026, 12, 4, tzinfo=MSK)),
        ("какие у меня напоминания на пятницу", datetime(2026, 12, 4, tzinfo=MSK)),
    ],
)
def test_listing_reminders_keeps_the_window_said(text: str, start: datetime) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.LIST_EVENTS
    assert command.target is not None
    assert command.target.kind == "reminder"
    assert command.range_start == command.target.range_start == start


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("is the meeting with bob still on", "Meeting with bob"),
        ("встреча с бобом ещё в силе?", "Встреча с бобом"),
    ],
)
def test_asking_whether_an_event_still_stands_looks_at_it(text: str, title: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title == title


@pytest.mark.parametrize("text", ["my meeting went well", "cxl dinner sat"])
def test_telling_what_happened_is_no_request_and_texting_abbreviations_are(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    expected = Intent.DELETE_EVENT if text.startswith("cxl") else Intent.UNKNOWN
    assert command.intent is expected


@pytest.mark.parametrize(
    ("text", "title", "start"),
    [
        ("add the quiz night at the pub on Thursday at 8", "Quiz night at the pub", (10, 20)),
        ("Movie night with the kids saturday at 7", "Movie night with the kids", (5, 19)),
        ("put parents evening at school on the 10th at 6pm", "Parents evening", (10, 18)),
        ("dinner friday night at 8", "Dinner", (4, 20)),
    ],
)
def test_a_part_of_the_day_in_a_name_stays_in_the_title(
    text: str, title: str, start: tuple[int, int]
) -> None:
    """… and still puts a bare clock in the evening ("quiz night … at 8" is 20:00)."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.title == title
    assert command.start == datetime(2026, 12, start[0], start[1], tzinfo=MSK)


def test_searching_a_named_night_is_no_search_of_tonight() -> None:
    command = parse("when's the quiz night", now=NOW, tz=MSK)
    assert command.target is not None
    assert command.target.title == "Quiz night"
    assert command.target.range_start is None


@pytest.mark.parametrize("text", ["what does my afternoon look like", "remind me tonight to call"])
def test_a_part_of_the_day_after_a_pronoun_is_still_a_time(text: str) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.range_start is not None or command.start is not None


@pytest.mark.parametrize(
    "text", ["вебинар по налогам в 11 часов 12 декабря", "at 11 oclock 12 december webinar"]
)
def test_a_day_of_a_month_after_the_hour_word_is_no_minutes(text: str) -> None:
    """Was 11:12 today: «12 декабря» is the day."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.start == datetime(2026, 12, 12, 11, tzinfo=MSK)


def test_minutes_after_the_hour_word_are_still_minutes() -> None:
    command = parse("в 7 часов 30 созвон", now=NOW, tz=MSK)
    assert command.start is not None
    assert command.start.minute == 30  # the hour follows SPEC's rule for a bare 7


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("созвон завтра 10 утра", datetime(2026, 12, 4, 10, tzinfo=MSK)),
        ("ужин в пятницу 7 вечера", datetime(2026, 12, 4, 19, tzinfo=MSK)),
        ("встреча 12 декабря 10 утра", datetime(2026, 12, 12, 10, tzinfo=MSK)),
    ],
)
def test_a_clock_with_its_part_of_day_right_after_a_day_is_a_time(
    text: str, start: datetime
) -> None:
    """Was the whole day asked for a time («завтра 10 утра»), or the year 2010."""
    command = parse(text, now=NOW, tz=MSK)
    assert command.start == start


def test_three_days_after_a_day_named_stay_three_days() -> None:
    command = parse("что у меня во вторник 3 дня", now=NOW, tz=MSK)
    assert command.range_start == datetime(2026, 12, 8, tzinfo=MSK)
