"""The seam where voice messages meet speech recognition (issue #7 plugs its engine in)."""

from __future__ import annotations

from typing import Protocol

from calendar_assistant.domain.language import Lang


class VoiceTranscriber(Protocol):
    """Turns a voice message's audio into the text the assistant answers.

    Returns None (or empty text) when nothing could be made out; may raise ValueError with
    a message fit for the user (e.g. the recording is too long).
    """

    async def __call__(
        self, audio: bytes, *, mime_type: str, language: Lang | None
    ) -> str | None: ...
