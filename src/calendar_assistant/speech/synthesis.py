"""Text to speech for voice replies: espeak-ng always, a piper voice when one is configured."""

from __future__ import annotations

import asyncio
import io
import json
import re
import shutil
import wave
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, ClassVar, Protocol

from calendar_assistant.domain.language import Lang
from calendar_assistant.speech.opus import SpokenAudio, encode_ogg_opus, run_program
from calendar_assistant.speech.problems import SpeechSetupError, SynthesisFailed

#: Longer replies are cut at a sentence end: a voice note is for short answers.
MAX_SPOKEN_CHARS = 700

_NOT_SPOKEN = re.compile(r"[^\w\s.,;:!?()'\"«»%+\-–—/]", re.UNICODE)


class SpeechSynthesizer(Protocol):
    """Speaks a reply in a language and hands back OGG/Opus."""

    async def speak(self, text: str, lang: Lang) -> SpokenAudio: ...

    @property
    def available(self) -> bool:
        """Are the programs it needs installed?"""


class EspeakSynthesizer:
    """espeak-ng: robotic but everywhere (Debian `espeak-ng`), both languages, no model."""

    VOICES: ClassVar[dict[Lang, str]] = {"ru": "ru", "en": "en-us"}

    def __init__(self, *, words_per_minute: int = 150, word_gap: int = 0) -> None:
        self._speed = words_per_minute
        self._gap = word_gap

    @property
    def available(self) -> bool:
        return shutil.which("espeak-ng") is not None and shutil.which("ffmpeg") is not None

    async def speak(self, text: str, lang: Lang) -> SpokenAudio:
        return await encode_ogg_opus(await self.wav(text, lang))

    async def wav(self, text: str, lang: Lang) -> bytes:
        """The reply as WAV, before encoding (tests and benchmarks make clips from it)."""
        spoken = spoken_text(text)
        if not spoken:
            raise SynthesisFailed("nothing to say")
        argv = ["espeak-ng", "-v", self.VOICES[lang], "-s", str(self._speed)]
        argv += ["-g", str(self._gap), "--stdin", "--stdout"]
        return await run_program(argv, spoken.encode("utf-8"))


class PiperSynthesizer:
    """A piper voice (`.onnx` plus its `.onnx.json`) for its own language, espeak-ng otherwise.

    piper runs on onnxruntime in the worker pool: it is CPU work like transcription.
    """

    def __init__(self, voice: Path, pool: Executor, fallback: EspeakSynthesizer) -> None:
        config = Path(f"{voice}.json")
        if not voice.is_file() or not config.is_file():
            raise SpeechSetupError(
                f"PIPER_VOICE {voice} needs the .onnx file and {config.name} beside it"
            )
        try:
            code = str(json.loads(config.read_text("utf-8"))["language"]["code"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SpeechSetupError(f"PIPER_VOICE config {config} is not a piper voice") from exc
        try:
            import piper  # noqa: F401
        except ImportError as exc:
            raise SpeechSetupError(
                "PIPER_VOICE is set but piper is not installed (pip install piper-tts)"
            ) from exc
        self.language = code[:2].lower()
        self._path = voice
        self._pool = pool
        self._fallback = fallback
        self._voice: Any = None

    @property
    def available(self) -> bool:
        return shutil.which("ffmpeg") is not None

    async def speak(self, text: str, lang: Lang) -> SpokenAudio:
        if lang != self.language:
            return await self._fallback.speak(text, lang)
        spoken = spoken_text(text)
        if not spoken:
            raise SynthesisFailed("nothing to say")
        loop = asyncio.get_running_loop()
        wav = await loop.run_in_executor(self._pool, self._wav_blocking, spoken)
        return await encode_ogg_opus(wav)

    def _wav_blocking(self, text: str) -> bytes:
        from piper import PiperVoice

        if self._voice is None:
            self._voice = PiperVoice.load(str(self._path))
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav_file:
            self._voice.synthesize_wav(text, wav_file)
        return buffer.getvalue()


def spoken_text(text: str) -> str:
    """What to read aloud: no emoji or markup, and at most MAX_SPOKEN_CHARS to a sentence end."""
    clean = " ".join(_NOT_SPOKEN.sub(" ", text).split())
    if len(clean) <= MAX_SPOKEN_CHARS:
        return clean
    cut = clean[:MAX_SPOKEN_CHARS]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > MAX_SPOKEN_CHARS // 3 else cut.rsplit(" ", 1)[0] + " …"
