"""The OpenAI-compatible transcription endpoint engine, against a fake server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from calendar_assistant.config import Settings, SettingsError, load_settings
from calendar_assistant.runtime import voice_config
from calendar_assistant.speech.endpoint import EndpointEngine
from calendar_assistant.speech.problems import NothingHeard, SpeechBusy, TranscriptionFailed
from calendar_assistant.speech.synthesis import EspeakSynthesizer
from calendar_assistant.speech.voice import WAITING_PER_WORKER, Voice, open_voice

from .conftest import ffmpeg_audio
from .fake_transcription import FakeTranscriptionServer


@pytest.fixture(scope="module")
def clip() -> bytes:
    """A second of tone as OGG/Opus: the endpoint gets it as it came."""
    return ffmpeg_audio(
        "-f", "lavfi", "-i", "sine=frequency=300:duration=1",
        "-c:a", "libopus", "-f", "ogg", "pipe:1",
    )  # fmt: skip


@pytest.fixture
def server() -> Iterator[FakeTranscriptionServer]:
    with FakeTranscriptionServer() as fake:
        yield fake


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=1) as executor:
        yield executor


def _voice(server: FakeTranscriptionServer, pool: ThreadPoolExecutor, **options: object) -> Voice:
    engine = EndpointEngine(server.base_url, max_retries=0, **options)  # type: ignore[arg-type]
    return Voice(engine, EspeakSynthesizer(), pool)


async def test_the_recording_goes_as_it_came_and_the_text_comes_back(
    server: FakeTranscriptionServer, pool: ThreadPoolExecutor, clip: bytes
) -> None:
    voice = _voice(server, pool, api_key="sk-test", model="large-v3")
    transcript = await voice.transcribe(clip, hint="ru")
    assert transcript.text == "Lunch with Anna on Friday at 1 pm."
    assert transcript.language == "en"  # read from the text: the hint is not forced
    assert transcript.seconds == pytest.approx(1.0, abs=0.1)
    sent = server.received[0]
    assert sent.audio == clip
    assert sent.file_name == "voice.ogg"
    assert sent.model == "large-v3"
    assert sent.language is None
    assert sent.authorization == "Bearer sk-test"


async def test_a_forced_language_is_sent(
    server: FakeTranscriptionServer, pool: ThreadPoolExecutor, clip: bytes
) -> None:
    server.text = "Запланируй встречу завтра в 10"
    transcript = await _voice(server, pool).transcribe(clip, language="ru")
    assert transcript.language == "ru"
    assert server.received[0].language == "ru"


async def test_a_failing_endpoint_is_a_clear_problem(
    server: FakeTranscriptionServer, pool: ThreadPoolExecutor, clip: bytes
) -> None:
    server.status = 503
    with pytest.raises(TranscriptionFailed) as caught:
        await _voice(server, pool).transcribe(clip)
    assert "not working" in caught.value.explain("en")


async def test_an_unreachable_endpoint_is_a_clear_problem(
    pool: ThreadPoolExecutor, clip: bytes
) -> None:
    with FakeTranscriptionServer() as gone:
        url = gone.base_url
    engine = EndpointEngine(url, max_retries=0, timeout_seconds=5)
    with pytest.raises(TranscriptionFailed):
        await Voice(engine, EspeakSynthesizer(), pool).transcribe(clip)


async def test_an_empty_transcript_is_nothing_heard(
    server: FakeTranscriptionServer, pool: ThreadPoolExecutor, clip: bytes
) -> None:
    server.text = "  "
    with pytest.raises(NothingHeard):
        await _voice(server, pool).transcribe(clip)


async def test_beyond_the_waiting_room_a_recording_is_refused_not_queued(
    server: FakeTranscriptionServer, pool: ThreadPoolExecutor, clip: bytes
) -> None:
    voice = _voice(server, pool)
    capacity = 1 + WAITING_PER_WORKER
    server.held.clear()
    waiting = [asyncio.create_task(voice.transcribe(clip)) for _ in range(capacity)]
    while server.waiting < 1:  # noqa: ASYNC110 (counted in the server's thread)
        await asyncio.sleep(0.01)
    with pytest.raises(SpeechBusy) as caught:
        await voice.transcribe(clip)
    assert "minute" in caught.value.explain("en")
    server.held.set()
    transcripts = await asyncio.gather(*waiting)
    assert all(t.text for t in transcripts)
    assert (await voice.transcribe(clip)).text  # room again once they are done


def test_the_endpoint_is_chosen_over_a_model_and_needs_no_model(tmp_path: Path) -> None:
    voice = open_voice(
        voice_config(
            Settings(
                data_dir=tmp_path, transcription_url="http://127.0.0.1:9/v1/", whisper_model="/nope"
            )
        )
    )
    try:
        assert isinstance(voice.engine, EndpointEngine)
    finally:
        voice.close()


@pytest.mark.parametrize("url", ["ftp://example.org/v1", "127.0.0.1:8000", "http://"])
def test_a_bad_endpoint_url_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("TRANSCRIPTION_URL", url)
    with pytest.raises(SettingsError, match="TRANSCRIPTION_URL: is not an http"):
        load_settings(_env_file=None)
