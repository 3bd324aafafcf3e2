"""What routing and one model round trip cost on our side (measured, never asserted on time).

Run: `.venv/bin/pytest tests/understanding/llm/test_llm_benchmarks.py --benchmark-only`.
The fake endpoints answer at once, so a round trip is SDK + HTTP on loopback + our loop:
the overhead a real model's latency adds to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from calendar_assistant.understanding.llm.claude import ClaudeModel
from calendar_assistant.understanding.llm.openai_compatible import OpenAICompatibleModel
from calendar_assistant.understanding.parser import parse
from calendar_assistant.understanding.router import Router, UserContext
from fakes.anthropic import FakeAnthropic, message, tool_use
from fakes.openai import FakeOpenAI, completion, tool_call

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)
USER = UserContext(now=NOW, tz=MOSCOW)
TEXT = "Перенеси встречу с командой на четверг в 11"

pytestmark = pytest.mark.benchmark


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    running = asyncio.new_event_loop()
    yield running
    running.close()


def test_grammar_alone(benchmark: BenchmarkFixture) -> None:
    command = benchmark(lambda: parse(TEXT, now=NOW, tz=MOSCOW))
    assert command.intent.value == "update_event"


def test_router_when_the_grammar_is_sure(
    benchmark: BenchmarkFixture, loop: asyncio.AbstractEventLoop, claude: ClaudeModel
) -> None:
    """A configured model that is not called: the routing decision's own cost."""
    router = Router(model=claude)
    result = benchmark(lambda: loop.run_until_complete(router.understand(TEXT, USER)))
    assert result.source == "rules"


def test_one_claude_round_trip(
    benchmark: BenchmarkFixture,
    loop: asyncio.AbstractEventLoop,
    fake_anthropic: FakeAnthropic,
) -> None:
    model = ClaudeModel(
        "claude-test", api_key="k", base_url=fake_anthropic.base_url,
        max_tokens=256, timeout_seconds=5, max_retries=0,
    )  # fmt: skip
    router = Router(model=model)
    answer = message(tool_use("create_event", {"title": "Обед", "start": "завтра в 13"}))

    def once() -> str:
        fake_anthropic.script(answer)
        return loop.run_until_complete(router.understand("блин, ну ты понял", USER)).source

    assert benchmark(once) == "llm"
    loop.run_until_complete(model.close())


def test_one_openai_compatible_round_trip(
    benchmark: BenchmarkFixture,
    loop: asyncio.AbstractEventLoop,
    fake_openai: FakeOpenAI,
) -> None:
    model = OpenAICompatibleModel(
        "local", api_key="k", base_url=fake_openai.base_url,
        max_tokens=256, timeout_seconds=5, max_retries=0,
    )  # fmt: skip
    router = Router(model=model)
    answer = completion(None, tool_call("create_event", {"title": "Обед", "start": "завтра в 13"}))

    def once() -> str:
        fake_openai.script(answer)
        return loop.run_until_complete(router.understand("блин, ну ты понял", USER)).source

    assert benchmark(once) == "llm"
    loop.run_until_complete(model.close())
