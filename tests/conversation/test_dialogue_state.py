"""One stored dialogue state per user: the assistant's question, the settings prompt and the
CalDAV answers live in one row, survive a restart, and never reach another user.

A restart is a new `Database`, `Assistant` and `AccountDesk` on the same database: nothing
of the first process is kept but what it stored.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.accounts.credentials import CredentialCipher, generate_key
from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.config import Settings
from calendar_assistant.conversation.account_commands import AccountDesk
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.conversation.connect_dialogue import ConnectDialogue
from calendar_assistant.conversation.dialogue_state import (
    ConnectionAnswers,
    DialogueState,
    DialogueStateCodec,
    SettingsPrompt,
)
from calendar_assistant.conversation.state import Pending, Stage, Turn
from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.runtime import assistant_config, calendars_config
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.dialogue_states import DialogueStateRepository
from calendar_assistant.storage.users import UserRepository
from support import says

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN)  # the day before the spring-forward


def _settings(tmp_path: Path, keys: str | None) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, credentials_keys=keys)


class Server:
    """One process of the assistant on a database; `restart` is a new one on the same URL."""

    def __init__(self, url: str, settings: Settings) -> None:
        self.url = url
        self.settings = settings
        self.opened: list[Database] = []
        self.desk: AccountDesk | None = None

    async def start(self) -> AccountDesk:
        database = await Database.open(self.url)
        self.opened.append(database)
        registry = CalendarRegistry.from_config(database, calendars_config(self.settings))
        assistant = Assistant(database, assistant_config(self.settings), registry.calendar)
        connections = ConnectDialogue(registry, None, assistant.dialogue)
        self.desk = AccountDesk(database, assistant, connections)
        return self.desk

    async def say(self, key: str, text: str, now: datetime = NOW) -> Reply:
        assert self.desk is not None
        ref = UserRef(key=key, language_hint="ru")
        replies = await self.desk.handle(ref, Inbound(text=text), now)
        assert len(replies) == 1, replies
        return replies[0]

    async def press(self, key: str, payload: str, now: datetime = NOW) -> Reply:
        assert self.desk is not None
        ref = UserRef(key=key, language_hint="ru")
        (reply,) = await self.desk.handle(ref, Inbound(button=payload), now)
        return reply

    async def stored(self, key: str) -> dict[str, Any] | None:
        """The user's dialogue-state row as the database holds it."""
        database = self.opened[-1]
        user = await UserRepository(database).get(key)
        assert user is not None
        return await DialogueStateRepository(database).load(user.id)

    async def close(self) -> None:
        for database in self.opened:
            await database.close()


@pytest.fixture
async def server(database: Database, tmp_path: Path) -> AsyncIterator[Server]:
    url = database.engine.url.render_as_string(hide_password=False)
    running = Server(url, _settings(tmp_path, generate_key()))
    await running.start()
    yield running
    await running.close()


async def test_a_settings_prompt_survives_a_restart_beside_an_open_question(
    server: Server,
) -> None:
    asked = await server.say("test:anna", "Запланируй встречу с Анной")
    assert says(asked.text, "ru", "ask.day_and_time")
    assert says(
        (await server.say("test:anna", "/start")).text, "ru", "account.hello_keep_calendar_write"
    )
    stored = await server.stored("test:anna")
    assert stored is not None
    assert stored["stage"] == "clarify"
    assert stored["settings_prompt"]["field"] == "timezone"

    await server.start()  # a restart: the zone question and the assistant's are both open
    assert "Europe/Berlin" in (await server.say("test:anna", "Берлин")).text
    created = await server.say("test:anna", "завтра в 10")
    assert says(created.text, "ru", "created.text")
    assert "«Встреча с Анной»" in created.text
    stored = await server.stored("test:anna")
    assert stored is not None
    assert "settings_prompt" not in stored
    assert "stage" not in stored


async def test_one_users_dialogue_never_reaches_another(server: Server) -> None:
    await server.press("test:alice", "acct:conn:other")
    assert says(
        (await server.say("test:alice", "https://dav.example.org/")).text,
        "ru",
        "connect.user_name_login_at",
    )
    await server.say("test:bob", "/start")

    # Bob's short word is no user name, Alice's city is no zone answer.
    bob = await server.say("test:bob", "Берлин")
    assert "Europe/Berlin" in bob.text
    alice = await server.say("test:alice", "Берлин")
    assert says(alice.text, "ru", "connect.app_password_not_account")
    assert not alice.delete_inbound

    await server.start()
    await server.say("test:bob", "Лиссабон")  # answered already: no zone question open
    users = UserRepository(server.opened[-1])
    bob_user = await users.get("test:bob")
    assert bob_user is not None
    assert bob_user.settings.timezone == "Europe/Berlin"
    alice_stored = await server.stored("test:alice")
    bob_stored = await server.stored("test:bob")
    assert alice_stored is not None
    assert set(alice_stored) == {"connection"}
    assert bob_stored is None or "connection" not in bob_stored
    assert says(
        (await server.say("test:alice", "/cancel")).text, "ru", "account.all_right_not_connecting"
    )
    assert await server.stored("test:alice") is None
    alice_user = await users.get("test:alice")
    assert alice_user is not None
    assert alice_user.settings.timezone == "Europe/Moscow"


async def test_connection_answers_are_sealed_with_the_credentials_keys(
    server: Server, tmp_path: Path
) -> None:
    await server.press("test:carol", "acct:conn:nextcloud")
    await server.say("test:carol", "cloud.example.org")
    await server.say("test:carol", "carol@example.org")
    stored = await server.stored("test:carol")
    assert stored is not None
    text = json.dumps(stored, ensure_ascii=False)
    assert "example.org" not in text
    assert "carol" not in text
    keys = server.settings.credentials_keys
    assert keys is not None
    opened = CredentialCipher([keys.get_secret_value()]).decrypt(stored["connection"])
    assert opened["username"] == "carol@example.org"
    assert opened["step"] == "password"
    assert "password" not in opened  # the password is never kept

    # Another key cannot open them: the question is gone, the message is a request again.
    server.settings = _settings(tmp_path, generate_key())
    await server.start()
    assert says(
        (await server.say("test:carol", "Запланируй обед завтра в 13")).text, "ru", "created.text"
    )


async def test_an_expired_connection_question_leaves_the_stored_row(server: Server) -> None:
    await server.press("test:dan", "acct:conn:other")
    later = NOW + timedelta(minutes=11)
    assert says(
        (await server.say("test:dan", "Запланируй обед завтра в 13", later)).text,
        "ru",
        "created.text",
    )
    stored = await server.stored("test:dan")
    assert stored is not None
    assert "connection" not in stored


# -- the codec -------------------------------------------------------------------------------


def _state() -> DialogueState:
    event = Event(
        id="e1",
        title="Обед",
        start=NOW + timedelta(days=1),
        end=NOW + timedelta(days=1, hours=1),
        timezone="Europe/Berlin",
    )
    pending = Pending(
        stage=Stage.CONFIRM,
        command=Command(intent=Intent.DELETE_EVENT, lang="ru"),
        token="abc123",
        asked_at=NOW,
        lang="ru",
        choices=(event,),
    )
    return DialogueState(
        pending=pending,
        last_event=(event, NOW),
        turns=(Turn("user", "удали обед", NOW),),
        settings_prompt=SettingsPrompt("timezone", NOW),
        connection=ConnectionAnswers(
            "password", "yandex", "ru", NOW, url="https://caldav.yandex.ru", username="anna"
        ),
    )


def test_the_codec_round_trips_every_part_and_seals_the_answers() -> None:
    key = generate_key()
    codec = DialogueStateCodec(CredentialCipher([key]))
    state = _state()
    document = json.loads(json.dumps(codec.encode(state)))
    assert "anna" not in json.dumps(document)
    assert "yandex" not in json.dumps(document)
    read = codec.decode(document)
    assert read == state
    assert read.same_as(state)
    assert codec.decode(codec.encode(DialogueState())) == DialogueState()
    assert codec.encode(DialogueState()) == {}
    # The layout of the rows stored before: the question's keys at the top level.
    older = state.pending.to_json() if state.pending else {}
    assert codec.decode(older).pending == state.pending


def test_parts_that_cannot_be_read_are_dropped_alone() -> None:
    state = _state()
    sealed = DialogueStateCodec(CredentialCipher([generate_key()])).encode(state)
    other_key = DialogueStateCodec(CredentialCipher([generate_key()]))
    assert other_key.decode(sealed).connection is None
    assert other_key.decode(sealed).pending == state.pending
    no_keys = DialogueStateCodec(None)
    assert no_keys.decode(sealed).connection is None
    assert "connection" not in no_keys.encode(state)
    broken = sealed | {"settings_prompt": {"field": "timezone", "asked_at": "2027-03-27T12:00"}}
    assert no_keys.decode(broken).settings_prompt is None  # a naive time is not trusted
    assert no_keys.decode(broken).last_event == state.last_event
    assert not DialogueState().same_as(state)
