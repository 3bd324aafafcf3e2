"""A real Radicale CalDAV server on a free loopback port, with users alice and bob."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from calendar_assistant.calendars.caldav import open_client
from calendar_assistant.net.guard import OutboundPolicy
from fakes.telegram import free_port

#: What an operator writes in OUTBOUND_ALLOWED_HOSTS for a server on the same machine: the
#: guarded client refuses loopback otherwise (see docs/security.md).
LOOPBACK_ALLOWED = {"outbound_allowed_hosts": "127.0.0.1", "outbound_allow_http": True}
LOOPBACK_POLICY = OutboundPolicy.allowing("127.0.0.1")

PASSWORDS = {
    "alice": "alice-app-password",
    "bob": "bob-app-password",
    "carol": "carol-app-password",
    "dave": "dave-app-password",
    "erin": "erin-app-password",
    "frank": "frank-app-password",
}


@dataclass(frozen=True)
class RadicaleServer:
    url: str

    def client(self, user: str, password: str | None = None) -> Any:
        return open_client(
            self.url,
            user,
            PASSWORDS[user] if password is None else password,
            policy=LOOPBACK_POLICY,
        )

    def new_calendar(self, user: str) -> Any:
        """A fresh, empty calendar collection of `user`."""
        principal = self.client(user).principal()
        return principal.make_calendar(name=f"test-{uuid.uuid4().hex[:8]}")

    def fresh_account(self, user: str) -> Any:
        """Delete every calendar of `user`, then give them one empty calendar."""
        principal = self.client(user).principal()
        for calendar in principal.calendars():
            calendar.delete()
        return principal.make_calendar(name=f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    with start_radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@contextmanager
def start_radicale(folder: Path, rights: str | None = None) -> Iterator[RadicaleServer]:
    """Radicale in `folder`; every user owns only their own calendars, unless `rights` (the
    text of a Radicale rights file, `type = from_file`) says who may do what."""
    if importlib.util.find_spec("radicale") is None:
        message = "Radicale is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must run the CalDAV tests")
        pytest.skip(message)
    users = folder / "users"
    users.write_text("".join(f"{u}:{p}\n" for u, p in PASSWORDS.items()))
    rights_section = "type = owner_only"
    if rights is not None:
        (folder / "rights").write_text(rights)
        rights_section = f"type = from_file\nfile = {folder / 'rights'}"
    port = free_port()
    config = folder / "config"
    config.write_text(
        f"""[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {users}
htpasswd_encryption = plain
delay = 0
[rights]
{rights_section}
[storage]
filesystem_folder = {folder / "collections"}
[logging]
level = warning
"""
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"Radicale did not start: {err}")
                time.sleep(0.05)
        yield RadicaleServer(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(timeout=10)
