"""Voice input of the web chat through its API: a recording (as a browser's MediaRecorder
uploads it) is heard by the real Whisper base model, as a Telegram voice note is, and
answered; refused uploads are clear 4xx answers in the user's language that change nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

import web_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from calendar_assistant.speech.audio import AudioLimits
from calendar_assistant.speech.synthesis import EspeakSynthesizer
from calendar_assistant.speech.voice import Voice
from calendar_assistant.speech.whisper import WhisperEngine
from channels.web.test_web_calendar_browser import _watch
from speech.conftest import ENGLISH, ffmpeg_audio, need_programs, needs, speak_ogg
from speech.whisper_base import ModelPackagesMissing, assemble_whisper_base
from support import Clock, says
from web_browser import chromium, serving

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(scope="module")
def speech_pool() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="web-voice-test")
    yield pool
    pool.shutdown(wait=True)


@pytest.fixture(scope="module")
def whisper(speech_pool: ThreadPoolExecutor) -> WhisperEngine:
    """The Whisper base model the speech tests use (make test-models), loaded once here."""
    try:
        folder = assemble_whisper_base()
    except ModelPackagesMissing as exc:
        needs("the Whisper base model", str(exc))
        raise
    engine = WhisperEngine(str(folder), speech_pool, compute_type="int8")
    engine.warm_up()
    return engine


@pytest.fixture
def voice(whisper: WhisperEngine, speech_pool: ThreadPoolExecutor) -> Voice:
    """Telegram's limits (2 minutes, 20 MB)."""
    return Voice(whisper, EspeakSynthesizer(), speech_pool, limits=AudioLimits(), workers=1)


@pytest.fixture(scope="module")
def lunch() -> bytes:
    """«Lunch with Anna on Friday at 1 pm for 90 minutes», spoken by espeak-ng (OGG/Opus)."""
    return speak_ogg(ENGLISH["lunch"], "en")


def webm(ogg: bytes) -> bytes:
    """The same Opus stream in WebM, as Chromium's MediaRecorder records it."""
    return ffmpeg_audio(
        "-f", "ogg", "-i", "pipe:0", "-c:a", "copy", "-f", "webm", "pipe:1", stdin=ogg
    )


@pytest.fixture
def client(tmp_path: Path, clock: Clock) -> Client:
    """`async with client(voice, **settings) as http`: the app, the local user signed in."""

    @asynccontextmanager
    async def running(voice: Voice | None, **extra: Any) -> AsyncIterator[httpx.AsyncClient]:
        values: dict[str, Any] = {
            "data_dir": tmp_path,
            "database_url": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "default_timezone": "Europe/Berlin",
            "default_language": "en",
            **extra,
        }
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        app = create_app(settings, clock=clock, voice=voice)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1", timeout=120
            ) as http:
                await web_session.local(http)
                yield http

    return running


async def _week(http: httpx.AsyncClient) -> list[dict[str, Any]]:
    answer = await http.get(
        "/api/calendar/events", params={"start": "2026-11-23", "end": "2026-11-30"}
    )
    assert answer.status_code == 200, answer.text
    events: list[dict[str, Any]] = answer.json()["events"]
    return events


async def test_a_recording_from_the_microphone_creates_the_event(
    client: Client, voice: Voice, lunch: bytes
) -> None:
    recording = webm(lunch)
    async with client(voice) as http:
        status = (await http.get("/api/chat/voice")).json()
        assert status == {"listening": True, "max_seconds": 120, "max_bytes": 20_000_000}
        answer = await http.post(
            "/api/chat/voice",
            content=recording,
            headers={"Content-Type": "audio/webm;codecs=opus"},
        )
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert "anna" in data["heard"].lower()
        echo, reply = (r["text"] for r in data["replies"][:2])
        assert echo == f"🎤 «{data['heard']}»"  # what Telegram shows first, too
        assert "Lunch with Anna" in reply
        events = await _week(http)
    assert [(e["title"], e["start"], e["end"]) for e in events] == [
        ("Lunch with Anna", "2026-11-27T13:00:00+01:00", "2026-11-27T14:30:00+01:00")
    ]


async def test_refused_uploads_are_clear_and_change_nothing(
    client: Client, whisper: WhisperEngine, speech_pool: ThreadPoolExecutor, lunch: bytes
) -> None:
    small = AudioLimits(max_seconds=3, max_bytes=30_000)
    voice = Voice(whisper, EspeakSynthesizer(), speech_pool, limits=small, workers=1)
    long_clip = lunch  # about five seconds
    assert len(long_clip) < small.max_bytes
    async with client(voice, voice_max_bytes=30_000) as http:
        csrf = http.headers.pop(web_session.CSRF)
        forged = await http.post(
            "/api/chat/voice", content=long_clip, headers={"Content-Type": "audio/ogg"}
        )
        assert forged.status_code == 403
        http.headers[web_session.CSRF] = csrf

        async def post(body: Any, kind: str = "audio/ogg") -> httpx.Response:
            return await http.post("/api/chat/voice", content=body, headers={"Content-Type": kind})

        too_long = await post(long_clip)
        assert too_long.status_code == 413
        assert too_long.json()["detail"].startswith("🎤 That message is too long")
        declared = await post(b"\0" * 40_000)  # refused on its Content-Length, unread
        assert declared.status_code == 413
        assert declared.json()["detail"].startswith("🎤 That file is too large")
        backstop = await post(b"\0" * 70_000)  # beyond any recording: the body limit's 413
        assert backstop.status_code == 413

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for _ in range(8):
                yield b"\0" * 5_000

        streamed = await post(chunks())
        assert streamed.status_code == 413
        assert says(streamed.json()["detail"], "en", "voice.too_large")
        not_audio = await post(b"Lunch with Anna on Friday at 1 pm", "text/plain")
        assert not_audio.status_code == 415
        assert says(not_audio.json()["detail"], "en", "voice.unreadable")
        garbage = await post(b"OggS" + bytes(range(256)) * 4)
        assert garbage.status_code == 422
        assert says(garbage.json()["detail"], "en", "voice.unreadable")
        silence = ffmpeg_audio(
            "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "2",
            "-c:a", "libopus", "-f", "ogg", "pipe:1",
        )  # fmt: skip
        quiet = await post(silence)
        assert quiet.status_code == 422, quiet.text
        assert says(quiet.json()["detail"], "en", "voice.nothing_heard")
        await http.post("/api/chat", json={"text": "/settings language ru"})
        russian = await post(b"not audio", "application/json")
        assert russian.status_code == 415
        assert says(russian.json()["detail"], "ru", "voice.unreadable")
        assert await _week(http) == []


async def test_nobody_without_a_session_is_heard(client: Client, voice: Voice) -> None:
    async with client(voice) as http:
        app = http._transport.app  # type: ignore[attr-defined]
        transport = httpx.ASGITransport(app=app, client=("203.0.113.5", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as other:
            visitor = (await other.get("/auth/session")).json()
            assert visitor["user"] is None
            headers = {"Content-Type": "audio/ogg", web_session.CSRF: visitor["csrf"]}
            answer = await other.post("/api/chat/voice", content=b"OggS", headers=headers)
            assert answer.status_code == 401
            assert (await other.get("/api/chat/voice")).status_code == 401
        assert await _week(http) == []


async def test_without_transcription_the_page_hides_the_button_and_the_api_says_why(
    client: Client,
) -> None:
    async with client(None) as http:
        assert (await http.get("/api/chat/voice")).json()["listening"] is False
        answer = await http.post(
            "/api/chat/voice", content=b"OggS", headers={"Content-Type": "audio/ogg"}
        )
    assert answer.status_code == 503
    assert says(answer.json()["detail"], "en", "voice.off")
    assert "WHISPER_MODEL" in answer.json()["detail"]


# -- the page in headless Chromium, its microphone playing a WAV -----------------------


@pytest.fixture
async def served(tmp_path: Path, clock: Clock, voice: Voice) -> AsyncIterator[str]:
    """The app with voice under a real uvicorn on a loopback port."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        default_timezone="Europe/Berlin",
        default_language="en",
    )
    async with serving(create_app(settings, clock=clock, voice=voice)) as url:
        yield url


async def test_the_microphone_button_records_and_the_event_shows(
    served: str, tmp_path: Path
) -> None:
    need_programs()
    wav = await EspeakSynthesizer(words_per_minute=130, word_gap=4).wav(ENGLISH["team"], "en")
    spoken = tmp_path / "team.wav"
    spoken.write_bytes(wav)
    seconds = (len(wav) - 44) / (22050 * 2)  # espeak-ng: 16-bit mono at 22.05 kHz
    fake_microphone = [
        "--use-fake-ui-for-media-stream",  # the permission prompt says yes
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={spoken}%noloop",  # the microphone plays the WAV
    ]
    async with chromium(*fake_microphone) as browser:
        problems: list[str] = []
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        _watch(page, problems)
        await page.goto(served + "/")
        await page.locator(".fc-timeGridWeek-view").wait_for(timeout=15000)
        mic = page.locator("#mic")
        await mic.wait_for(state="visible", timeout=15000)
        await mic.click()
        await page.locator('#mic[aria-pressed="true"]').wait_for(timeout=15000)
        await asyncio.sleep(seconds + 1)
        await mic.click()  # stop: the recording is sent
        echo = page.locator(".msg.bot").first
        await echo.wait_for(timeout=90000)
        assert (await echo.inner_text()).startswith("🎤 «")
        assert "team" in (await echo.inner_text()).lower()
        reply = page.locator(".msg.bot").nth(1)
        await reply.wait_for(timeout=15000)
        assert "team" in await reply.inner_text()
        # Tomorrow (Wednesday) at 10: in the week view without a reload.
        wednesday = page.locator(
            'td.fc-timegrid-col[data-date="2026-11-25"] .fc-event:has-text("team")'
        )
        await wednesday.wait_for(timeout=15000)
        assert "10:00" in await wednesday.inner_text()
        assert await page.locator('#mic[aria-pressed="false"]').count() == 1
        assert problems == []
