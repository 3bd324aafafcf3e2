"""Composed requests: any command verb × title × day × time, checked against a tiny oracle.

The phrasebooks hold hand-picked sentences; here hypothesis builds thousands of others from
parts whose meaning is known independently (SPEC §2 rules written out by hand below), so
the grammar is tested on combinations nobody wrote down.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse

MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")
NOW_RU = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)  # a Tuesday
NOW_EN = datetime(2027, 3, 12, 16, 0, tzinfo=NY)  # a Friday, two days before DST starts

RU_VERBS = ["Запланируй", "Создай", "Добавь", "Поставь", "Назначь", "Внеси в календарь"]
# (accusative as said, nominative as the calendar shows it)
RU_TITLES = [
    ("встречу с Петром", "Встреча с Петром"),
    ("тренировку", "Тренировка"),
    ("созвон с клиентом", "Созвон с клиентом"),
    ("сдачу отчёта", "Сдача отчёта"),
    ("игру в футбол", "Игра в футбол"),
    ("консультацию у юриста", "Консультация у юриста"),
    ("поход в кино", "Поход в кино"),
    ("звонок маме", "Звонок маме"),
    ("новогодний ужин", "Новогодний ужин"),
    ("планёрку", "Планёрка"),
    ("урок английского", "Урок английского"),
    ("презентацию проекта", "Презентация проекта"),
]
RU_WEEKDAYS = [
    ("в понедельник", 0), ("во вторник", 1), ("в среду", 2), ("в четверг", 3),
    ("в пятницу", 4), ("в субботу", 5), ("в воскресенье", 6),
]  # fmt: skip
RU_MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                 "сентября", "октября", "ноября", "декабря"]  # fmt: skip

EN_VERBS = ["Schedule", "Add", "Book", "Set up", "Put", "Create"]
EN_TITLES = [
    ("a call with Sarah", "Call with Sarah"),
    ("lunch with Anna", "Lunch with Anna"),
    ("a dentist appointment", "Dentist appointment"),
    ("the quarterly planning", "Quarterly planning"),
    ("a sprint demo", "Sprint demo"),
    ("yoga class", "Yoga class"),
    ("a meeting with the landlord", "Meeting with the landlord"),
]
EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip


def _next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _next_date(today: date, month: int, day: int) -> date:
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def _ru_day(draw: st.DrawFn) -> tuple[str, date]:
    today = NOW_RU.date()
    kind = draw(st.sampled_from(["relative", "weekday", "date"]))
    if kind == "relative":
        word, shift = draw(st.sampled_from([("завтра", 1), ("послезавтра", 2), ("на завтра", 1)]))
        return word, today + timedelta(days=shift)
    if kind == "weekday":
        word, weekday = draw(st.sampled_from(RU_WEEKDAYS))
        return word, _next_weekday(today, weekday)
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    prefix = draw(st.sampled_from(["", "на "]))
    return f"{prefix}{day} {RU_MONTHS_GEN[month - 1]}", _next_date(today, month, day)


def _ru_time(draw: st.DrawFn) -> tuple[str, int, int]:
    kind = draw(st.sampled_from(["bare", "morning", "evening", "clock", "afternoon"]))
    if kind == "bare":
        hour = draw(st.integers(1, 12))
        return f"в {hour}", (hour + 12 if hour <= 7 else hour), 0
    if kind == "morning":
        hour = draw(st.integers(5, 11))
        return f"в {hour} утра", hour, 0
    if kind == "evening":
        hour = draw(st.integers(5, 11))
        return f"в {hour} вечера", hour + 12, 0
    if kind == "afternoon":
        hour = draw(st.integers(1, 5))
        return f"в {hour} часа дня" if hour < 5 else f"в {hour} часов дня", hour + 12, 0
    hour = draw(st.integers(0, 23))
    minute = draw(st.sampled_from([0, 15, 30, 45]))
    return f"в {hour}:{minute:02d}", hour, minute


@st.composite
def ru_requests(draw: st.DrawFn) -> tuple[str, str, datetime]:
    verb = draw(st.sampled_from(RU_VERBS))
    said, title = draw(st.sampled_from(RU_TITLES))
    day_words, day = _ru_day(draw)
    time_words, hour, minute = _ru_time(draw)
    order = draw(st.sampled_from(["title-day-time", "day-time-title", "title-time-day"]))
    parts = {
        "title-day-time": [said, day_words, time_words],
        "day-time-title": [day_words, time_words, said],
        "title-time-day": [said, time_words, day_words],
    }[order]
    text = " ".join([verb, *parts])
    return text, title, datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


@st.composite
def en_requests(draw: st.DrawFn) -> tuple[str, str, datetime]:
    today = NOW_EN.date()
    verb = draw(st.sampled_from(EN_VERBS))
    said, title = draw(st.sampled_from(EN_TITLES))
    kind = draw(st.sampled_from(["tomorrow", "weekday", "date"]))
    if kind == "tomorrow":
        day_words, day = "tomorrow", today + timedelta(days=1)
    elif kind == "weekday":
        weekday = draw(st.integers(0, 6))
        day_words, day = f"on {EN_WEEKDAYS[weekday]}", _next_weekday(today, weekday)
    else:
        month, dom = draw(st.integers(1, 12)), draw(st.integers(1, 28))
        suffix = draw(st.sampled_from(["", "th"])) if dom > 3 else ""
        day_words = f"on {EN_MONTHS[month - 1]} {dom}{suffix}"
        day = _next_date(today, month, dom)
    hour12 = draw(st.integers(1, 12))
    meridiem = draw(st.sampled_from(["am", "pm", ""]))
    if meridiem == "am":
        hour = 0 if hour12 == 12 else hour12
    elif meridiem == "pm":
        hour = hour12 if hour12 == 12 else hour12 + 12
    else:
        hour = hour12 + 12 if hour12 <= 7 else hour12
    text = f"{verb} {said} {day_words} at {hour12}{meridiem}"
    return text, title, datetime(day.year, day.month, day.day, hour, 0, tzinfo=NY)


@settings(max_examples=400, deadline=None)
@given(ru_requests())
def test_russian_creates_compose(request: tuple[str, str, datetime]) -> None:
    text, title, start = request
    command = parse(text, now=NOW_RU, tz=MSK)
    assert command.intent == Intent.CREATE_EVENT, text
    assert command.title == title, text
    assert command.start == start, text
    assert command.end == start + timedelta(hours=1), text
    assert command.missing == (), text


@settings(max_examples=300, deadline=None)
@given(en_requests())
def test_english_creates_compose(request: tuple[str, str, datetime]) -> None:
    text, title, start = request
    command = parse(text, now=NOW_EN, tz=NY)
    assert command.intent == Intent.CREATE_EVENT, text
    assert command.title == title, text
    assert command.start is not None
    # instants, not wall times: 02:00 on the day clocks jump is 03:00 (Python compares
    # datetimes of one zone by wall time)
    assert command.start.astimezone(UTC) == start.astimezone(UTC), text
    assert command.missing == (), text


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(RU_TITLES), st.sampled_from(RU_WEEKDAYS), st.sampled_from(RU_WEEKDAYS))
def test_russian_moves_from_one_day_to_another(
    title: tuple[str, str], old: tuple[str, int], new: tuple[str, int]
) -> None:
    said, shown = title
    old_from = {0: "понедельника", 1: "вторника", 2: "среды", 3: "четверга", 4: "пятницы",
                5: "субботы", 6: "воскресенья"}[old[1]]  # fmt: skip
    new_to = {0: "понедельник", 1: "вторник", 2: "среду", 3: "четверг", 4: "пятницу",
              5: "субботу", 6: "воскресенье"}[new[1]]  # fmt: skip
    command = parse(f"Перенеси {said} с {old_from} на {new_to} в 11", now=NOW_RU, tz=MSK)
    assert command.intent == Intent.UPDATE_EVENT
    assert command.target is not None
    assert command.target.title == shown
    old_day = _next_weekday(NOW_RU.date(), old[1])
    assert command.target.range_start == datetime.combine(old_day, datetime.min.time(), MSK)
    new_day = _next_weekday(NOW_RU.date(), new[1])
    assert command.changes is not None
    assert command.changes.start == datetime(
        new_day.year, new_day.month, new_day.day, 11, tzinfo=MSK
    )


RU_WINDOW_ASKS = {
    Intent.LIST_EVENTS: ["Что у меня", "Какие встречи", "Покажи встречи", "Что запланировано",
                         "Покажи расписание", "Какие у меня планы"],
    Intent.FIND_FREE_SLOTS: ["Когда я свободен", "Найди свободное время", "Есть свободные слоты",
                             "Найди окно"],
    Intent.DELETE_EVENT: ["Удали все встречи", "Отмени все события"],
}  # fmt: skip
PART_WINDOWS = {"утром": (6, 12), "днём": (12, 18), "вечером": (18, 24)}


@st.composite
def ru_windows(draw: st.DrawFn) -> tuple[str, datetime, datetime]:
    today = NOW_RU.date()
    monday = today - timedelta(days=today.weekday())
    kind = draw(st.sampled_from(["day", "weekday", "part", "week", "weekend", "date"]))
    if kind == "day":
        words, shift = draw(st.sampled_from([("сегодня", 0), ("завтра", 1), ("на завтра", 1),
                                             ("послезавтра", 2), ("на сегодня", 0)]))  # fmt: skip
        start_day = today + timedelta(days=shift)
        return words, _midnight(start_day), _midnight(start_day + timedelta(days=1))
    if kind in ("weekday", "part"):
        words, weekday = draw(st.sampled_from(RU_WEEKDAYS))
        day = _next_weekday(today, weekday)
        if kind == "weekday":
            return words, _midnight(day), _midnight(day + timedelta(days=1))
        part = draw(st.sampled_from(sorted(PART_WINDOWS)))
        lo, hi = PART_WINDOWS[part]
        return f"{words} {part}", _at(day, lo), _at(day, hi)
    if kind == "week":
        words, step = draw(st.sampled_from([("на этой неделе", 0), ("на следующей неделе", 1),
                                            ("на эту неделю", 0), ("на следующую неделю", 1)]))  # fmt: skip
        start_day = monday + timedelta(weeks=step)
        return words, _midnight(start_day), _midnight(start_day + timedelta(weeks=1))
    if kind == "weekend":
        words = draw(st.sampled_from(["на выходных", "на выходные", "в выходные"]))
        saturday = monday + timedelta(days=5)
        return words, _midnight(saturday), _midnight(saturday + timedelta(days=2))
    month, dom = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    day = _next_date(today, month, dom)
    return (
        f"на {dom} {RU_MONTHS_GEN[month - 1]}",
        _midnight(day),
        _midnight(day + timedelta(days=1)),
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=MSK)


def _at(day: date, hour: int) -> datetime:
    return _midnight(day) + timedelta(hours=hour)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(RU_WINDOW_ASKS)), st.data())
def test_russian_windows_compose(intent: Intent, data: st.DataObject) -> None:
    ask = data.draw(st.sampled_from(RU_WINDOW_ASKS[intent]))
    words, start, end = data.draw(ru_windows())
    text = f"{ask} {words}?" if intent != Intent.DELETE_EVENT else f"{ask} {words}"
    command = parse(text, now=NOW_RU, tz=MSK)
    assert command.intent == intent, text
    assert command.range_start == start, text
    assert command.range_end == end, text


EN_WINDOW_ASKS = {
    Intent.LIST_EVENTS: ["What's on", "What do I have", "Show my meetings", "Any meetings",
                         "What's on my calendar"],
    Intent.FIND_FREE_SLOTS: ["When am I free", "Find free time", "Find me a free slot",
                             "Am I available"],
    Intent.DELETE_EVENT: ["Delete all meetings", "Cancel all events", "Clear my calendar"],
}  # fmt: skip
EN_PARTS = {"morning": (6, 12), "afternoon": (12, 18), "evening": (18, 24)}


def _ny(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=NY) + timedelta(hours=hour)


@st.composite
def en_windows(draw: st.DrawFn) -> tuple[str, datetime, datetime]:
    today = NOW_EN.date()
    monday = today - timedelta(days=today.weekday())
    kind = draw(st.sampled_from(["day", "weekday", "part", "week", "weekend", "date"]))
    if kind == "day":
        words, shift = draw(st.sampled_from([("today", 0), ("tomorrow", 1), ("for tomorrow", 1)]))
        day = today + timedelta(days=shift)
        return words, _ny(day), _ny(day + timedelta(days=1))
    if kind in ("weekday", "part"):
        weekday = draw(st.integers(0, 6))
        day = _next_weekday(today, weekday)
        if kind == "weekday":
            return f"on {EN_WEEKDAYS[weekday]}", _ny(day), _ny(day + timedelta(days=1))
        part = draw(st.sampled_from(sorted(EN_PARTS)))
        lo, hi = EN_PARTS[part]
        end = _ny(day + timedelta(days=1)) if hi == 24 else _ny(day, hi)
        return f"on {EN_WEEKDAYS[weekday]} {part}", _ny(day, lo), end
    if kind == "week":
        words, step = draw(st.sampled_from([("this week", 0), ("next week", 1)]))
        start = monday + timedelta(weeks=step)
        return words, _ny(start), _ny(start + timedelta(weeks=1))
    if kind == "weekend":
        words = draw(st.sampled_from(["this weekend", "on the weekend", "over the weekend"]))
        saturday = monday + timedelta(days=5)
        return words, _ny(saturday), _ny(saturday + timedelta(days=2))
    month, dom = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    day = _next_date(today, month, dom)
    return f"on {EN_MONTHS[month - 1]} {dom}", _ny(day), _ny(day + timedelta(days=1))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(EN_WINDOW_ASKS)), st.data())
def test_english_windows_compose(intent: Intent, data: st.DataObject) -> None:
    ask = data.draw(st.sampled_from(EN_WINDOW_ASKS[intent]))
    words, start, end = data.draw(en_windows())
    command = parse(f"{ask} {words}", now=NOW_EN, tz=NY)
    assert command.intent == intent, f"{ask} {words}"
    assert command.range_start is not None
    assert command.range_end is not None
    assert command.range_start.astimezone(UTC) == start.astimezone(UTC), f"{ask} {words}"
    assert command.range_end.astimezone(UTC) == end.astimezone(UTC), f"{ask} {words}"
