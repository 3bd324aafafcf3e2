"""What can go wrong with voice, each with a reply a person can act on, in ru and en.

Channels catch `SpeechProblem` and send `problem.explain(lang)`: a voice message that cannot
be heard is answered, never dropped and never a traceback.
"""

from __future__ import annotations

from calendar_assistant.domain.language import Lang


class SpeechProblem(Exception):
    """Base of every voice failure; `explain` is the reply to the user."""

    def explain(self, lang: Lang) -> str:
        """The reply in the user's language."""
        return _pick(
            lang,
            "Не получилось обработать голосовое сообщение.",
            "I could not process the voice message.",
        )


class SpeechSetupError(SpeechProblem):
    """The voice configuration itself is wrong (missing model folder, missing program).

    Raised at start-up so the operator sees it at once; the message is one line.
    """

    def explain(self, lang: Lang) -> str:
        return _pick(
            lang,
            "Голос на этом сервере настроен неправильно; администратор увидит причину в логах.",
            "Voice is misconfigured on this server; the operator will find why in the logs.",
        )


class VoiceOff(SpeechProblem):
    """No transcription engine is configured: voice messages cannot be read."""

    def __init__(self) -> None:
        super().__init__(
            "voice is off: set WHISPER_MODEL (a faster-whisper model folder) or "
            "TRANSCRIPTION_URL; see docs/voice.md"
        )

    def explain(self, lang: Lang) -> str:
        return _pick(
            lang,
            "🎤 Голосовые сообщения выключены: модель распознавания речи не настроена. "
            "Напишите, пожалуйста, текстом. Чтобы включить голос, администратор указывает "
            "WHISPER_MODEL (папку модели faster-whisper) или TRANSCRIPTION_URL — см. docs/voice.md.",
            "🎤 Voice messages are off: no speech recognition model is configured. "
            "Please type your request. To turn voice on, the operator sets WHISPER_MODEL "
            "(a faster-whisper model folder) or TRANSCRIPTION_URL — see docs/voice.md.",
        )


class AudioTooLong(SpeechProblem):
    """The recording is longer than VOICE_MAX_SECONDS."""

    def __init__(self, max_seconds: int) -> None:
        super().__init__(f"audio longer than {max_seconds} s")
        self.max_seconds = max_seconds

    def explain(self, lang: Lang) -> str:
        limit = _duration(self.max_seconds, lang)
        return _pick(
            lang,
            f"🎤 Сообщение слишком длинное (предел — {limit}). Скажите короче или напишите текстом.",
            f"🎤 That message is too long (the limit is {limit}). Please say it shorter or type it.",
        )


class AudioTooLarge(SpeechProblem):
    """The file is bigger than VOICE_MAX_BYTES; it is refused before decoding."""

    def __init__(self, size: int, max_bytes: int) -> None:
        super().__init__(f"audio file of {size} bytes exceeds {max_bytes}")
        self.size = size
        self.max_bytes = max_bytes

    def explain(self, lang: Lang) -> str:
        megabytes = f"{self.max_bytes / 1_000_000:.0f}"
        return _pick(
            lang,
            f"🎤 Файл слишком большой (больше {megabytes} МБ). Пришлите запись покороче.",
            f"🎤 That file is too large (over {megabytes} MB). Please send a shorter recording.",
        )


class AudioUnreadable(SpeechProblem):
    """The bytes are not audio PyAV can decode (or have no audio stream)."""

    def explain(self, lang: Lang) -> str:
        return _pick(
            lang,
            "🎤 Не удалось прочитать аудио. Подойдут голосовые сообщения, OGG/Opus, MP3, M4A и WAV.",
            "🎤 I could not read that audio. Voice messages, OGG/Opus, MP3, M4A and WAV work.",
        )


class AudioUnavailable(SpeechProblem):
    """The channel could not hand over the recording (download refused or failed)."""

    def explain(self, lang: Lang) -> str:
        return _pick(
            lang,
            "🎤 Не удалось получить запись. Пришлите её ещё раз или напишите текстом.",
            "🎤 I could not get the recording. Please send it again or type it.",
        )


class NothingHeard(SpeechProblem):
    """Decoding worked but no speech was found (silence, noise, an empty transcript)."""

    def __init__(self) -> None:
        super().__init__("no speech in the audio")

    def explain(self, lang: Lang) -> str:
        return _pick(
            lang,
            "🎤 Я не расслышал слов. Попробуйте ещё раз или напишите текстом.",
            "🎤 I could not hear any words. Please try again or type it.",
        )


class SpeechBusy(SpeechProblem):
    """Too many recordings are waiting for a worker; this one is refused, not queued forever."""

    def __init__(self) -> None:
        super().__init__("too many voice messages waiting")

    def explain(self, lang: Lang) -> str:
        return _pick(
            lang,
            "🎤 Сейчас слишком много голосовых сообщений. Повторите через минуту или напишите текстом.",
            "🎤 Too many voice messages right now. Please retry in a minute or type it.",
        )


class TranscriptionFailed(SpeechProblem):
    """The engine failed (model error, endpoint down or refusing); the detail is for logs."""

    def explain(self, lang: Lang) -> str:
        return _pick(
            lang,
            "🎤 Распознавание речи сейчас не работает. Напишите, пожалуйста, текстом.",
            "🎤 Speech recognition is not working right now. Please type your request.",
        )


class SynthesisFailed(SpeechProblem):
    """A spoken reply could not be made; the text reply still goes out."""


def _pick(lang: Lang, ru: str, en: str) -> str:
    return ru if lang == "ru" else en


def _duration(seconds: int, lang: Lang) -> str:
    """`2 минуты` / `2 minutes`, with CLDR plural rules from Babel."""
    from babel.units import format_unit

    if seconds % 60 == 0:
        return format_unit(seconds // 60, "duration-minute", length="long", locale=lang)
    return format_unit(seconds, "duration-second", length="long", locale=lang)
