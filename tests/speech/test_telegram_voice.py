"""Voice messages through the real server and python-telegram-bot against the fake Bot API:
the transcript is echoed, the right events are created, problems are answered."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from calendar_assistant.speech.synthesis import EspeakSynthesizer
from calendar_assistant.speech.voice import Voice
from calendar_assistant.storage.models import EventRow
from fakes.telegram import TOKEN, FakeTelegram
from support import NOW, says

from .conftest import ENGLISH, ffmpeg_audio, speak_ogg

Start = Callable[..., AbstractAsyncContextManager[FastAPI]]


@pytest.fixture
def start(tmp_path: Path, fake: FakeTelegram) -> Start:
    """`async with start(now, voice, **settings) as app`: the server with its bot on the fake."""

    @asynccontextmanager
    async def running(now: datetime, voice: Voice | None, **extra: Any) -> AsyncIterator[FastAPI]:
        values: dict[str, Any] = {
            "data_dir": tmp_path,
            "database_url": f"sqlite:///{tmp_path / 'calendar.sqlite3'}",
            "telegram_bot_token": TOKEN,
            "telegram_api_base_url": fake.base_url,
            "reminder_poll_seconds": 5,
            "default_timezone": "Europe/Moscow",
            **extra,
        }
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        app = create_app(settings, clock=lambda: now, voice=voice)
        async with app.router.lifespan_context(app):
            await app.state.services.telegram.ready.wait()
            yield app

    return running


async def _events(app: FastAPI) -> list[EventRow]:
    async with app.state.services.runtime.database.session() as session:
        return list((await session.scalars(select(EventRow).order_by(EventRow.start_utc))).all())


async def test_a_spoken_english_command_creates_the_event_and_echoes_the_transcript(
    start: Start, fake: FakeTelegram, voice: Voice, english_clips: dict[str, bytes]
) -> None:
    now = NOW  # a Tuesday
    async with start(now, voice) as app:
        fake.send_voice(31, english_clips["lunch"], duration=5)
        await fake.until(lambda: len(fake.texts_to(31)) >= 2, within=60, what="the answer")
        echo, answer = fake.texts_to(31)[:2]
        assert echo.startswith("🎤 «")
        assert "Anna" in echo
        assert "Lunch with Anna" in answer
        events = await _events(app)
    assert len(events) == 1
    assert "lunch with anna" in events[0].title.lower()
    assert events[0].start_utc.replace(tzinfo=UTC) == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert events[0].end_utc.replace(tzinfo=UTC) == datetime(2026, 11, 27, 11, 30, tzinfo=UTC)
    assert len(fake.calls_of("getFile")) == 1
    assert not fake.calls_of("sendVoice")  # voice replies are off by default


async def test_a_spoken_command_lands_on_the_right_hour_across_a_dst_change(
    start: Start, fake: FakeTelegram, voice: Voice, english_clips: dict[str, bytes]
) -> None:
    """New York springs forward on 2027-03-14: 10 am that day is 14:00 UTC, not 15:00."""
    now = datetime(2027, 3, 13, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    async with start(now, voice, default_timezone="America/New_York") as app:
        fake.send_voice(32, english_clips["team"], duration=4)
        await fake.until(lambda: len(fake.texts_to(32)) >= 2, within=60, what="the answer")
        events = await _events(app)
    assert len(events) == 1
    title = events[0].title.lower()
    assert "meeting with" in title
    assert "team" in title
    assert events[0].start_utc.replace(tzinfo=UTC) == datetime(2027, 3, 14, 14, 0, tzinfo=UTC)


async def test_russian_voice_runs_end_to_end(
    start: Start, fake: FakeTelegram, voice: Voice, russian_clips: dict[str, bytes]
) -> None:
    """espeak-ng's Russian is too robotic for Whisper base: a transcript and an answer."""
    now = NOW
    async with start(now, voice):
        fake.send_voice(33, russian_clips["team"], duration=4)
        await fake.until(lambda: len(fake.texts_to(33)) >= 2, within=60, what="the answer")
    echo, answer = fake.texts_to(33)[:2]
    assert echo.startswith("🎤 «")
    assert any("а" <= letter.lower() <= "я" for letter in echo)
    assert answer.strip()


async def test_without_a_model_voice_is_off_and_the_reply_says_how_to_turn_it_on(
    start: Start, fake: FakeTelegram
) -> None:
    now = NOW
    async with start(now, None):
        fake.send_voice(34, b"OggS not really audio", duration=2)
        await fake.until(lambda: len(fake.texts_to(34)) == 1, what="the voice-off reply")
    assert says(fake.texts_to(34)[0], "ru", "voice.off")
    assert "WHISPER_MODEL" in fake.texts_to(34)[0]
    assert not fake.calls_of("getFile")
    assert "voice" not in [command["command"] for command in fake.commands["en"]]


async def test_a_recording_over_the_cap_is_refused_before_it_is_downloaded(
    start: Start, fake: FakeTelegram, voice: Voice
) -> None:
    now = NOW
    async with start(now, voice):
        fake.send_voice(35, b"OggS long", duration=600)
        await fake.until(lambda: len(fake.texts_to(35)) == 1, what="the too-long reply")
    assert "2 минуты" in fake.texts_to(35)[0]
    assert not fake.calls_of("getFile")


async def test_audio_that_cannot_be_read_gets_a_clear_reply_and_creates_nothing(
    start: Start, fake: FakeTelegram, voice: Voice
) -> None:
    now = NOW
    async with start(now, voice) as app:
        fake.send_voice(36, b"OggS" + bytes(range(256)) * 4, duration=2)
        await fake.until(lambda: len(fake.texts_to(36)) == 1, what="the unreadable reply")
        assert await _events(app) == []
    assert says(fake.texts_to(36)[0], "ru", "voice.unreadable")


async def test_users_who_switch_voice_replies_on_hear_the_answer_after_reading_it(
    start: Start, fake: FakeTelegram, voice: Voice, english_clips: dict[str, bytes]
) -> None:
    now = NOW
    async with start(now, voice):
        assert "voice" in [command["command"] for command in fake.commands["en"]]
        fake.send_text(37, "/voice on", language="en")
        await fake.until(lambda: len(fake.texts_to(37)) == 1, what="the switch")
        assert says(fake.texts_to(37)[0], "en", "voice.replies_on")
        fake.send_voice(37, english_clips["calendar"], duration=4)
        await fake.until(lambda: bool(fake.calls_of("sendVoice")), within=60, what="a voice")
        fake.send_text(37, "What is on my calendar today?", language="en")
        await fake.until(lambda: len(fake.sent_to(37)) >= 5, what="the typed answer")
    methods = [call.method for call in fake.sent_to(37)]
    assert methods == ["sendMessage", "sendMessage", "sendMessage", "sendVoice", "sendMessage"]
    spoken = fake.calls_of("sendVoice")[0].params
    assert spoken["voice"]["size"] > 1000
    assert int(spoken["duration"]) >= 1
    assert len(fake.calls_of("sendVoice")) == 1  # typed messages get text only


def _send_file(fake: FakeTelegram, user_id: int, kind: str, data: bytes, **fields: Any) -> None:
    """A user sends a file of some kind (document, video_note) with its bytes on the fake."""
    file_id = f"{kind}{len(fake.files) + 1}"
    fake.files[file_id] = data
    media = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), **fields}
    fake.add_update({"message": fake._message(user_id, "en", **{kind: media})})


async def test_a_wav_sent_as_a_file_and_a_round_video_are_heard_too(
    start: Start, fake: FakeTelegram, voice: Voice, tmp_path: Path
) -> None:
    wav = await EspeakSynthesizer(words_per_minute=130, word_gap=4).wav(ENGLISH["dentist"], "en")
    video = tmp_path / "note.mp4"
    ffmpeg_audio(
        "-f", "lavfi", "-i", "color=c=black:s=240x240:d=5",
        "-f", "wav", "-i", "pipe:0",
        "-shortest", "-c:v", "libx264", "-c:a", "aac", str(video),
        stdin=wav,
    )  # fmt: skip
    now = NOW
    async with start(now, voice):
        _send_file(fake, 38, "document", wav, file_name="note.wav", mime_type="audio/x-wav")
        await fake.until(lambda: len(fake.texts_to(38)) >= 2, within=60, what="the WAV answer")
        _send_file(fake, 39, "video_note", video.read_bytes(), length=240, duration=5)
        await fake.until(lambda: len(fake.texts_to(39)) >= 2, within=60, what="the video answer")
    for chat in (38, 39):
        echo = fake.texts_to(chat)[0]
        assert echo.startswith("🎤 «")
        assert "dentist" in echo.lower()


async def test_a_recording_telegram_will_not_hand_over_gets_a_reply(
    start: Start, fake: FakeTelegram, voice: Voice
) -> None:
    gone = {"file_id": "gone", "file_unique_id": "ugone", "duration": 3, "file_size": 5000}
    now = NOW
    async with start(now, voice):
        fake.add_update({"message": fake._message(40, "en", voice=gone)})
        await fake.until(lambda: len(fake.texts_to(40)) == 1, what="the reply")
    assert says(fake.texts_to(40)[0], "en", "voice.unavailable")
    assert len(fake.calls_of("getFile")) == 1


def test_speak_ogg_makes_telegram_voice_notes() -> None:
    """The clips are what Telegram sends: Opus in OGG."""
    clip = speak_ogg("Hello", "en")
    assert clip.startswith(b"OggS")
    assert b"OpusHead" in clip[:200]
