"""The voice engine channels call: bytes of a recording in, a Transcript out; text in, OGG out.

One worker pool does the CPU work (decoding, the model, piper) so the event loop keeps
answering other users; recordings beyond what the pool can take soon are refused with a
clear reply rather than queued without bound.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from calendar_assistant.domain.language import Lang
from calendar_assistant.speech.audio import AudioLimits, decode_audio
from calendar_assistant.speech.opus import SpokenAudio
from calendar_assistant.speech.problems import SpeechBusy, SpeechProblem, VoiceOff
from calendar_assistant.speech.synthesis import EspeakSynthesizer, SpeechSynthesizer
from calendar_assistant.speech.transcription import Transcript, TranscriptionEngine

log = structlog.get_logger("calendar_assistant.speech")

#: Recordings allowed to wait per worker before new ones get "busy, retry".
WAITING_PER_WORKER = 8


class Voice:
    """Transcription and synthesis with limits, on a shared worker pool."""

    def __init__(
        self,
        engine: TranscriptionEngine | None,
        synthesizer: SpeechSynthesizer,
        pool: ThreadPoolExecutor,
        *,
        limits: AudioLimits | None = None,
        workers: int = 1,
    ) -> None:
        self.engine = engine
        self.synthesizer = synthesizer
        self.limits = limits or AudioLimits()
        self._pool = pool
        self._max_in_flight = workers * (1 + WAITING_PER_WORKER)
        self._in_flight = 0
        self._warming: asyncio.Task[None] | None = None

    @property
    def can_listen(self) -> bool:
        """False when no engine is configured: voice messages get the "voice is off" reply."""
        return self.engine is not None

    async def transcribe(
        self, data: bytes, *, language: Lang | None = None, hint: Lang | None = None
    ) -> Transcript:
        """Decode and transcribe a recording; every failure is a SpeechProblem to explain."""
        if self.engine is None:
            raise VoiceOff()
        if self._in_flight >= self._max_in_flight:
            raise SpeechBusy()
        self._in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            audio = await loop.run_in_executor(self._pool, decode_audio, data, self.limits)
            started = loop.time()
            transcript = await self.engine.transcribe(audio, language=language, hint=hint)
            log.info(
                "voice transcribed",
                engine=self.engine.name,
                seconds=round(audio.seconds, 2),
                elapsed=round(loop.time() - started, 2),
                language=transcript.language,
                chars=len(transcript.text),
            )
            return transcript
        finally:
            self._in_flight -= 1

    @property
    def can_speak(self) -> bool:
        """False when espeak-ng or ffmpeg is missing: replies stay text only."""
        return self.synthesizer.available

    async def speak(self, text: str, lang: Lang) -> SpokenAudio:
        """A spoken reply as OGG/Opus; SynthesisFailed leaves the text reply to stand alone."""
        return await self.synthesizer.speak(text, lang)

    async def warm_up(self) -> None:
        """Load the model in the pool now, so the first voice message is not the slow one."""
        engine = self.engine
        if engine is not None:
            await asyncio.get_running_loop().run_in_executor(self._pool, engine.warm_up)

    def warm_up_in_background(self) -> None:
        """Start loading the model without waiting (server start-up); failures are logged."""
        if self.engine is not None and self._warming is None:
            self._warming = asyncio.create_task(self._warm_up_logged(), name="speech-warm-up")

    async def _warm_up_logged(self) -> None:
        try:
            await self.warm_up()
        except SpeechProblem as problem:  # raised again, to the user, on the first message
            log.warning("voice model not loaded", detail=str(problem))

    def close(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
        if self.engine is not None:
            self.engine.close()
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True, slots=True)
class VoiceConfig:
    """Where transcription comes from (an OpenAI-compatible endpoint first, else a local
    Whisper model; neither: voice is off), the piper voice (none: espeak-ng), and the
    limits on work at once and on a voice message's length and size."""

    transcription_url: str | None = None
    transcription_api_key: str | None = field(default=None, repr=False)
    transcription_model: str = "whisper-1"
    whisper_model: str | None = None
    whisper_compute_type: str = "int8"
    whisper_cpu_threads: int = 0
    speech_workers: int = 1
    piper_voice: Path | None = None
    max_seconds: int = 120
    max_bytes: int = 20_000_000


def open_voice(config: VoiceConfig) -> Voice:
    """Build the voice engine from its config; a wrong model path fails here, at start-up.

    The model itself loads on first use or on `warm_up()`; nothing is downloaded.
    """
    from calendar_assistant.speech.endpoint import EndpointEngine
    from calendar_assistant.speech.synthesis import PiperSynthesizer
    from calendar_assistant.speech.whisper import WhisperEngine

    workers = config.speech_workers
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="speech")
    engine: TranscriptionEngine | None = None
    try:
        if config.transcription_url:
            engine = EndpointEngine(
                config.transcription_url,
                api_key=config.transcription_api_key,
                model=config.transcription_model,
            )
        elif config.whisper_model:
            engine = WhisperEngine(
                config.whisper_model,
                pool,
                compute_type=config.whisper_compute_type,
                cpu_threads=config.whisper_cpu_threads,
                workers=workers,
            )
        espeak = EspeakSynthesizer()
        synthesizer: SpeechSynthesizer = espeak
        if config.piper_voice is not None:
            synthesizer = PiperSynthesizer(config.piper_voice, pool, espeak)
    except BaseException:
        pool.shutdown(wait=False)
        raise
    return Voice(
        engine,
        synthesizer,
        pool,
        limits=AudioLimits(config.max_seconds, config.max_bytes),
        workers=workers,
    )


def check_voice_settings(config: VoiceConfig) -> None:
    """Raise SpeechSetupError for a wrong model path or piper voice, without loading anything.

    Entry points call it before starting so the operator gets one line, not a traceback.
    """
    open_voice(config).close()
