"""The local engine: faster-whisper (CTranslate2) on the CPU, int8 by default, VAD on.

Why threads and not processes: CTranslate2 releases the GIL while it computes, so a small
thread pool keeps the event loop answering other users, and one model in memory serves
every worker (`num_workers`), where processes would each load their own copy.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Executor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from calendar_assistant.domain.language import LANGS, Lang
from calendar_assistant.extras import needs
from calendar_assistant.speech.audio import DecodedAudio
from calendar_assistant.speech.problems import (
    NothingHeard,
    SpeechSetupError,
    TranscriptionFailed,
)
from calendar_assistant.speech.transcription import Transcript

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

#: Detection at or above this probability decides the language; below it, the hint does.
CONFIDENT_DETECTION = 0.5
#: A hinted pass whose mean token log-probability is below this is "unsure": detect then.
#: Clear speech in the hinted language scores about -0.4 to -0.65 with base; speech in the
#: other language, or noise, lower.
SURE_LOGPROB = -0.7

ComputeType = Literal[
    "int8", "int8_float32", "int8_float16", "int16", "float16", "float32", "default"
]
COMPUTE_TYPES: tuple[str, ...] = get_args(ComputeType)

#: Files a CTranslate2 Whisper model folder must hold.
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json")


class WhisperEngine:
    """Transcribes on this machine with a faster-whisper model folder (or a cached size)."""

    name = "faster-whisper"

    def __init__(
        self,
        model: str,
        pool: Executor,
        *,
        compute_type: str = "int8",
        cpu_threads: int = 0,
        workers: int = 1,
        beam_size: int = 5,
    ) -> None:
        self._source = _model_source(model)
        if compute_type not in COMPUTE_TYPES:
            raise SpeechSetupError(
                f"WHISPER_COMPUTE_TYPE {compute_type!r} is not one of {COMPUTE_TYPES}"
            )
        self._pool = pool
        self._compute_type = compute_type
        self._cpu_threads = cpu_threads
        self._workers = workers
        self._beam_size = beam_size
        self._model: WhisperModel | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm_up(self) -> None:
        """Load the model (about a second for base); safe from several threads at once."""
        self._loaded_model()

    def close(self) -> None:
        self._model = None

    async def transcribe(
        self, audio: DecodedAudio, *, language: Lang | None, hint: Lang | None
    ) -> Transcript:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, lambda: self.transcribe_blocking(audio, language=language, hint=hint)
        )

    def transcribe_blocking(
        self, audio: DecodedAudio, *, language: Lang | None, hint: Lang | None
    ) -> Transcript:
        """Transcribe on the calling thread: for the worker pool and for benchmarks.

        Detection costs a second pass of the encoder (as much as the transcription of a
        short message), so with a hint it runs only when the hinted pass looks unsure.
        """
        model = self._loaded_model()
        try:
            if language is not None:
                text, _ = self._decode(model, audio, language)
                return _heard(text, language, audio, None)
            if hint is not None:
                text, logprob = self._decode(model, audio, hint)
                if _sure(text, logprob, hint):
                    return _heard(text, hint, audio, None)
                detected, probability, _ = model.detect_language(audio.samples, vad_filter=True)
                if detected in LANGS and detected != hint and probability >= CONFIDENT_DETECTION:
                    chosen = _as_lang(detected)
                    return _heard(self._decode(model, audio, chosen)[0], chosen, audio, probability)
                return _heard(text, hint, audio, None)
            segments, info = model.transcribe(
                audio.samples, language=None, vad_filter=True, beam_size=self._beam_size
            )
            chosen, chosen_probability = _choose_language(info)
            if chosen == info.language:
                text = " ".join(segment.text.strip() for segment in segments).strip()
            else:
                text, _ = self._decode(model, audio, chosen)
            return _heard(text, chosen, audio, chosen_probability)
        except (RuntimeError, ValueError) as exc:
            raise TranscriptionFailed(f"faster-whisper failed: {exc}") from exc

    def _decode(self, model: WhisperModel, audio: DecodedAudio, lang: Lang) -> tuple[str, float]:
        """Text in a given language and its mean log-probability per token."""
        segments, _ = model.transcribe(
            audio.samples, language=lang, vad_filter=True, beam_size=self._beam_size
        )
        texts: list[str] = []
        weighted = 0.0
        tokens = 0
        for segment in segments:
            texts.append(segment.text.strip())
            weighted += segment.avg_logprob * len(segment.tokens)
            tokens += len(segment.tokens)
        return " ".join(texts).strip(), weighted / tokens if tokens else 0.0

    def _loaded_model(self) -> WhisperModel:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> WhisperModel:
        with needs("voice"):
            from faster_whisper import WhisperModel

        try:
            return WhisperModel(
                self._source,
                device="cpu",
                compute_type=self._compute_type,
                cpu_threads=self._cpu_threads,
                num_workers=self._workers,
                local_files_only=True,  # never downloaded at run time
            )
        except Exception as exc:  # CTranslate2 and huggingface_hub raise many kinds
            raise SpeechSetupError(
                f"WHISPER_MODEL {self._source!r} could not be loaded ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else 'no detail'}); see docs/voice.md"
            ) from exc


def _model_source(model: str) -> str:
    """A model folder with the files it needs, or a size name (looked up in the local cache)."""
    with needs("voice"):
        from faster_whisper.utils import available_models

    folder = Path(model).expanduser()
    if folder.is_dir():
        missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
        if missing:
            raise SpeechSetupError(
                f"WHISPER_MODEL folder {folder} lacks {', '.join(missing)} "
                "(a CTranslate2 Whisper model is needed; see docs/voice.md)"
            )
        return str(folder)
    if model in available_models():
        return model
    raise SpeechSetupError(
        f"WHISPER_MODEL {model!r} is neither a model folder nor a model size "
        "(e.g. /models/whisper-base or base); see docs/voice.md"
    )


def _heard(text: str, lang: Lang, audio: DecodedAudio, probability: float | None) -> Transcript:
    if not text:
        raise NothingHeard()
    return Transcript(text, lang, audio.seconds, probability)


def _sure(text: str, logprob: float, hint: Lang) -> bool:
    """Does the hinted pass look right: confident tokens, in the hint's alphabet?"""
    if logprob < SURE_LOGPROB:
        return False
    cyrillic = any("а" <= letter <= "я" or letter == "ё" for letter in text.lower())
    return cyrillic if hint == "ru" else not cyrillic


def _choose_language(info: Any) -> tuple[Lang, float | None]:
    """Detected language when sure and one we speak; else the likelier of ours."""
    detected = str(info.language)
    probability = float(info.language_probability)
    if detected in LANGS and probability >= CONFIDENT_DETECTION:
        return _as_lang(detected), probability
    ours = {lang: p for lang, p in (info.all_language_probs or []) if lang in LANGS}
    if not ours:
        return "ru" if detected == "ru" else "en", None
    best = max(ours, key=lambda lang: ours[lang])
    return _as_lang(best), float(ours[best])


def _as_lang(code: str) -> Lang:
    return "ru" if code == "ru" else "en"
