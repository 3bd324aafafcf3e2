"""A fake Sentry ingest: a real HTTP server on a loopback port that receives the envelopes
the real sentry-sdk sends (`POST /api/<project>/envelope/`, gzip or plain) and keeps the
events in them for tests to read.

`hold()` makes it accept a request and then not answer until `release()`: an ingest that
hangs, to show replies do not wait on error reporting.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fakes.telegram import free_port

PUBLIC_KEY = "0123456789abcdef0123456789abcdef"
PROJECT = "42"


def parse_envelope(body: bytes) -> list[tuple[dict[str, Any], Any]]:
    """An envelope's items as (item header, payload): JSON payloads decoded, others bytes.

    The format: a header line, then per item a header line and a payload that is either
    `length` bytes (when the item header says) or one line.
    """
    items: list[tuple[dict[str, Any], Any]] = []
    at = body.find(b"\n") + 1  # skip the envelope header
    while 0 < at < len(body):
        end = body.find(b"\n", at)
        end = len(body) if end < 0 else end
        line = body[at:end].strip()
        at = end + 1
        if not line:
            continue
        header = json.loads(line)
        length = header.get("length")
        if length is None:
            stop = body.find(b"\n", at)
            stop = len(body) if stop < 0 else stop
        else:
            stop = at + int(length)
        raw = body[at:stop]
        at = stop + 1
        try:
            payload: Any = json.loads(raw)
        except ValueError:
            payload = raw
        items.append((header, payload))
    return items


class FakeSentry:
    """Start with `start()` (or as a context manager); give the SDK `dsn`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.envelopes: list[list[tuple[dict[str, Any], Any]]] = []
        self.arrived = 0
        self._held = threading.Event()
        self._held.set()
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def dsn(self) -> str:
        return f"http://{PUBLIC_KEY}@127.0.0.1:{self.port}/{PROJECT}"

    @property
    def events(self) -> list[dict[str, Any]]:
        """The error events received so far (not sessions or client reports)."""
        with self._lock:
            return [
                payload
                for envelope in self.envelopes
                for header, payload in envelope
                if header.get("type") == "event"
            ]

    def wait_for_events(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.events

    def hold(self) -> None:
        """From now on, requests are received but not answered until `release()`."""
        self._held.clear()

    def release(self) -> None:
        self._held.set()

    async def _envelope(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            self.arrived += 1
        await asyncio.to_thread(self._held.wait, 60)  # a hanging ingest, while held
        if request.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        auth = request.headers.get("x-sentry-auth", "")
        if f"sentry_key={PUBLIC_KEY}" not in auth:
            return JSONResponse({"detail": "bad auth"}, status_code=401)
        with self._lock:
            self.envelopes.append(parse_envelope(body))
        return JSONResponse({"id": "0" * 32})

    def start(self) -> FakeSentry:
        app = Starlette(
            routes=[Route("/api/{project}/envelope/", self._envelope, methods=["POST"])]
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake Sentry ingest did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeSentry:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
