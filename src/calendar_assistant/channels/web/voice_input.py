"""Voice from the page's microphone: the browser records (MediaRecorder, Opus in WebM or
OGG), uploads the bytes, and the server hears them exactly as a Telegram voice note
(`speech.voice_messages`: the same engine, limits, echo and explanations), then answers
the transcript as a typed message.

The upload is read only after the session is known (the CSRF guard has already run) and
its declared type and size are checked, so nobody without a session makes the server
buffer 20 MB. A refused recording is a 4xx (5xx when the server cannot listen) whose
`detail` is the sentence Telegram would have sent, in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.requests import ClientDisconnect

from calendar_assistant.channels.web.chat import ChatResponse, WebChat, reply_out
from calendar_assistant.channels.web.signin import WebAuth
from calendar_assistant.domain.language import Lang
from calendar_assistant.speech.problems import (
    AudioTooLarge,
    AudioTooLong,
    AudioUnavailable,
    AudioUnreadable,
    NothingHeard,
    SpeechProblem,
    VoiceOff,
)

VOICE_PATH = "/api/chat/voice"

#: What a browser's MediaRecorder labels its recordings (Chromium: audio/webm, Firefox:
#: audio/ogg, Safari: audio/mp4), and audio files in general; anything else is not read.
_AUDIO_TYPES = ("audio/", "application/ogg", "video/webm", "video/mp4")


def _status(problem: SpeechProblem) -> int:
    """The HTTP status of a recording that could not be answered."""
    if isinstance(problem, AudioTooLarge | AudioTooLong):
        return 413
    if isinstance(problem, AudioUnreadable | NothingHeard):
        return 422
    if isinstance(problem, AudioUnavailable):
        return 400
    return 503  # voice off, busy, the engine failing: the server's side


class VoiceChatResponse(ChatResponse):
    """The chat's answer shape, plus what was heard (the first reply echoes it, «🎤 …»)."""

    heard: str | None = None


class VoiceStatus(BaseModel):
    """Whether this server listens, and the limits the page records within."""

    listening: bool
    max_seconds: int
    max_bytes: int


def _refuse(problem: SpeechProblem, lang: Lang, status: int | None = None) -> JSONResponse:
    return JSONResponse({"detail": problem.explain(lang)}, status_code=status or _status(problem))


async def _read(request: Request, max_bytes: int) -> bytes:
    """The body, refused (AudioTooLarge) as soon as it is larger than the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise AudioTooLarge(int(declared), max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise AudioTooLarge(size, max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _audio_type(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind.startswith(_AUDIO_TYPES)


def voice_router(
    chat: Callable[[Request], WebChat], auth: Callable[[Request], WebAuth]
) -> APIRouter:
    """`GET` and `POST /api/chat/voice`; `chat` and `auth` find the running parts."""
    router = APIRouter()
    signed_in: dict[int | str, dict[str, object]] = {
        401: {"description": "not signed in: see /signin"}
    }

    @router.get(VOICE_PATH, response_model=VoiceStatus, tags=["web chat"], responses=signed_in)
    async def voice_status(request: Request) -> VoiceStatus:
        """Whether voice input is on here (the page hides its microphone button if not)."""
        await auth(request).require(request)
        voice = chat(request).voice
        if voice is None:
            return VoiceStatus(listening=False, max_seconds=0, max_bytes=0)
        limits = voice.limits
        return VoiceStatus(
            listening=voice.can_listen,
            max_seconds=limits.max_seconds,
            max_bytes=limits.max_bytes,
        )

    @router.post(
        VOICE_PATH,
        response_model=VoiceChatResponse,
        tags=["web chat"],
        responses={
            **signed_in,
            403: {"description": "missing or wrong X-CSRF-Token"},
            413: {"description": "the recording is too large or too long"},
            415: {"description": "the body is not audio"},
            422: {"description": "the audio cannot be read, or has no words"},
            503: {"description": "voice input is off here, or busy"},
        },
    )
    async def voice_message(request: Request) -> VoiceChatResponse | JSONResponse:
        """Send a recording (the body, `Content-Type: audio/…`) as the signed-in user: it is
        transcribed and answered like a typed message; the replies begin with what was heard."""
        user = await auth(request).require(request)
        running = chat(request)
        lang = await running.language(user)
        voice = running.voice
        if voice is None or not voice.can_listen:
            return _refuse(VoiceOff(), lang)
        if not _audio_type(request):
            return _refuse(AudioUnreadable("not an audio content type"), lang, 415)
        try:
            audio = await _read(request, voice.limits.max_bytes)
        except SpeechProblem as problem:
            return _refuse(problem, lang)
        except ClientDisconnect:
            return _refuse(AudioUnavailable("the upload was cut off"), lang)
        heard, replies = await running.hear(user, audio)
        if heard is not None and heard.problem is not None:
            return JSONResponse({"detail": heard.echo}, status_code=_status(heard.problem))
        text = heard.text if heard is not None else None
        return VoiceChatResponse(replies=[reply_out(r) for r in replies], heard=text)

    return router
