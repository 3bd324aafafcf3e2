"""The server with a key set: the runtime builds the router from settings and the SDK's own
variables, the model answers the long tail, and /metrics shows where answers came from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.anthropic import FakeAnthropic, message, text_block
from support import NOW


@pytest.fixture
async def http(
    tmp_path: Path, fake_anthropic: FakeAnthropic, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_anthropic.base_url)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        llm_max_retries=0,
    )
    app = create_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            await web_session.local(client)  # the local user of a laptop install
            yield client


async def test_the_long_tail_reaches_the_model_and_the_metrics_say_so(
    http: httpx.AsyncClient, fake_anthropic: FakeAnthropic
) -> None:
    sure = await http.post("/api/chat", json={"text": "Какие у меня встречи на сегодня?"})
    assert sure.status_code == 200
    assert fake_anthropic.requests == []  # the grammar answered alone
    fake_anthropic.script(message(text_block("Я помогаю только с календарём."), cache_read=700))
    tail = await http.post("/api/chat", json={"text": "Какая завтра погода?"})
    assert tail.status_code == 200
    assert "Я помогаю только с календарём." in tail.text
    body = (await http.get("/metrics")).text
    assert 'assistant_understanding_answers_total{source="rules"} 1.0' in body
    assert 'assistant_understanding_answers_total{source="llm"} 1.0' in body
    assert "assistant_understanding_grammar_share 0.5" in body
    assert 'assistant_llm_tokens_total{kind="input"} 900.0' in body
    assert 'assistant_llm_tokens_total{kind="cache_read"} 700.0' in body
