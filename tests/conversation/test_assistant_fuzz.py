"""Any text or button payload gets a reply and never an exception (hypothesis)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database
from support import BERLIN

NOW = datetime(2027, 3, 27, 22, 30, tzinfo=BERLIN)  # the evening before the clocks change
USER = UserRef(key="fuzz:user")

PHRASES = st.sampled_from(
    [
        "Запланируй встречу завтра в 2:30",
        "Удали все встречи на завтра",
        "да",
        "нет",
        "1",
        "все",
        "Отмени последнее",
        "Перенеси встречу на 3",
        "What's on my calendar tomorrow?",
        "Create anyway",
        "31 февраля",
        "\u200b\u200b",
        "🙂" * 50,
    ]
)
TEXTS = st.one_of(st.text(max_size=300), PHRASES, st.text(alphabet="0123456789:.-/ ", max_size=40))
BUTTONS = st.one_of(
    st.text(max_size=40), st.from_regex(r"[0-9a-f]{6}:(yes|no|all|pick[0-9]{1,3})", fullmatch=True)
)


class Loop:
    def __init__(self, path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.db = self.loop.run_until_complete(
            Database.open(f"sqlite+aiosqlite:///{path / 'fuzz.sqlite3'}")
        )
        self.assistant = Assistant(
            self.db,
            assistant_config(Settings(data_dir=path)),
            lambda uid: LocalCalendar(self.db, uid),
        )


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    made = Loop(tmp_path_factory.mktemp("fuzz"))
    yield made
    made.loop.run_until_complete(made.db.close())
    made.loop.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    messages=st.lists(
        st.one_of(TEXTS.map(lambda t: Inbound(text=t)), BUTTONS.map(lambda b: Inbound(button=b))),
        min_size=1,
        max_size=4,
    ),
    minutes=st.integers(min_value=0, max_value=600),
)
def test_every_message_gets_a_reply(loop: Loop, messages: list[Inbound], minutes: int) -> None:
    for inbound in messages:
        replies = loop.loop.run_until_complete(
            loop.assistant.handle(USER, inbound, NOW + timedelta(minutes=minutes))
        )
        assert replies
        assert all(r.text.strip() for r in replies)
