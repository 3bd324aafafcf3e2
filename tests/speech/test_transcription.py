"""Transcription with the real Whisper base model of the PyPI packages, on espeak-ng clips."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from calendar_assistant.config import Settings
from calendar_assistant.runtime import voice_config
from calendar_assistant.speech.audio import AudioLimits
from calendar_assistant.speech.bench import normalize_words, word_error_rate
from calendar_assistant.speech.problems import (
    AudioTooLong,
    NothingHeard,
    SpeechSetupError,
    VoiceOff,
)
from calendar_assistant.speech.synthesis import EspeakSynthesizer
from calendar_assistant.speech.voice import Voice, open_voice
from calendar_assistant.speech.whisper import WhisperEngine
from support import says

from .conftest import ENGLISH, ffmpeg_audio


async def test_english_commands_come_back_word_for_word(
    voice: Voice, english_clips: dict[str, bytes]
) -> None:
    heard = {
        key: await voice.transcribe(clip, language="en") for key, clip in english_clips.items()
    }
    for transcript in heard.values():
        assert transcript.language == "en"
        assert transcript.seconds > 1.0
    texts = [heard[key].text for key in ENGLISH]
    assert word_error_rate(list(ENGLISH.values()), texts) <= 0.1, texts
    assert normalize_words(heard["lunch"].text) == normalize_words(ENGLISH["lunch"])
    assert "dentist" in normalize_words(heard["dentist"].text)


async def test_english_is_detected_even_when_the_users_language_is_russian(
    voice: Voice, english_clips: dict[str, bytes]
) -> None:
    """The hint decides only when detection is unsure; clear English stays English."""
    transcript = await voice.transcribe(english_clips["calendar"], hint="ru")
    assert transcript.language == "en"
    assert transcript.language_probability is not None
    assert transcript.language_probability >= 0.5
    assert normalize_words(transcript.text) == normalize_words(ENGLISH["calendar"])


async def test_russian_runs_end_to_end_with_the_language_forced(
    voice: Voice, russian_clips: dict[str, bytes]
) -> None:
    """espeak-ng's Russian is too robotic for Whisper base: check the path, not the words."""
    transcript = await voice.transcribe(russian_clips["team"], language="ru")
    assert transcript.language == "ru"
    assert transcript.text
    assert any("а" <= letter.lower() <= "я" for letter in transcript.text)


async def test_russian_hint_is_used_when_detection_is_unsure(
    voice: Voice, russian_clips: dict[str, bytes]
) -> None:
    transcript = await voice.transcribe(russian_clips["team"], hint="ru")
    assert transcript.language == "ru"
    assert transcript.text


async def test_silence_is_nothing_heard(voice: Voice) -> None:
    silence = ffmpeg_audio(
        "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "2",
        "-c:a", "libopus", "-f", "ogg", "pipe:1",
    )  # fmt: skip
    with pytest.raises(NothingHeard) as caught:
        await voice.transcribe(silence, hint="en")
    assert says(caught.value.explain("en"), "en", "voice.nothing_heard")


async def test_limits_apply_before_the_model(
    whisper: WhisperEngine, speech_pool: ThreadPoolExecutor, english_clips: dict[str, bytes]
) -> None:
    strict = Voice(whisper, EspeakSynthesizer(), speech_pool, limits=AudioLimits(max_seconds=1))
    with pytest.raises(AudioTooLong):
        await strict.transcribe(english_clips["lunch"], language="en")


async def test_the_event_loop_keeps_answering_while_a_clip_is_transcribed(
    voice: Voice, english_clips: dict[str, bytes]
) -> None:
    """The worker pool keeps the loop free: other users' messages go on being answered."""
    ticks = 0
    done = asyncio.Event()

    async def other_users() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.005)

    ticker = asyncio.create_task(other_users())
    await asyncio.sleep(0)
    before = ticks
    transcript = await voice.transcribe(english_clips["team"], language="en")
    done.set()
    await ticker
    assert transcript.text
    assert ticks - before >= 20  # a blocked loop would have ticked once at most


def test_voice_is_off_without_a_model_and_says_how_to_turn_it_on(tmp_path: Path) -> None:
    voice = open_voice(voice_config(Settings(data_dir=tmp_path)))
    try:
        assert not voice.can_listen
        with pytest.raises(VoiceOff) as caught:
            asyncio.run(voice.transcribe(b"anything", hint="ru"))
    finally:
        voice.close()
    assert "WHISPER_MODEL" in caught.value.explain("en")
    assert "WHISPER_MODEL" in caught.value.explain("ru")
    assert says(caught.value.explain("ru"), "ru", "voice.off")


@pytest.mark.parametrize("model", ["/no/such/model", "not-a-size"])
def test_a_wrong_model_setting_fails_at_start_up(tmp_path: Path, model: str) -> None:
    with pytest.raises(SpeechSetupError, match="WHISPER_MODEL"):
        open_voice(voice_config(Settings(data_dir=tmp_path, whisper_model=model)))


def test_a_model_folder_missing_files_says_which(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(SpeechSetupError, match=r"lacks model\.bin, tokenizer\.json"):
        open_voice(voice_config(Settings(data_dir=tmp_path, whisper_model=str(tmp_path))))


def test_a_size_not_in_the_local_cache_is_never_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with ThreadPoolExecutor(max_workers=1) as pool:
        engine = WhisperEngine("tiny", pool)
        with pytest.raises(SpeechSetupError, match="could not be loaded"):
            engine.warm_up()


def test_a_corrupt_model_file_is_a_clear_start_up_error(tmp_path: Path) -> None:
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes(b"corrupt")
    with ThreadPoolExecutor(max_workers=1) as pool:
        engine = WhisperEngine(str(tmp_path), pool)
        with pytest.raises(SpeechSetupError, match="could not be loaded"):
            engine.warm_up()


async def test_without_a_hint_the_language_is_detected(
    voice: Voice, english_clips: dict[str, bytes]
) -> None:
    transcript = await voice.transcribe(english_clips["dentist"])
    assert transcript.language == "en"
    assert transcript.language_probability is not None
    assert transcript.language_probability >= 0.5
    assert "dentist" in normalize_words(transcript.text)


async def test_speech_in_the_users_language_is_taken_in_one_pass(
    voice: Voice, english_clips: dict[str, bytes]
) -> None:
    """No detection when the hinted pass is sure: no detection probability is reported."""
    transcript = await voice.transcribe(english_clips["calendar"], hint="en")
    assert transcript.language == "en"
    assert transcript.language_probability is None
    assert normalize_words(transcript.text) == normalize_words(ENGLISH["calendar"])
