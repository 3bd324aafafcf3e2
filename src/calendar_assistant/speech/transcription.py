"""Speech to text behind one small Protocol: the local model or an HTTP endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from calendar_assistant.domain.language import Lang
from calendar_assistant.speech.audio import DecodedAudio


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was heard, in which language, from how many seconds of audio."""

    text: str
    language: Lang
    seconds: float
    language_probability: float | None = None


class TranscriptionEngine(Protocol):
    """Turns decoded audio into text.

    `language` forces the language (the user said so); otherwise the engine detects it and
    falls back on `hint` (the user's language) when detection is unsure.
    """

    name: str

    async def transcribe(
        self, audio: DecodedAudio, *, language: Lang | None, hint: Lang | None
    ) -> Transcript: ...

    def warm_up(self) -> None:
        """Do the slow set-up now (load a model) rather than on the first message."""

    def close(self) -> None:
        """Release what the engine holds."""
