"""A voice message as any channel handles it: refuse early, download, transcribe, echo.

The transcript is shown to the user («🎤 …») before the answer so a mishearing is visible
and easy to correct; every problem becomes the reply that explains it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from calendar_assistant.domain.language import Lang
from calendar_assistant.speech.problems import (
    AudioTooLarge,
    AudioTooLong,
    SpeechProblem,
    SpeechSetupError,
    TranscriptionFailed,
    VoiceOff,
)

if TYPE_CHECKING:
    from calendar_assistant.speech.opus import SpokenAudio
    from calendar_assistant.speech.preferences import VoicePreferences
    from calendar_assistant.speech.voice import Voice

log = structlog.get_logger("calendar_assistant.speech")


@dataclass(frozen=True, slots=True)
class HeardMessage:
    """The transcript to answer (None when nothing can be answered) and the echo to show;
    `problem` says what went wrong (a web upload answers it with an HTTP status)."""

    text: str | None
    echo: str
    problem: SpeechProblem | None = None


async def hear_voice_message(
    voice: Voice | None,
    download: Callable[[], Awaitable[bytes]],
    *,
    lang: Lang,
    declared_seconds: float | None = None,
    declared_bytes: int | None = None,
) -> HeardMessage:
    """Transcribe a voice message with the user's language as the hint.

    The channel's declared duration and size are checked before downloading, so an
    hour-long recording costs nothing; the real ones are checked again while decoding.
    """
    try:
        if voice is None or not voice.can_listen:
            raise VoiceOff()
        limits = voice.limits
        if declared_bytes is not None and declared_bytes > limits.max_bytes:
            raise AudioTooLarge(declared_bytes, limits.max_bytes)
        if declared_seconds is not None and declared_seconds > limits.max_seconds + 0.5:
            raise AudioTooLong(limits.max_seconds)
        audio = await download()
        transcript = await voice.transcribe(audio, hint=lang)
    except SpeechProblem as problem:
        operator_should_know = isinstance(problem, SpeechSetupError | TranscriptionFailed)
        report = log.warning if operator_should_know else log.info
        report("voice not heard", problem=type(problem).__name__, detail=str(problem))
        return HeardMessage(None, problem.explain(lang), problem)
    return HeardMessage(transcript.text, f"🎤 «{transcript.text}»")


#: Replies that begin so are echoes or problems about the recording, not the answer.
ECHO_MARK = "🎤"


async def spoken_reply(
    voice: Voice | None,
    preferences: VoicePreferences | None,
    user_id: int,
    replies: Sequence[str],
) -> SpokenAudio | None:
    """The answer to a voice message read aloud, when this user wants voice replies.

    None when voice replies are off, the server cannot speak, or there is nothing to say;
    a synthesis failure is logged and the text answer stands alone.
    """
    from calendar_assistant.understanding.lang_detect import detect_language

    if voice is None or preferences is None or not voice.can_speak:
        return None
    answer = "\n".join(text for text in replies if not text.startswith(ECHO_MARK)).strip()
    if not answer or not await preferences.replies(user_id):
        return None
    try:
        return await voice.speak(answer, detect_language(answer))
    except SpeechProblem as problem:
        log.warning("voice reply not made", problem=type(problem).__name__, detail=str(problem))
        return None
