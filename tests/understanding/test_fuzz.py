"""Bad input: any text gets an answer, never an exception and never a hang.

Random Unicode, mutated real requests, zero-width characters, 10,000-character lines,
impossible dates: `parse`, `read_time` and `complete` must return, quickly.
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.understanding import complete, parse
from calendar_assistant.understanding.parser import read_message, understand
from calendar_assistant.understanding.timeexpr import read_time

MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MSK)
SEEDS = [
    "Запланируй встречу с командой завтра в 10:00",
    "Перенеси созвон с клиентом с четверга на пятницу в 12",
    "Каждую вторую среду в 10 планирование спринта",
    "Напомни за 15 минут до планёрки",
    "Find me a free hour tomorrow afternoon",
    "Move the vendor meeting from Friday to Monday at 2pm",
    "Set up a payroll review every other Friday at 3pm",
    "с 13 по 15 июля без четверти три 25.11.2026 through Dec 3rd",
]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u202e"]
LIMIT_SECONDS = 5.0  # a hang detector, not a speed test: the real cost is about a millisecond


def _mutate(seed: str, edits: list[tuple[int, str]]) -> str:
    text = seed
    for position, insert in edits:
        k = position % (len(text) + 1)
        text = text[:k] + insert + text[k + 1 :]
    return text


def _check(text: str) -> None:
    started = time.perf_counter()
    # the rules themselves, without parse()'s safety net, so a bug cannot hide
    command = understand(
        read_message(text, now=NOW, tz=MSK, lang=None, default_duration_minutes=60)
    )
    assert isinstance(command, Command)
    read_time(text, now=NOW, tz=NY)
    pending = parse("Запланируй встречу с Петром на завтра", now=NOW, tz=MSK)
    complete(pending, text, now=NOW, tz=MSK)
    assert time.perf_counter() - started < LIMIT_SECONDS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_unicode(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(
            st.integers(0, 200),
            st.one_of(st.sampled_from([*ZERO_WIDTH, " ", "", "9", ":", "-", "й", "🙂", "ё"]),
                      st.characters()),
        ),
        max_size=8,
    ),
)  # fmt: skip
def test_mutated_requests(seed: str, edits: list[tuple[int, str]]) -> None:
    _check(_mutate(seed, edits))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["в", "10", "на", "с", "до", "каждый", "завтра", "at", "pm",
                                 "every", "other", "ноября", "полтора", "часа", ":", "25", "-го",
                                 "through", "the", "next", "3", "days", "по", "и"]), max_size=40))  # fmt: skip
def test_word_salad_of_time_words(words: list[str]) -> None:
    _check(" ".join(words))


def test_ten_thousand_characters_and_zero_width_runs() -> None:
    for text in (
        "завтра в 10 " * 900,
        "x" * 10_000,
        "\u200b" * 10_000,
        "в" + "\u200b".join("1234567890") * 500,
        "🙂" * 5_000,
        "с 10 до " * 1_400,
    ):
        _check(text)


def test_impossible_dates_are_never_guessed_writes() -> None:
    for text in ("Поставь встречу завтра 31 февраля", "Schedule lunch on February 30 at 1pm",
                 "Удали встречу 32 декабря"):  # fmt: skip
        command = parse(text, now=NOW, tz=MSK)
        assert command.start is None
        assert command.intent in (Intent.CREATE_EVENT, Intent.DELETE_EVENT, Intent.UNKNOWN)
        if command.intent == Intent.CREATE_EVENT:
            assert command.missing


def test_parse_never_raises_even_on_nonsense_zones_of_input() -> None:
    assert parse("", now=NOW, tz=MSK).intent == Intent.UNKNOWN
    assert parse("   \n\t ", now=NOW, tz=MSK).intent == Intent.UNKNOWN
    assert parse("?!.,", now=NOW, tz=MSK).intent == Intent.UNKNOWN
