"""`complete`: answers to clarifying questions fill the pending command; new requests don't."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent, Missing
from calendar_assistant.understanding import complete, parse

MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)
NOW_NY = datetime(2026, 12, 3, 19, 45, tzinfo=NY)


def test_a_bare_hour_completes_the_named_day() -> None:
    pending = parse("Запланируй встречу с Петром на завтра", now=NOW, tz=MSK)
    done = complete(pending, "в 3", now=NOW, tz=MSK)
    assert done is not None
    assert done.start == datetime(2026, 11, 25, 15, 0, tzinfo=MSK)
    assert done.end == datetime(2026, 11, 25, 16, 0, tzinfo=MSK)
    assert done.missing == ()
    assert done.title == "Встреча с Петром"


def test_time_with_a_length() -> None:
    pending = parse("Запланируй встречу с Петром на завтра", now=NOW, tz=MSK)
    done = complete(pending, "в 10 на полтора часа", now=NOW, tz=MSK)
    assert done is not None
    assert done.start == datetime(2026, 11, 25, 10, 0, tzinfo=MSK)
    assert done.end == datetime(2026, 11, 25, 11, 30, tzinfo=MSK)


def test_a_new_day_and_time_replace_the_pending_day() -> None:
    pending = parse("Поставь созвон с заказчиком в понедельник", now=NOW, tz=MSK)
    done = complete(pending, "лучше в среду в 11:30", now=NOW, tz=MSK)
    assert done is not None
    assert done.start == datetime(2026, 11, 25, 11, 30, tzinfo=MSK)


def test_english_answers() -> None:
    pending = parse("Book a massage for December 5th", now=NOW_NY, tz=NY)
    assert pending.missing == (Missing.TIME,)
    done = complete(pending, "at 3pm", now=NOW_NY, tz=NY)
    assert done is not None
    assert done.start == datetime(2026, 12, 5, 15, 0, tzinfo=NY)
    assert done.missing == ()


def test_date_then_time_in_two_answers() -> None:
    pending = parse("Создай встречу с юристом", now=NOW, tz=MSK)
    assert set(pending.missing) == {Missing.DATE, Missing.TIME}
    step = complete(pending, "в пятницу", now=NOW, tz=MSK)
    assert step is not None
    assert step.missing == (Missing.TIME,)
    assert step.day == date(2026, 11, 27)
    done = complete(step, "в 10 утра", now=NOW, tz=MSK)
    assert done is not None
    assert done.start == datetime(2026, 11, 27, 10, 0, tzinfo=MSK)
    assert done.missing == ()


def test_a_missing_title_is_read_in_the_nominative() -> None:
    pending = parse("Поставь мне на 4 января в 10 утра", now=NOW, tz=MSK)
    assert pending.missing == (Missing.TITLE,)
    done = complete(pending, "встречу с Петром", now=NOW, tz=MSK)
    assert done is not None
    assert done.title == "Встреча с Петром"
    assert done.missing == ()
    assert done.start == datetime(2027, 1, 4, 10, 0, tzinfo=MSK)


def test_a_missing_target_is_read_from_the_answer() -> None:
    asked = parse("Перенеси на пять вечера", now=NOW, tz=MSK)
    # no event named: the one just dealt with, and with none the assistant asks which
    assert asked.target is not None
    assert asked.target.previous
    assert asked.missing == ()
    pending = asked.model_copy(update={"missing": (Missing.TARGET,)})
    done = complete(pending, "созвон с клиентом", now=NOW, tz=MSK)
    assert done is not None
    assert done.target is not None
    assert done.target.title == "Созвон с клиентом"
    assert done.changes is not None
    assert done.changes.start == datetime(2026, 11, 24, 17, 0, tzinfo=MSK)


def test_new_requests_and_cancels_are_not_answers() -> None:
    pending = parse("Запланируй встречу с Петром на завтра", now=NOW, tz=MSK)
    for text in ("Удали встречу с Иваном", "Отмена", "что ты умеешь?", "never mind", ""):
        assert complete(pending, text, now=NOW, tz=MSK) is None, text


def test_gibberish_is_not_an_answer_and_never_raises() -> None:
    pending = parse("Запланируй встречу с Петром на завтра", now=NOW, tz=MSK)
    for text in ("🙂🙂", "\u200b" * 50, "x" * 10_000, "31 февраля"):
        assert complete(pending, text, now=NOW, tz=MSK) is None
    assert pending.intent == Intent.CREATE_EVENT


def test_the_event_a_reminder_leads_is_read_from_the_answer() -> None:
    pending = parse("Напомни за 15 минут", now=NOW, tz=MSK)
    assert pending.missing == (Missing.TARGET,)
    done = complete(pending, "до планёрки", now=NOW, tz=MSK)
    assert done is not None
    assert done.target is not None
    assert done.target.title == "Планёрка"
    assert done.reminder_minutes_before == 15
    assert done.missing == ()


def test_a_reminder_answer_sets_its_moment_only() -> None:
    pending = parse("Напомни купить хлеб", now=NOW, tz=MSK)
    done = complete(pending, "завтра в 9", now=NOW, tz=MSK)
    assert done is not None
    assert done.start == datetime(2026, 11, 25, 9, 0, tzinfo=MSK)
    assert done.end is None
    assert done.missing == ()


@pytest.mark.parametrize(
    ("asked", "answer", "minutes"),
    [
        ("сдвинь планёрку на час", "на час позже", 60),
        ("move the standup by an hour", "30 minutes earlier", -30),
        ("передвинь созвон", "на полчаса раньше", -30),
    ],
)
def test_a_shift_answers_when_to_move_an_event(asked: str, answer: str, minutes: int) -> None:
    pending = parse(asked, now=NOW, tz=MSK)
    assert Missing.TIME in pending.missing
    done = complete(pending, answer, now=NOW, tz=MSK)
    assert done is not None
    assert done.changes is not None
    assert done.changes.shift_minutes == minutes
    assert done.missing == ()
    assert done.target == pending.target


def test_a_shift_answers_when_to_move_a_bulk_window() -> None:
    pending = parse("сдвинь всё после обеда на час", now=NOW, tz=MSK)
    assert pending.range_start is not None
    assert pending.range_start.hour == 14
    done = complete(pending, "на час позже", now=NOW, tz=MSK)
    assert done is not None
    assert done.changes is not None
    assert done.changes.shift_minutes == 60
    assert done.missing == ()
    assert (done.range_start, done.range_end) == (pending.range_start, pending.range_end)


def test_an_amount_without_a_direction_is_no_answer() -> None:
    pending = parse("сдвинь планёрку на час", now=NOW, tz=MSK)
    assert complete(pending, "на 15 минут", now=NOW, tz=MSK) is None
