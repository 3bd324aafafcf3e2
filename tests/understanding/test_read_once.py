"""A typed message is read once: the account desk's reading is the assistant's.

The desk asks `account_command` of every typed message, then the assistant parses the same
text with the same clock and settings; the message read for the first is handed to the
second. The answers must be those of a fresh read, and a parse with any other argument (or
a second parse) must read afresh.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.understanding.parser import _read_before, account_command, parse

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=MOSCOW)
TEXTS = (
    "Запланируй встречу с командой завтра в 10:00",
    "что у меня в пятницу после обеда?",
    "move the dentist to wednesday same time",
    "what is my afternoon schedule tomorrow",
    "remind me every day at 9 to take my pills",
    "удали все встречи на 3/4",
)


@pytest.mark.parametrize("text", TEXTS)
def test_the_desks_reading_gives_the_answer_a_fresh_read_gives(text: str) -> None:
    fresh = parse(text, now=NOW, tz=MOSCOW, month_first=True)
    assert account_command(text, now=NOW, tz=MOSCOW, month_first=True) is None
    assert _read_before.take((text, NOW, MOSCOW, None, 60, True)) is not None
    account_command(text, now=NOW, tz=MOSCOW, month_first=True)
    assert parse(text, now=NOW, tz=MOSCOW, month_first=True) == fresh
    assert _read_before.take((text, NOW, MOSCOW, None, 60, True)) is None  # taken once


def test_a_parse_with_other_settings_reads_afresh() -> None:
    text = "удали все встречи на 3/4"
    account_command(text, now=NOW, tz=MOSCOW, month_first=True)
    day_first = parse(text, now=NOW, tz=MOSCOW, month_first=False)
    assert day_first == parse(text, now=NOW, tz=MOSCOW, month_first=False)
    assert day_first != parse(text, now=NOW, tz=MOSCOW, month_first=True)


def test_an_account_phrase_is_not_handed_on() -> None:
    assert account_command("подключи гугл календарь", now=NOW, tz=MOSCOW) == "connect"
    assert _read_before.take(("подключи гугл календарь", NOW, MOSCOW, None, 60, None)) is None
