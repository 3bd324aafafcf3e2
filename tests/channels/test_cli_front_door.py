"""The terminal chat goes through the same front door as the web and Telegram: slash and
account commands, the rate limit; menu commands are typed Commands, not sentences."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.channels.cli.commands import chat
from calendar_assistant.config import Settings
from calendar_assistant.conversation.account_commands import menu_request
from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding.parser import parse
from support import BERLIN, MOSCOW, NEW_YORK, says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)  # a Tuesday


def _settings(folder: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=folder, database_url=None, **values)  # type: ignore[arg-type]


async def _chat(settings: Settings, lines: str, *, now: datetime = NOW) -> str:
    out = io.StringIO()
    code = await chat(
        settings, "demo", zone=MOSCOW, lang=None, now=now, stdin=io.StringIO(lines), stdout=out
    )
    assert code == 0
    return out.getvalue()


async def test_menu_and_account_commands_work_in_the_terminal(tmp_path: Path) -> None:
    said = await _chat(
        _settings(tmp_path),
        "Запланируй встречу с командой завтра в 10:00\n"
        "Обед с Анной сегодня в 18:00\n"
        "/today\n"
        "/week\n"
        "/settings\n"
        "/frobnicate\n"
        "/undo\n"
        "/today\n",
    )
    lines = said.splitlines()
    # /today: today's lunch alone; /week: Monday to Sunday, both.
    assert lines[2:4] == ["вт, 24 ноября: 1 встреча.", "18:00–19:00 — Обед с Анной"]
    assert lines[4] == "пн, 23 ноября – вс, 29 ноября: 2 встречи."
    assert "10:00–11:00 — Встреча с командой" in lines[8]
    output = "\n".join(lines)
    assert says(output, "ru", "account.settings_shown")  # an account command, new to the terminal
    assert says(output, "ru", "account.do_not_know_command", name="frobnicate")
    assert lines[-2].startswith("Отменил создание «Обед с Анной»")  # /undo
    assert lines[-1] == "вт, 24 ноября: ничего не запланировано."


async def test_the_terminal_keeps_the_rate_limit(tmp_path: Path) -> None:
    """Over RATE_LIMIT_PER_MINUTE the first message is told so, the next get nothing."""
    settings = _settings(tmp_path, rate_limit_per_minute=2)
    said = await _chat(settings, "/help\n/help\n/help\n/help\n")
    assert said.count("Я веду ваш календарь. Например:") == 2  # the two allowed: /help
    assert said.count("Слишком много сообщений: я отвечаю на 2 в минуту.") == 1
    assert said.endswith("всё, что уже сделано, сохранено.\n")  # the fourth: nothing


@pytest.mark.parametrize(
    ("name", "words", "now"),
    [
        ("today", "What is on my calendar today?", datetime(2026, 11, 24, 23, 30, tzinfo=MOSCOW)),
        ("today", "What is on my calendar today?", datetime(2027, 3, 28, 12, 0, tzinfo=BERLIN)),
        ("week", "What is on my calendar this week?", datetime(2027, 3, 28, 12, 0, tzinfo=BERLIN)),
        ("week", "What is on my calendar this week?", datetime(2027, 3, 14, 9, 0, tzinfo=NEW_YORK)),
        ("week", "What is on my calendar this week?", NOW),
    ],
)
def test_a_menu_command_is_the_command_its_words_would_be(
    name: str, words: str, now: datetime
) -> None:
    """/today and /week list what the same request in words lists, DST days included."""
    zone = now.tzinfo
    assert isinstance(zone, ZoneInfo)
    built = menu_request(name, "en", now, zone)
    read = parse(words, now=now, tz=zone, lang="en")
    assert built is not None
    assert built.intent is Intent.LIST_EVENTS is read.intent
    assert (built.range_start, built.range_end) == (read.range_start, read.range_end)


def test_undo_cancel_and_help_are_their_intents_and_others_are_not_requests() -> None:
    built = [menu_request(name, "ru", NOW, MOSCOW) for name in ("undo", "cancel", "help")]
    assert [(c.intent, c.lang) for c in built if c is not None] == [
        (Intent.UNDO, "ru"),
        (Intent.CANCEL, "ru"),
        (Intent.HELP, "ru"),
    ]
    assert menu_request("settings", "ru", NOW, MOSCOW) is None
    assert menu_request("start", "ru", NOW, MOSCOW) is None
