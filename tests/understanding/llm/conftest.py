"""Fake Anthropic and OpenAI servers on loopback ports, and models pointed at them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository
from calendar_assistant.understanding.llm.claude import ClaudeModel
from calendar_assistant.understanding.llm.openai_compatible import OpenAICompatibleModel
from fakes.anthropic import FakeAnthropic
from fakes.openai import FakeOpenAI


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def claude(fake_anthropic: FakeAnthropic) -> AsyncIterator[ClaudeModel]:
    model = ClaudeModel(
        "claude-test",
        api_key="test-key",
        base_url=fake_anthropic.base_url,
        max_tokens=512,
        timeout_seconds=5.0,
        max_retries=2,
    )
    yield model
    await model.close()


@pytest.fixture
async def gpt(fake_openai: FakeOpenAI) -> AsyncIterator[OpenAICompatibleModel]:
    model = OpenAICompatibleModel(
        "gpt-test",
        api_key="test-key",
        base_url=fake_openai.base_url,
        max_tokens=512,
        timeout_seconds=5.0,
        max_retries=2,
    )
    yield model
    await model.close()


@pytest.fixture
async def calendar(tmp_path: Path) -> AsyncIterator[LocalCalendar]:
    """The real local calendar on a SQLite file, for look-ups."""
    database = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'calendar.sqlite3'}")
    user = await UserRepository(database).get_or_create("llm-test")
    yield LocalCalendar(database, user.id)
    await database.close()
