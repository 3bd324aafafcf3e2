"""Everything a user's dialogue holds between two messages, as one typed value in one store.

A conversation is answered by whichever replica takes the next message, possibly after a
restart, so nothing of a half-finished dialogue may live in one process's memory. The
state is one row per user (`storage.dialogue_states`), or one Redis key per user with
DIALOGUE_STORE=redis (`storage.redis_dialogue_states`), written whole:

- the assistant's open question (`Pending`), the event "it" points at and the recent turns
  the LLM sees;
- the setting the account desk asked for (the zone after /start), and since when;
- the CalDAV connection answers so far (server, user name): encrypted with the same keys and
  cipher as connected accounts' credentials (CREDENTIALS_KEYS), never in clear. The app
  password itself is never kept: it is the last answer and goes straight to the login check.

Each part keeps its own lifetime, checked when it is read (`PENDING_TTL`, `LAST_EVENT_TTL`,
`TURNS_TTL`, and the connection's in connect_dialogue); what is stored is kept as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from calendar_assistant.calendars.accounts.registry import credential_cipher
from calendar_assistant.conversation.state import (
    Pending,
    Turn,
    remembered,
    stored_last_event,
    stored_turns,
)
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.language import Lang
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.dialogue_states import (
    DialogueStateRepository,
    DialogueStore,
    SqlDialogueStore,
)

if TYPE_CHECKING:  # the cipher needs cryptography (the caldav and google extras)
    from calendar_assistant.calendars.accounts.credentials import CredentialCipher

#: Which CalDAV question is open: the server's host, its URL, the user name, the password.
Step = Literal["host", "url", "username", "password"]
_STEPS: tuple[Step, ...] = ("host", "url", "username", "password")


@dataclass(frozen=True, slots=True)
class SettingsPrompt:
    """A setting the user was asked for and whose answer is the next message (the zone)."""

    field: str
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class ConnectionAnswers:
    """The CalDAV question open for a user and what is known so far (no password, ever)."""

    step: Step
    preset: str | None  # the provider's preset (yandex, icloud, ...), None for another server
    lang: Lang
    asked_at: datetime
    url: str | None = None
    username: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "preset": self.preset,
            "lang": self.lang,
            "asked_at": self.asked_at.isoformat(),
            "url": self.url,
            "username": self.username,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConnectionAnswers | None:
        """The stored answers, or None when unreadable (then the question is dropped)."""
        try:
            step = next(s for s in _STEPS if s == data["step"])
            asked_at = datetime.fromisoformat(str(data["asked_at"]))
        except (KeyError, StopIteration, TypeError, ValueError):
            return None
        if asked_at.tzinfo is None:
            return None
        lang: Lang = "en" if data.get("lang") == "en" else "ru"
        return cls(
            step=step,
            preset=_text_or_none(data.get("preset")),
            lang=lang,
            asked_at=asked_at,
            url=_text_or_none(data.get("url")),
            username=_text_or_none(data.get("username")),
        )


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class DialogueState:
    """One user's dialogue between messages; the empty state is no row at all."""

    pending: Pending | None = None
    last_event: tuple[Event, datetime] | None = None  # what «её», "it" point at, and when
    turns: tuple[Turn, ...] = ()
    settings_prompt: SettingsPrompt | None = None
    connection: ConnectionAnswers | None = None

    def plain(self) -> dict[str, Any]:
        """The document without the encrypted part (the layout older rows have too)."""
        document: dict[str, Any] = {}
        if self.pending is not None:
            document |= self.pending.to_json()
        if self.last_event is not None:
            document |= remembered(*self.last_event)
        if self.turns:
            document["turns"] = [turn.to_json() for turn in self.turns]
        if self.settings_prompt is not None:
            document["settings_prompt"] = {
                "field": self.settings_prompt.field,
                "asked_at": self.settings_prompt.asked_at.isoformat(),
            }
        return document

    def same_as(self, other: DialogueState) -> bool:
        """Whether storing this over `other` would change nothing (no write needed)."""
        return self.connection == other.connection and self.plain() == other.plain()


class DialogueStateCodec:
    """`DialogueState` to the stored document and back; the connection answers encrypted.

    Without CREDENTIALS_KEYS there is no cipher, and no CalDAV dialogue either (connecting
    needs the keys), so no connection answers are stored.
    """

    def __init__(self, cipher: CredentialCipher | None) -> None:
        self._cipher = cipher

    def encode(self, state: DialogueState) -> dict[str, Any]:
        document = state.plain()
        if state.connection is not None and self._cipher is not None:
            document["connection"] = self._cipher.encrypt(state.connection.to_json())
        return document

    def decode(self, document: dict[str, Any] | None) -> DialogueState:
        if not document:
            return DialogueState()
        return DialogueState(
            pending=Pending.from_json(document) if "stage" in document else None,
            last_event=stored_last_event(document),
            turns=stored_turns(document),
            settings_prompt=_prompt(document.get("settings_prompt")),
            connection=self._connection(document.get("connection")),
        )

    def _connection(self, token: object) -> ConnectionAnswers | None:
        """The decrypted answers; None when absent, or sealed with a key no longer held."""
        if not isinstance(token, str) or self._cipher is None:
            return None
        from calendar_assistant.calendars.accounts.credentials import CredentialKeyError

        try:
            return ConnectionAnswers.from_json(self._cipher.decrypt(token))
        except (CredentialKeyError, ValueError, TypeError):
            return None


def _prompt(data: object) -> SettingsPrompt | None:
    if not isinstance(data, dict):
        return None
    try:
        asked_at = datetime.fromisoformat(str(data["asked_at"]))
        field = str(data["field"])
    except (KeyError, ValueError):
        return None
    return None if asked_at.tzinfo is None else SettingsPrompt(field, asked_at)


#: The store the conversation uses: SQL by default, Redis with DIALOGUE_STORE=redis.
DialogueStates = DialogueStore[DialogueState]


def dialogue_store(database: Database, credentials_keys: str | None) -> DialogueStates:
    """The dialogue states on the database, connection answers sealed with CREDENTIALS_KEYS."""
    codec = DialogueStateCodec(credential_cipher(credentials_keys))
    return SqlDialogueStore(DialogueStateRepository(database), codec)


def redis_dialogue_store(url: str, credentials_keys: str | None, ttl: timedelta) -> DialogueStates:
    """The dialogue states in Redis, each key living `ttl` after its last write; the same
    codec, so the connection answers are sealed as in the database."""
    from calendar_assistant.storage.redis_dialogue_states import RedisDialogueStore

    codec = DialogueStateCodec(credential_cipher(credentials_keys))
    return RedisDialogueStore(url, codec, ttl=ttl)
