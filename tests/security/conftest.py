"""The real server process for the security tests, and a local listener that counts hits.

`real_server` runs `calendar-assistant serve` as a child process on a free loopback port,
with a webhook bot talking to the fake Bot API, CalDAV connections on (CREDENTIALS_KEYS),
a public URL (so the Host header is checked and nobody is signed in without proof) and
JSON logs written to a file the tests read. Its clients are signed in to the web app as
one Telegram user (the Login Widget's answer), as a person using the web chat would be.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

import web_session
from calendar_assistant.calendars.accounts.credentials import generate_key
from calendar_assistant.channels.web.sessions import COOKIE
from fakes.telegram import TOKEN, FakeTelegram, free_port

PUBLIC_HOST = "bot.example.org"
SECRET = "security-suite-secret"
#: The Telegram user the web chat of these tests is signed in as.
WEB_USER = 4242


@dataclass
class RealServer:
    url: str
    log_path: Path
    data_dir: Path
    process: subprocess.Popen[bytes]
    #: The web session (cookie, CSRF token) of WEB_USER, made at the first signed-in client.
    session: tuple[str, str] | None = None

    def client(self, *, signed_in: bool = True, **headers: str) -> httpx.Client:
        """A client of the server; signed in as WEB_USER unless told otherwise."""
        client = httpx.Client(base_url=self.url, timeout=30.0, headers=headers)
        if signed_in:
            if self.session is None:
                with httpx.Client(base_url=self.url, timeout=30.0) as first:
                    signed = web_session.telegram_sync(first, WEB_USER, TOKEN)
                    assert signed.status_code == 200, signed.text
                    self.session = (first.cookies[COOKIE], first.headers[web_session.CSRF])
            client.cookies.set(COOKIE, self.session[0])
            client.headers[web_session.CSRF] = self.session[1]
        return client

    def webhook(self, client: httpx.Client, body: bytes | str) -> httpx.Response:
        return client.post(
            "/telegram/webhook",
            content=body,
            headers={
                "X-Telegram-Bot-Api-Secret-Token": SECRET,
                "Content-Type": "application/json",
            },
        )

    def log_lines(self) -> list[str]:
        return [line for line in self.log_path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def fake_bot_api() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture(scope="module")
def real_server(
    tmp_path_factory: pytest.TempPathFactory, fake_bot_api: FakeTelegram
) -> Iterator[RealServer]:
    folder = tmp_path_factory.mktemp("real-server")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM", "OUTBOUND"))}
    env.update(
        DATA_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'calendar.sqlite3'}",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_bot_api.base_url,
        TELEGRAM_WEBHOOK_URL=f"https://{PUBLIC_HOST}/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        PUBLIC_URL=f"https://{PUBLIC_HOST}",
        CREDENTIALS_KEYS=generate_key(),
        # http allowed so that the address check, not the scheme, is what stops loopback.
        OUTBOUND_ALLOW_HTTP="true",
        OUTBOUND_TIMEOUT_SECONDS="3",
        RATE_LIMIT_PER_MINUTE="100000",
        SIGNIN_ATTEMPTS_PER_MINUTE="1000",
        SESSION_SECRET="security-suite-session-secret",
        LOG_JSON="true",
        LOG_LEVEL="INFO",
        DEFAULT_LANGUAGE="ru",
    )
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "calendar_assistant.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    server = RealServer(f"http://127.0.0.1:{port}", log_path, folder, process)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(server: RealServer) -> None:
    """Until the webhook takes an (empty) update: the bot has connected to the fake API."""
    deadline = time.monotonic() + 60
    with server.client(signed_in=False) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise RuntimeError(f"server exited: {server.log_path.read_text()[-2000:]}")
            try:
                if server.webhook(client, '{"update_id": 1}').status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


@dataclass
class Listener:
    """A plain HTTP server on loopback that counts every request it receives."""

    port: int
    hits: list[str] = field(default_factory=list)
    redirect_to: str | None = None


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener(port=0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            found.hits.append(f"{self.command} {self.path}")
            if found.redirect_to is not None:
                self.send_response(302)
                self.send_header("Location", found.redirect_to)
            else:
                self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PROPFIND = do_REPORT = do_OPTIONS = do_PUT = _any

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
