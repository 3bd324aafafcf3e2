"""`bench nlu --engine rules|llm|hybrid` scored through a fake endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from calendar_assistant.cli import main
from fakes.anthropic import FakeAnthropic, error_reply, message, text_block
from fakes.openai import FakeOpenAI, completion, tool_call

EXAMPLES = [
    {
        "id": "t-1",
        "text": "Запланируй тренировку через неделю в 8 утра",
        "now": "2026-11-24T14:00:00+03:00",
        "tz": "Europe/Moscow",
        "lang": "ru",
        "expected": {
            "intent": "create_event",
            "title": ["Тренировка"],
            "start": "2026-12-01T08:00:00+03:00",
            "end": "2026-12-01T09:00:00+03:00",
            "missing": [],
        },
    },
    {
        "id": "t-2",
        "text": "Tell me a joke",
        "now": "2027-03-13T12:00:00-05:00",
        "tz": "America/New_York",
        "lang": "en",
        "expected": {"intent": "unknown"},
    },
    {
        "id": "t-3",
        "text": "Какая завтра погода?",
        "now": "2027-03-27T12:00:00+01:00",
        "tz": "Europe/Berlin",
        "lang": "ru",
        "expected": {"intent": "unknown"},
    },
]


@pytest.fixture
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LLM_MAX_RETRIES", "0")
    monkeypatch.chdir(tmp_path)  # no stray .env
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in EXAMPLES) + "\n")
    yield path
    structlog.reset_defaults()  # the command pointed logs at this test's captured stderr


def test_hybrid_sends_only_the_long_tail_and_reports_the_grammar_share(
    dataset: Path,
    fake_anthropic: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_anthropic.base_url)
    fake_anthropic.script(
        message(text_block("I only know calendars.")),
        error_reply(529, "overloaded_error", "busy"),  # the weather: falls back to the grammar
    )
    code = main(["bench", "nlu", "--engine", "hybrid", "--dataset", str(dataset)])
    out = capsys.readouterr().out
    assert code == 0
    assert "examples=3 frame_accuracy=1.0000" in out
    assert "engine=hybrid model=anthropic/claude-haiku-4-5" in out
    assert "answered by the grammar alone: 1/3 (33.3%); by the model: 1;" in out
    assert "fallbacks after an LLM failure or refusal: 1" in out
    assert "model calls=2 input_tokens=900 output_tokens=40" in out
    assert [r.body["messages"][0]["content"] for r in fake_anthropic.requests] == [
        "Tell me a joke",
        "Какая завтра погода?",
    ]


def test_llm_engine_sends_everything_through_an_openai_compatible_endpoint(
    dataset: Path,
    fake_openai: FakeOpenAI,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("LLM_OPENAI_MODEL", "qwen2.5:7b")
    fake_openai.script(
        completion(
            None,
            tool_call("create_event", {"title": "Тренировка", "start": "через неделю в 8 утра"}),
        ),
        completion("Sorry, calendars only."),
        completion(None, tool_call("create_event", {"title": "Погода"})),  # a wrong guess
    )
    code = main(["bench", "nlu", "--engine", "llm", "--dataset", str(dataset), "--failures", "5"])
    out = capsys.readouterr().out
    assert code == 0
    # the made-up create of a question is refused by the guards (a question is never a
    # create): the grammar's «unknown» stands
    assert "examples=3 frame_accuracy=1.0000" in out
    assert "engine=llm model=openai/qwen2.5:7b" in out
    assert "answered by the grammar alone: 0/3 (0.0%); by the model: 2;" in out
    assert "fallbacks after an LLM failure or refusal: 1" in out
    assert len(fake_openai.requests) == 3


def test_a_model_engine_without_a_key_says_how_to_configure_one(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "nlu", "--engine", "llm", "--dataset", str(dataset)]) == 2
    assert "no LLM configured (set ANTHROPIC_API_KEY or OPENAI_API_KEY" in capsys.readouterr().err
