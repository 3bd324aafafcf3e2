"""What can go wrong with voice, each with a reply a person can act on (message catalogue
`voice.*`).

Channels catch `SpeechProblem` and send `problem.explain(lang)`: a voice message that cannot
be heard is answered, never dropped and never a traceback.
"""

from __future__ import annotations

from calendar_assistant.domain.language import Lang
from calendar_assistant.replies import catalogue


class SpeechProblem(Exception):
    """Base of every voice failure; `explain` is the reply to the user."""

    def explain(self, lang: Lang) -> str:
        """The reply in the user's language."""
        return catalogue.text(lang, "voice.failed")


class SpeechSetupError(SpeechProblem):
    """The voice configuration itself is wrong (missing model folder, missing program).

    Raised at start-up so the operator sees it at once; the message is one line.
    """

    def explain(self, lang: Lang) -> str:
        return catalogue.text(lang, "voice.misconfigured")


class VoiceOff(SpeechProblem):
    """No transcription engine is configured: voice messages cannot be read."""

    def __init__(self) -> None:
        super().__init__(
            "voice is off: set WHISPER_MODEL (a faster-whisper model folder) or "
            "TRANSCRIPTION_URL; see docs/voice.md"
        )

    def explain(self, lang: Lang) -> str:
        return catalogue.text(lang, "voice.off")


class AudioTooLong(SpeechProblem):
    """The recording is longer than VOICE_MAX_SECONDS."""

    def __init__(self, max_seconds: int) -> None:
        super().__init__(f"audio longer than {max_seconds} s")
        self.max_seconds = max_seconds

    def explain(self, lang: Lang) -> str:
        limit = _duration(self.max_seconds, lang)
        return catalogue.text(lang, "voice.too_long", limit=limit)


class AudioTooLarge(SpeechProblem):
    """The file is bigger than VOICE_MAX_BYTES; it is refused before decoding."""

    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(f"audio file of {size} bytes exceeds {max_bytes}")
        self.size = size
        self.max_bytes = max_bytes

    def explain(self, lang: Lang) -> str:
        megabytes = f"{self.max_bytes / 1_000_000:.0f}"
        return catalogue.text(lang, "voice.too_large", megabytes=megabytes)


class AudioUnreadable(SpeechProblem):
    """The bytes are not audio PyAV can decode (or have no audio stream)."""

    def explain(self, lang: Lang) -> str:
        return catalogue.text(lang, "voice.unreadable")


class AudioUnavailable(SpeechProblem):
    """The channel could not hand over the recording (download refused or failed)."""

    def explain(self, lang: Lang) -> str:
        return catalogue.text(lang, "voice.unavailable")


class NothingHeard(SpeechProblem):
    """Decoding worked but no speech was found (silence, noise, an empty transcript)."""

    def __init__(self) -> None:
        super().__init__("no speech in the audio")

    def explain(self, lang: Lang) -> str:
        return catalogue.text(lang, "voice.nothing_heard")


class SpeechBusy(SpeechProblem):
    """Too many recordings are waiting for a worker; this one is refused, not queued forever."""

    def __init__(self) -> None:
        super().__init__("too many voice messages waiting")

    def explain(self, lang: Lang) -> str:
        return catalogue.text(lang, "voice.busy")


class TranscriptionFailed(SpeechProblem):
    """The engine failed (model error, endpoint down or refusing); the detail is for logs."""

    def explain(self, lang: Lang) -> str:
        return catalogue.text(lang, "voice.transcription_failed")


class SynthesisFailed(SpeechProblem):
    """A spoken reply could not be made; the text reply still goes out."""


def _duration(seconds: int, lang: Lang) -> str:
    """`2 минуты` / `2 minutes`, with CLDR plural rules from Babel."""
    from babel.units import format_unit

    if seconds % 60 == 0:
        return format_unit(seconds // 60, "duration-minute", length="long", locale=lang)
    return format_unit(seconds, "duration-second", length="long", locale=lang)
