"""Per-user voice replies: off unless VOICE_REPLIES says otherwise, switched with `/voice`.

Stored in its own table (migration branch `speech`); `/forget` finds it by its `user_id`.
No recording or transcript is ever stored.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from calendar_assistant.domain.language import Lang
from calendar_assistant.replies import catalogue
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base

#: The chat command (its menu text is the catalogue's `menu.voice`).
VOICE_COMMAND = "voice"

_ON = {"on", "yes", "1", "вкл", "да", "включить"}
_OFF = {"off", "no", "0", "выкл", "нет", "выключить"}


class VoicePreferenceRow(Base):
    __tablename__ = "voice_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    replies: Mapped[bool] = mapped_column(Boolean)


class VoicePreferences:
    """Reads and writes the voice-replies switch of each user."""

    def __init__(self, database: Database, *, default: bool = False) -> None:
        self._database = database
        self.default = default

    async def replies(self, user_id: int) -> bool:
        """Does this user get spoken replies? The server's default until they choose."""
        async with self._database.session() as session:
            row = await session.get(VoicePreferenceRow, user_id)
            return self.default if row is None else row.replies

    async def set_replies(self, user_id: int, on: bool) -> None:
        async with self._database.transaction() as session:
            row = await session.get(VoicePreferenceRow, user_id)
            if row is None:
                session.add(VoicePreferenceRow(user_id=user_id, replies=on))
            else:
                row.replies = on

    async def command(self, user_id: int, argument: str, lang: Lang, *, can_speak: bool) -> str:
        """`/voice`, `/voice on`, `/voice off` (or вкл/выкл): switch and say what is set."""
        word = argument.strip().lower()
        if word in _ON:
            await self.set_replies(user_id, True)
        elif word in _OFF:
            await self.set_replies(user_id, False)
        elif word:
            return catalogue.text(lang, "voice.switch_how")
        on = await self.replies(user_id)
        state = catalogue.text(lang, "voice.replies_on" if on else "voice.replies_off")
        hint = catalogue.text(lang, "voice.switch_hint")
        if on and not can_speak:
            hint += catalogue.text(lang, "voice.cannot_speak")
        return state + hint
