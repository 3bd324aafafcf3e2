"""The installed command line, run as a real subprocess on a fresh data directory."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from calendar_assistant.config import Settings

NOW = "2026-11-24T14:00:00+03:00"
DEMO = "Запланируй встречу с командой завтра в 10:00\nКакие у меня встречи на завтра?\n"


def _command() -> list[str]:
    script = Path(sys.executable).with_name("calendar-assistant")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "calendar_assistant.cli"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty folder that is both the XDG data home and the working directory."""
    (tmp_path / "xdg").mkdir()
    return tmp_path


def _run(
    home: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=home,
        env=_environment(home, env),
        timeout=120,
        check=False,
    )


def _run_bytes(
    home: Path, *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The same, bytes in and out: for input that is not text and locales that are not UTF-8."""
    return subprocess.run(
        [*_command(), *args],
        input=stdin,
        capture_output=True,
        cwd=home,
        env=_environment(home, env),
        timeout=120,
        check=False,
    )


_SETTING_NAMES = {name.upper() for name in Settings.model_fields}


def _environment(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any setting a developer may have exported."""
    clean = {k: v for k, v in os.environ.items() if k.upper() not in _SETTING_NAMES}
    clean["XDG_DATA_HOME"] = str(home / "xdg")
    clean.update(extra or {})
    return clean


def test_scripted_chat_creates_then_lists_the_meeting(home: Path) -> None:
    done = _run(home, "chat", "--user", "demo", "--tz", "Europe/Moscow", "--now", NOW, stdin=DEMO)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Встреча с командой" in out
    _, _, rest = out.partition("\n")
    assert "25" in out
    assert "10:00" in out
    assert "Встреча с командой" in rest  # the list names it after the confirmation
    assert "\x1b[" not in out  # no colour when piped
    assert (home / "xdg" / "calendar-assistant" / "calendar.sqlite3").is_file()

    listed = _run(
        home,
        "events",
        "--user",
        "demo",
        "--from",
        "2026-11-25",
        "--to",
        "2026-11-26",
        "--tz",
        "Europe/Moscow",
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == "2026-11-25 10:00-11:00 Встреча с командой\n"
    other = _run(home, "events", "--user", "someone", "--from", "2026-11-25", "--to", "2026-11-26")
    assert other.stdout == ""  # users never see each other's events


def test_english_chat_with_a_pinned_clock_in_new_york(home: Path) -> None:
    lines = "Lunch with Anna on Friday at 1pm for 90 minutes\nWhat's on my calendar this week?\n"
    now = "2027-03-10T09:00:00-05:00"
    done = _run(
        home,
        "chat",
        "--user",
        "anna",
        "--lang",
        "en",
        "--tz",
        "America/New_York",
        "--now",
        now,
        stdin=lines,
    )
    assert done.returncode == 0, done.stderr
    assert "Lunch with Anna" in done.stdout
    listed = _run(
        home,
        "events",
        "--user",
        "anna",
        "--from",
        "2027-03-08",
        "--to",
        "2027-03-15",
        "--tz",
        "America/New_York",
    )
    assert listed.stdout == "2027-03-12 13:00-14:30 Lunch with Anna\n"


def test_export_and_import_round_trip_between_users(home: Path) -> None:
    script = (
        "Запланируй встречу с командой завтра в 10:00\n"
        "Планёрка каждый понедельник в 9:00\n"
        "Запланируй конференцию 30 ноября на весь день\n"
    )
    chat = _run(
        home, "chat", "--user", "alice", "--tz", "Europe/Berlin", "--now", NOW, stdin=script
    )
    assert chat.returncode == 0, chat.stderr
    window = ["--from", "2026-11-01", "--to", "2027-01-01", "--tz", "Europe/Berlin"]
    before = _run(home, "events", "--user", "alice", *window)
    assert before.returncode == 0, before.stderr
    assert before.stdout.count("\n") >= 3

    exported = _run(home, "export", "--user", "alice")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("BEGIN:VCALENDAR")
    assert "RRULE:" in exported.stdout
    ics = home / "alice.ics"
    ics.write_text(exported.stdout, encoding="utf-8")

    imported = _run(home, "import", str(ics), "--user", "bob", "--tz", "Europe/Berlin")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"{ics}: imported ")
    after = _run(home, "events", "--user", "bob", *window)
    assert after.stdout == before.stdout

    again = _run(home, "import", str(ics), "--user", "bob", "--tz", "Europe/Berlin")
    assert "imported 0 event(s)" in again.stdout
    assert _run(home, "events", "--user", "bob", *window).stdout == before.stdout


def test_a_broken_file_is_named_and_nothing_is_imported(home: Path) -> None:
    broken = home / "broken.ics"
    broken.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        "BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Fine\r\nDTSTART:20261125T100000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:Backwards\r\nDTSTART:20261125T100000Z\r\n"
        "DTEND:20261125T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    done = _run(home, "import", str(broken), "--user", "demo")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert str(broken) in done.stderr
    assert "ends before it starts" in done.stderr
    listed = _run(home, "events", "--user", "demo", "--from", "2026-11-01", "--to", "2026-12-01")
    assert listed.stdout == ""

    missing = _run(home, "import", str(home / "nope.ics"), "--user", "demo")
    assert missing.returncode == 1
    assert "nope.ics: cannot read the file" in missing.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["chat", "--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["chat", "--now", "tomorrow at ten"], "--now: 'tomorrow at ten' is not an ISO 8601"),
        (["chat", "--lang", "de"], "unknown language 'de'"),
        (["events", "--from", "2026-11-25"], "--to"),
        (["events", "--from", "yesterday", "--to", "2026-11-26"], "--from: 'yesterday'"),
        (["events", "--from", "2026-11-26", "--to", "2026-11-25"], "--to must be after --from"),
        (["chat", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["teleport"], "invalid choice: 'teleport'"),
    ],
)
def test_bad_flags_give_one_line_and_exit_code_2(
    home: Path, args: list[str], fragment: str
) -> None:
    done = _run(home, *args, stdin="Привет\n")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert fragment in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_settings_are_one_line_at_start(home: Path) -> None:
    done = _run(home, "chat", stdin="Привет\n", env={"DEFAULT_TIMEZONE": "Mars/Olympus"})
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "calendar-assistant invalid settings: DEFAULT_TIMEZONE: unknown time zone "
        "'Mars/Olympus' (use an IANA name)"
    )
    bad_url = _run(
        home,
        "events",
        "--from",
        "2026-11-25",
        "--to",
        "2026-11-26",
        env={"DATABASE_URL": "mysql://root@localhost/calendar"},
    )
    assert bad_url.returncode == 2
    assert "DATABASE_URL: unsupported database 'mysql'" in bad_url.stderr


def test_a_damaged_database_file_is_named_and_left_alone(home: Path) -> None:
    data_dir = home / "xdg" / "calendar-assistant"
    data_dir.mkdir(parents=True)
    damaged = data_dir / "calendar.sqlite3"
    damaged.write_bytes(b"this is not a database" * 100)
    done = _run(home, "chat", "--user", "demo", "--now", NOW, stdin="Привет\n")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert str(damaged) in done.stderr
    assert "Traceback" not in done.stderr
    assert damaged.read_bytes() == b"this is not a database" * 100


def test_logs_on_a_pipe_are_json_and_carry_message_text_only_at_debug(home: Path) -> None:
    quiet = _run(
        home, "chat", "--user", "demo", "--now", NOW, stdin=DEMO, env={"LOG_LEVEL": "INFO"}
    )
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""  # a normal session says nothing on stderr, least of all text

    debug = _run(
        home, "chat", "--user", "demo", "--now", NOW, stdin=DEMO, env={"LOG_LEVEL": "DEBUG"}
    )
    records = [json.loads(line) for line in debug.stderr.splitlines()]  # every line is JSON
    handled = [r for r in records if r["event"] == "message_handled"]
    assert [r["text"] for r in handled] == DEMO.splitlines()
    assert all(r["level"] == "debug" for r in handled)
    assert records[-1]["event"] == "chat_ended"
    assert records[-1]["messages"] == 2


def test_typing_a_number_presses_the_shown_button(home: Path) -> None:
    script = (
        "Запланируй встречу с командой завтра в 10:00\n"
        "Запланируй обед завтра в 10:30\n"
        "1\n"
        "Какие у меня встречи на завтра?\n"
    )
    done = _run(home, "chat", "--user", "demo", "--now", NOW, stdin=script)
    assert done.returncode == 0, done.stderr
    assert "  1. " in done.stdout  # the conflict offered numbered choices
    listed = _run(home, "events", "--user", "demo", "--from", "2026-11-25", "--to", "2026-11-26")
    lines = listed.stdout.splitlines()
    assert "2026-11-25 10:00-11:00 Встреча с командой" in lines
    assert any("10:30" in line or "Обед" in line for line in lines), listed.stdout


def test_bench_core_runs_small_and_prints_its_figures(home: Path) -> None:
    done = _run(home, "bench", "core", "--messages", "20", "--events", "30", "--busy", "60")
    assert done.returncode == 0, done.stderr
    assert "one message end to end (30 events stored): median " in done.stdout
    assert "free slots over a month (60 events" in done.stdout
    assert "p99" in done.stdout
    assert not (home / "xdg" / "calendar-assistant").exists()  # it used a temporary folder


def test_bench_core_writes_json_that_compare_sets_against_a_baseline(
    home: Path, tmp_path: Path
) -> None:
    figures = tmp_path / "core.json"
    sizes = ("--messages", "14", "--events", "20", "--busy", "40")
    done = _run(home, "bench", "core", *sizes, "--json", str(figures))
    assert done.returncode == 0, done.stderr
    document = json.loads(figures.read_text(encoding="utf-8"))
    assert document["sizes"] == {"messages": 14, "events": 20, "busy": 40}
    assert {"message", "message.01", "free_slots"} <= set(document["results"])
    assert document["results"]["message"]["median_ms"] > 0
    baseline = tmp_path / "baseline.json"
    halved = {name: {k: v * 2 for k, v in f.items()} for name, f in document["results"].items()}
    baseline.write_text(json.dumps(document | {"results": halved}), encoding="utf-8")
    compared = _run(home, "bench", "compare", str(figures), "--baseline", str(baseline))
    assert compared.returncode == 0, compared.stderr
    assert "0.50x)" in compared.stdout
    other = tmp_path / "other.json"
    other.write_text(json.dumps(document | {"sizes": {"messages": 1}}), encoding="utf-8")
    refused = _run(home, "bench", "compare", str(figures), "--baseline", str(other))
    assert refused.returncode == 2
    assert "sizes differ" in refused.stdout


def _readme_dialogues() -> list[tuple[list[str], str, str]]:
    """(chat flags, user lines, expected output) of each chat transcript in the README."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    dialogues = []
    for block in readme.split("```text\n")[1:]:
        lines = block.split("```", 1)[0].splitlines()
        if not lines or not lines[0].startswith("$ calendar-assistant chat "):
            continue
        flags = shlex.split(lines[0].removeprefix("$ calendar-assistant chat "))
        said = "".join(line[2:] + "\n" for line in lines[1:] if line.startswith("› "))
        shown = "".join(line + "\n" for line in lines[1:] if not line.startswith("› "))
        dialogues.append((flags, said, shown))
    return dialogues


def test_the_readme_dialogues_are_what_the_chat_prints(home: Path) -> None:
    dialogues = _readme_dialogues()
    assert len(dialogues) >= 2  # one Russian, one English
    for flags, said, shown in dialogues:
        done = _run(home, "chat", *flags, stdin=said)
        assert done.returncode == 0, done.stderr
        assert done.stdout == shown


def test_odd_input_gets_replies_not_a_crash(home: Path) -> None:
    script = b"\xff\xfe\x00 \xd0\n\n   \n" + ("а" * 5000).encode() + b"\n\xe2\x80\x8b\n"
    done = _run_bytes(home, "chat", "--user", "odd", "--now", NOW, stdin=script)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"4000" in done.stdout  # the long one is told it is too long


def test_reading_an_unknown_users_calendar_creates_nobody(home: Path) -> None:
    listed = _run(home, "events", "--user", "ghost", "--from", "2026-11-01", "--to", "2026-12-01")
    assert (listed.returncode, listed.stdout) == (0, "")
    exported = _run(home, "export", "--user", "ghost")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" not in exported.stdout
    database = home / "xdg" / "calendar-assistant" / "calendar.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("select count(*) from users").fetchone() == (0,)


def test_a_bad_time_is_refused_before_any_database_is_made(home: Path) -> None:
    done = _run(home, "export", "--user", "demo", "--from", "soon")
    assert done.returncode == 2
    assert "--from: 'soon' is not an ISO 8601" in done.stderr
    assert not (home / "xdg" / "calendar-assistant").exists()


def test_chat_and_export_speak_utf8_even_under_an_ascii_locale(home: Path) -> None:
    ascii_locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    chat = _run_bytes(
        home, "chat", "--user", "demo", "--now", NOW, stdin=DEMO.encode(), env=ascii_locale
    )
    assert chat.returncode == 0, chat.stderr
    assert "Встреча с командой".encode() in chat.stdout
    exported = _run_bytes(home, "export", "--user", "demo", env=ascii_locale)
    assert exported.returncode == 0, exported.stderr
    assert "SUMMARY:Встреча с командой".encode() in exported.stdout
