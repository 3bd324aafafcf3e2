"""A fake OpenAI-compatible POST /v1/audio/transcriptions on a loopback port, for the real
`openai` SDK: records what it was sent, answers text, errors, or holds requests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass(frozen=True)
class Received:
    """One transcription request as the server saw it."""

    model: str
    language: str | None
    file_name: str
    audio: bytes
    authorization: str | None


class FakeTranscriptionServer:
    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port: int = sock.getsockname()[1]
        self.text = "Lunch with Anna on Friday at 1 pm."
        self.status = 200
        self.received: list[Received] = []
        self.held = threading.Event()
        self.held.set()  # set: answer at once; clear: hold requests until set again
        self.waiting = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> FakeTranscriptionServer:
        app = Starlette(
            routes=[Route("/v1/audio/transcriptions", self._transcribe, methods=["POST"])]
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake transcription server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.held.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    async def _transcribe(self, request: Request) -> Response:
        form = await request.form()
        upload = form["file"]
        assert isinstance(upload, UploadFile)
        language = form.get("language")
        self.received.append(
            Received(
                model=str(form["model"]),
                language=str(language) if language is not None else None,
                file_name=upload.filename or "",
                audio=await upload.read(),
                authorization=request.headers.get("authorization"),
            )
        )
        self.waiting += 1
        try:
            # set from the test's thread: an asyncio.Event of this loop cannot be used
            while not self.held.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        finally:
            self.waiting -= 1
        if self.status != 200:
            error: dict[str, Any] = {"message": "model overloaded", "type": "server_error"}
            return JSONResponse({"error": error}, status_code=self.status)
        return JSONResponse({"text": self.text})
