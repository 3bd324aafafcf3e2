"""Batch mode (SPEC §3, §3b): one line in, one line out, bad lines answered and skipped."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from calendar_assistant.understanding.batch import parse_jsonl, parse_time_jsonl

NOW = "2026-11-24T14:00:00+03:00"


def _run(fn: object, lines: list[str]) -> list[dict[str, object]]:
    out = io.StringIO()
    assert fn(io.StringIO("\n".join(lines) + "\n"), out) == 0  # type: ignore[operator]
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_parse_frames_follow_the_contract() -> None:
    request = {"id": "r1", "text": "Запланируй встречу с командой завтра в 10:00", "now": NOW,
               "tz": "Europe/Moscow"}  # fmt: skip
    [frame] = _run(parse_jsonl, [json.dumps(request, ensure_ascii=False)])
    assert frame["id"] == "r1"
    assert frame["intent"] == "create_event"
    assert frame["lang"] == "ru"
    assert frame["title"] == "Встреча с командой"
    assert frame["start"] == "2026-11-25T10:00:00+03:00"
    assert frame["end"] == "2026-11-25T11:00:00+03:00"
    assert frame["missing"] == []


def test_all_day_frames_carry_dates() -> None:
    request = {"id": 7, "text": "Поставь на 5 декабря конференцию на весь день", "now": NOW}
    [frame] = _run(parse_jsonl, [json.dumps(request, ensure_ascii=False)])
    assert (frame["all_day"], frame["start"], frame["end"]) == (True, "2026-12-05", "2026-12-06")


def test_bad_lines_get_an_error_and_the_run_goes_on() -> None:
    lines = [
        "not json",
        "[1, 2]",
        json.dumps({"id": "a"}),
        json.dumps({"id": "b", "text": "завтра", "now": "yesterday"}),
        json.dumps({"id": "c", "text": "завтра", "tz": "Mars/Olympus"}),
        json.dumps({"id": "d", "text": "завтра", "now": NOW}),
    ]
    frames = _run(parse_time_jsonl, lines)
    assert len(frames) == 6
    assert all("error" in f for f in frames[:5])
    assert [f["id"] for f in frames] == [None, None, "a", "b", "c", "d"]
    assert frames[5]["kind"] == "time"
    assert frames[5]["grain"] == "day"


def test_parse_time_reports_durations_and_nothing() -> None:
    lines = [json.dumps({"id": 1, "text": "полтора часа", "now": NOW}, ensure_ascii=False),
             json.dumps({"id": 2, "text": "просто текст", "now": NOW}, ensure_ascii=False)]  # fmt: skip
    first, second = _run(parse_time_jsonl, lines)
    assert first["kind"] == "duration"
    assert first["duration_seconds"] == 5400
    assert second["kind"] is None


def test_naive_now_is_read_in_the_given_zone() -> None:
    line = json.dumps({"id": 1, "text": "at 3pm", "now": "2026-12-03T10:00:00",
                       "tz": "America/New_York", "lang": "en"})  # fmt: skip
    [frame] = _run(parse_time_jsonl, [line])
    assert frame["start"] == "2026-12-03T15:00:00-05:00"


def test_the_command_line_streams_one_line_per_request() -> None:
    requests = (
        "".join(
            json.dumps({"id": n, "text": text, "now": NOW}, ensure_ascii=False) + "\n"
            for n, text in enumerate(["Отмена", "Что у меня завтра?"])
        )
        + "{broken\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "calendar_assistant.cli", "parse", "--jsonl"],
        input=requests, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    frames = [json.loads(line) for line in done.stdout.splitlines()]
    assert [f.get("intent") for f in frames] == ["cancel", "list_events", None]
    assert frames[2]["id"] is None
    assert "error" in frames[2]
