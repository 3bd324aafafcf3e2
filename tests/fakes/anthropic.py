"""A fake Anthropic Messages API on a loopback port, answering from a script.

The real `anthropic` SDK talks to it over HTTP (it uses httpx2, so httpx mocks would not
reach it). Each POST takes the next scripted reply; every request is recorded so a test can
check what the SDK sent (tools, system blocks with cache_control, tool results).
`ScriptedAPIServer` is the shared machinery; tests/fakes/openai.py builds on it.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ids = itertools.count(1)


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer: JSON (or raw bytes), a status, headers, a delay first."""

    body: dict[str, Any] | bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class ScriptedAPIServer:
    """A real HTTP server on 127.0.0.1 that answers POSTs with scripted replies in order."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Request] = []
        self.released = threading.Event()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                with server.lock:
                    server.requests.append(
                        Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    reply = server.replies.popleft() if server.replies else server.exhausted()
                if reply.delay and server.released.wait(reply.delay):
                    return
                data = (
                    reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                )
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def exhausted(self) -> Reply:
        return Reply({"error": {"message": "the test script has no more replies"}}, status=500)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def script(self, *replies: Reply | dict[str, Any]) -> None:
        """Queue replies; a dict is a 200 JSON answer."""
        with self.lock:
            for reply in replies:
                self.replies.append(reply if isinstance(reply, Reply) else Reply(reply))

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [request.body for request in self.requests]

    def __enter__(self) -> ScriptedAPIServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class FakeAnthropic(ScriptedAPIServer):
    """Speaks POST /v1/messages; point the SDK at `base_url`."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def exhausted(self) -> Reply:
        return error_reply(500, "api_error", "the test script has no more replies")


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def tool_use(name: str, arguments: Any, call_id: str | None = None) -> dict[str, Any]:
    return {
        "type": "tool_use",
        "id": call_id or f"toolu_{next(_ids):04d}",
        "name": name,
        "input": arguments,
    }


def message(
    *blocks: dict[str, Any],
    input_tokens: int = 900,
    output_tokens: int = 40,
    cache_read: int = 0,
    cache_write: int = 0,
) -> dict[str, Any]:
    """A complete Messages API response holding `blocks`."""
    uses_tools = any(block["type"] == "tool_use" for block in blocks)
    return {
        "id": f"msg_{next(_ids):04d}",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": list(blocks),
        "stop_reason": "tool_use" if uses_tools else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": cache_write,
            "cache_read_input_tokens": cache_read,
        },
    }


def error_reply(status: int, kind: str, text: str, *, retry_ms: int = 1) -> Reply:
    """An API error as Anthropic sends it (429 rate_limit_error, 529 overloaded_error, ...)."""
    return Reply(
        {"type": "error", "error": {"type": kind, "message": text}},
        status=status,
        headers={"retry-after-ms": str(retry_ms)},
    )
