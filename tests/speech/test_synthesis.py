"""Spoken replies: espeak-ng, then Opus in OGG through ffmpeg, as Telegram voice notes are."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import pytest

from calendar_assistant.config import Settings
from calendar_assistant.runtime import voice_config
from calendar_assistant.speech.bench import normalize_words
from calendar_assistant.speech.opus import encode_ogg_opus, run_program
from calendar_assistant.speech.problems import SpeechSetupError, SynthesisFailed
from calendar_assistant.speech.synthesis import (
    MAX_SPOKEN_CHARS,
    EspeakSynthesizer,
    PiperSynthesizer,
    spoken_text,
)
from calendar_assistant.speech.voice import Voice, open_voice

from .conftest import need_programs


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Lunch with Anna on Friday at 1 pm."), ("ru", "Встреча с командой завтра в 10:00.")],
)
async def test_a_reply_becomes_an_ogg_opus_voice_note(lang: str, text: str) -> None:
    need_programs()
    spoken = await EspeakSynthesizer().speak(text, lang)  # type: ignore[arg-type]
    with av.open(io.BytesIO(spoken.ogg)) as container:
        assert container.format.name == "ogg"
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        assert stream.codec_context.channels == 1
    assert 1.0 < spoken.seconds < 6.0


async def test_a_spoken_reply_is_heard_back_by_the_model(voice: Voice) -> None:
    """The whole loop: our own voice reply, transcribed by our own engine."""
    spoken = await EspeakSynthesizer(words_per_minute=130, word_gap=4).speak(
        "Your dentist appointment is on Thursday at 3 pm.", "en"
    )
    heard = await voice.transcribe(spoken.ogg, language="en")
    assert normalize_words(heard.text) == "your dentist appointment is on thursday at 3 pm"


def test_emoji_and_markup_are_not_read_aloud() -> None:
    assert spoken_text("🎤 «Lunch» ✅ at <b>13:00</b> • 90 min") == "«Lunch» at b 13:00 /b 90 min"


def test_long_replies_are_cut_at_a_sentence_end() -> None:
    text = "Meeting with the team at 10:00. " * 60
    spoken = spoken_text(text)
    assert len(spoken) <= MAX_SPOKEN_CHARS
    assert spoken.endswith(".")


async def test_nothing_to_say_is_a_clear_failure() -> None:
    with pytest.raises(SynthesisFailed):
        await EspeakSynthesizer().speak("🎤 ✅", "en")


async def test_a_missing_program_names_the_package_to_install() -> None:
    with pytest.raises(SpeechSetupError, match="apt-get install no-such-speaker"):
        await run_program(["no-such-speaker", "--version"], b"")


async def test_ffmpeg_refusing_input_is_a_clear_failure() -> None:
    need_programs()
    with pytest.raises(SynthesisFailed, match="ffmpeg exited"):
        await encode_ogg_opus(b"this is not a wav file")


def test_a_piper_voice_without_its_config_fails_at_start_up(tmp_path: Path) -> None:
    voice = tmp_path / "en_US-test.onnx"
    voice.write_bytes(b"onnx")
    with pytest.raises(SpeechSetupError, match=r"en_US-test\.onnx\.json"):
        open_voice(voice_config(Settings(data_dir=tmp_path, piper_voice=voice)))


def test_a_piper_voice_needs_piper_installed_or_says_so(tmp_path: Path) -> None:
    voice = tmp_path / "ru_RU-test.onnx"
    voice.write_bytes(b"onnx")
    (tmp_path / "ru_RU-test.onnx.json").write_text('{"language": {"code": "ru_RU"}}')
    try:
        import piper  # noqa: F401
    except ImportError:
        with pytest.raises(SpeechSetupError, match="pip install piper-tts"):
            open_voice(voice_config(Settings(data_dir=tmp_path, piper_voice=voice)))
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        synthesizer = PiperSynthesizer(voice, pool, EspeakSynthesizer())
        assert synthesizer.language == "ru"
