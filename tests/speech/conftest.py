"""Voice fixtures: the Whisper base model built from its PyPI packages, loaded once per session,
and English and Russian commands spoken by espeak-ng into OGG/Opus through ffmpeg.

Outside CI a missing model package or Debian program skips these tests with the command that
installs it; in CI (CI=true) they fail instead, because CI must run them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from calendar_assistant.config import Settings
from calendar_assistant.domain.language import Lang
from calendar_assistant.speech.audio import AudioLimits
from calendar_assistant.speech.synthesis import EspeakSynthesizer
from calendar_assistant.speech.voice import Voice
from calendar_assistant.speech.whisper import WhisperEngine

from .whisper_base import ModelPackagesMissing, assemble_whisper_base

IN_CI = os.environ.get("CI") == "true"

#: English commands as tests expect them to come back, spoken slowly with word gaps: espeak-ng
#: at its default pace runs words together that Whisper base then mishears.
ENGLISH = {
    "lunch": "Lunch with Anna on Friday at 1 pm for 90 minutes",
    "team": "Schedule a meeting with the team tomorrow at 10 am",
    "calendar": "What is on my calendar next week",
    "dentist": "Cancel the dentist appointment on Thursday",
}
RUSSIAN = {"team": "Запланируй встречу с командой завтра в 10"}


def needs(what: str, install: str) -> None:
    """Skip (fail in CI) with the command that installs what is missing."""
    message = f"{what} is missing: {install}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def need_programs() -> None:
    for program in ("espeak-ng", "ffmpeg"):
        if shutil.which(program) is None:
            needs(program, "make system-deps")


@pytest.fixture(scope="session")
def whisper_base_folder() -> Path:
    try:
        return assemble_whisper_base()
    except ModelPackagesMissing as exc:
        needs("the Whisper base model", str(exc))
        raise


@pytest.fixture(scope="session")
def speech_pool() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speech-test")
    yield pool
    pool.shutdown(wait=True)


@pytest.fixture(scope="session")
def whisper(whisper_base_folder: Path, speech_pool: ThreadPoolExecutor) -> WhisperEngine:
    """One model load for the whole session: the machine is small and shared."""
    engine = WhisperEngine(str(whisper_base_folder), speech_pool, compute_type="int8")
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def voice(whisper: WhisperEngine, speech_pool: ThreadPoolExecutor) -> Voice:
    """The voice engine as channels get it, on the session's model (no pool shutdown here)."""
    return Voice(whisper, EspeakSynthesizer(), speech_pool, limits=AudioLimits(), workers=1)


@pytest.fixture(scope="session")
def voice_settings(whisper_base_folder: Path) -> Settings:
    return Settings(whisper_model=str(whisper_base_folder))


def speak_ogg(text: str, lang: Lang) -> bytes:
    """A clip as a Telegram voice note: espeak-ng WAV, then Opus in OGG through ffmpeg."""
    need_programs()
    synthesizer = EspeakSynthesizer(words_per_minute=130, word_gap=4)
    return asyncio.run(synthesizer.speak(text, lang)).ogg


@pytest.fixture(scope="session")
def english_clips() -> dict[str, bytes]:
    return {key: speak_ogg(text, "en") for key, text in ENGLISH.items()}


@pytest.fixture(scope="session")
def russian_clips() -> dict[str, bytes]:
    return {key: speak_ogg(text, "ru") for key, text in RUSSIAN.items()}


def ffmpeg_audio(*arguments: str, stdin: bytes | None = None) -> bytes:
    """Audio made by ffmpeg (silence, tones, other containers) for decoder tests."""
    need_programs()
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", *arguments],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        check=True,
    )
    return result.stdout
