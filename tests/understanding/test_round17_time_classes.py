"""Round 17 time classes inside whole requests: what `read_time` answers as an open or a
rolling span is read, in a request, the way the request means it. The tables of the classes
themselves are `phrasebook/time_round17_<lang>.tsv`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding import parse
from calendar_assistant.understanding.timeexpr import read_time

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)  # Tuesday


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("подними меня к 6 утра", datetime(2026, 11, 25, 6, 0, tzinfo=MSK)),
        ("напомни к 7 вечера забрать посылку", datetime(2026, 11, 24, 19, 0, tzinfo=MSK)),
        ("созвон с Олей к 16:45", datetime(2026, 11, 24, 16, 45, tzinfo=MSK)),
    ],
)
def test_a_deadline_clock_in_a_request_is_the_time(text: str, start: datetime) -> None:
    """«к 6 утра» alone is the open interval ending then; a request made with it is at it."""
    assert parse(text, now=NOW, tz=MSK).start == start


def test_a_move_said_after_a_deadline_keeps_the_old_time() -> None:
    command = parse("не успею к 11, перенеси созвон на 12", now=NOW, tz=MSK)
    assert command.intent is Intent.UPDATE_EVENT
    assert command.target is not None
    assert command.target.start == datetime(2026, 11, 25, 11, 0, tzinfo=MSK)


@pytest.mark.parametrize("text", ["запиши меня к врачу", "сходить к стоматологу завтра"])
def test_to_a_person_is_no_deadline(text: str) -> None:
    span = read_time(text, now=NOW, tz=MSK)
    assert span is None or span.end is None or span.start is not None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("планёрка завтра в 9 в течение трёх часов", 180),
        ("workshop on friday at 10 within 2 hours", 120),
    ],
)
def test_within_hours_beside_a_clock_is_the_length(text: str, minutes: int) -> None:
    command = parse(text, now=NOW, tz=MSK)
    assert command.start is not None
    assert command.end is not None
    assert (command.end - command.start).total_seconds() == minutes * 60


def test_within_hours_alone_is_a_window_from_now() -> None:
    command = parse("что у меня в течение трёх часов", now=NOW, tz=MSK)
    assert command.range_start == NOW
    assert command.range_end == datetime(2026, 11, 24, 17, 0, tzinfo=MSK)


def test_the_may_holidays_with_another_day_said_are_part_of_the_title() -> None:
    command = parse("дача на майские в воскресенье в 11", now=NOW, tz=MSK)
    assert command.title == "Дача на майские"
    assert command.start == datetime(2026, 11, 29, 11, 0, tzinfo=MSK)


def test_the_may_holidays_are_a_range_to_list() -> None:
    command = parse("какие встречи у меня на майских праздниках", now=NOW, tz=MSK)
    assert command.range_start == datetime(2027, 5, 1, tzinfo=MSK)
    assert command.range_end == datetime(2027, 5, 11, tzinfo=MSK)
