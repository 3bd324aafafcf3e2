"""`bench nlu`: scores a labelled set the way score.py does and reports speed and memory."""

from __future__ import annotations

import io
import json
from pathlib import Path

from calendar_assistant.understanding.benchmark import run_nlu_bench, same


def test_scoring_rules_match_the_bench_readme() -> None:
    assert same("title", ["Планёрка"], "«Планерка»")
    assert not same("title", ["Планёрка"], None)
    assert same("start", "2026-11-25T10:00:00+03:00", "2026-11-25T07:00:00+00:00")
    assert same("recurrence", "FREQ=WEEKLY;BYDAY=WE,MO", "RRULE:BYDAY=MO,WE;FREQ=WEEKLY")
    assert same("missing", ["date", "time"], ["time", "date"])
    assert same("target", {"title": ["Йога"], "start": None}, {"title": "йога", "start": None})
    assert not same("target", {"title": ["Йога"]}, None)


def test_a_small_set_is_scored_and_timed(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "Что у меня завтра?", "now": "2026-11-24T14:00:00+03:00",
         "tz": "Europe/Moscow", "lang": "ru",
         "expected": {"intent": "list_events", "range_start": "2026-11-25T00:00:00+03:00"}},
        {"id": "b", "text": "Tell me a joke", "now": "2026-11-24T14:00:00+03:00",
         "tz": "Europe/Moscow", "lang": "en", "expected": {"intent": "create_event"}},
    ]  # fmt: skip
    dataset = tmp_path / "set.jsonl"
    dataset.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_nlu_bench(dataset, 5, out, err) == 0
    report = out.getvalue()
    assert "frame_accuracy=0.5000" in report
    assert "lang=ru" in report
    assert "p50=" in report
    assert "p99=" in report
    assert "start-up to first answer" in report
    assert "peak RSS" in report
    assert "✗ b ['intent']" in report


def test_a_missing_dataset_is_a_clear_error(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_nlu_bench(tmp_path / "nope.jsonl", 0, out, err) == 2
    assert "dataset not found" in err.getvalue()
