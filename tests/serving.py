"""The real server as its own process (`calendar-assistant serve`) in webhook mode, for the
tests and benchmarks that kill it, stop it, or run several on one database; plus the
client that plays Telegram and the counts that check nothing was lost or done twice."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from calendar_assistant.storage.database import Database
from fakes.telegram import TOKEN, WEBHOOK_SECRET, FakeTelegram, free_port

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET, "content-type": "application/json"}
#: Each update of a user asks for a meeting one hour later than the one before, so the
#: replies (which name the time) show the order the updates were handled in.
FIRST_HOUR = 9


def server_env(
    data_dir: Path, fake: FakeTelegram, database_url: str, **extra: str
) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
        env.pop(name, None)
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        LOG_JSON="true",
        LOG_LEVEL="INFO",
        RATE_LIMIT_PER_MINUTE="1000",
        DEFAULT_TIMEZONE="Europe/Moscow",
    )
    env.update(extra)
    return env


class ServerProcess:
    """`calendar-assistant serve` on a free loopback port, its output in `log`."""

    def __init__(self, env: dict[str, str], log: Path, port: int | None = None) -> None:
        self.env = env
        self.log = log
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/webhook"

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "calendar_assistant.cli", "serve"]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [*command, "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        return self

    async def wait_ready(self, within: float = 90.0) -> None:
        """Until the webhook judges bodies (400 for `{}`): connected to the fake Bot API."""
        deadline = time.monotonic() + within
        async with httpx.AsyncClient(timeout=5) as http:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server exited: {self.log.read_text()[-2000:]}")
                try:
                    response = await http.post(self.webhook, content=b"{}", headers=HEADERS)
                    if response.status_code == 400:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"the server did not come up: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """kill -9: no shutdown code runs."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self, within: float = 60.0) -> int:
        """SIGTERM, as an orchestrator stops a container; the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=within)

    def stop_quietly(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def log_events(self, name: str) -> list[dict[str, Any]]:
        """The JSON log lines with this event name."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if f'"{name}"' in line:
                try:
                    found.append(json.loads(line))
                except ValueError:
                    continue
        return found


def meeting_updates(
    fake: FakeTelegram, users: int, each: int, first_user: int
) -> list[list[dict[str, Any]]]:
    """`each` updates per user, asking for meetings at FIRST_HOUR, +1 h, +2 h, ..."""
    return [
        [
            fake.text_update(
                first_user + n, f"Запланируй встречу с командой завтра в {FIRST_HOUR + k}:00"
            )
            for k in range(each)
        ]
        for n in range(users)
    ]


@dataclass
class Sent:
    """Final statuses by count (0: no connection), and how many requests were sent again."""

    statuses: dict[int, int]
    resent: int = 0


async def send_updates(
    webhooks: list[str], per_user: list[list[dict[str, Any]]], connections: int = 32
) -> Sent:
    """Play Telegram: users in parallel, each user's updates one after another (the next once
    the previous got its 200), requests spread round-robin over `webhooks`. Like Telegram, an
    update answered 5xx or not at all is sent again (to the next webhook) for up to 2 minutes."""
    turn = itertools.count()
    sent = Sent({})
    gate = asyncio.Semaphore(connections)
    limits = httpx.Limits(max_connections=connections * len(webhooks))
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:

        async def post(update: dict[str, Any]) -> int:
            url = webhooks[next(turn) % len(webhooks)]
            async with gate:
                try:
                    response = await http.post(url, content=json.dumps(update), headers=HEADERS)
                except httpx.TransportError:
                    return 0
            return response.status_code

        async def user(sequence: list[dict[str, Any]]) -> None:
            for update in sequence:
                status = await post(update)
                give_up = time.monotonic() + 120
                attempt = 0
                while status in (0, 502, 503, 504) and time.monotonic() < give_up:
                    sent.resent += 1
                    attempt += 1
                    await asyncio.sleep(min(0.1 * attempt, 1.0))
                    status = await post(update)
                sent.statuses[status] = sent.statuses.get(status, 0) + 1

        await asyncio.gather(*(user(sequence) for sequence in per_user))
    return sent


@dataclass(frozen=True)
class Tally:
    """What the fake Bot API received against what was sent."""

    expected: int
    replies: int
    lost: int
    duplicated: int
    out_of_order_chats: int


def tally(fake: FakeTelegram, per_user: list[list[dict[str, Any]]]) -> Tally:
    """Each update asks for one meeting and gets one reply naming its time: per chat, the
    replies' hours must be exactly the sent hours, in the sent order."""
    lost = duplicated = disordered = replies = 0
    for sequence in per_user:
        chat = sequence[0]["message"]["chat"]["id"]
        sent = [_hour(u["message"]["text"]) for u in sequence]
        got = [_hour(t) for t in fake.texts_to(chat)]
        replies += len(got)
        lost += sum(max(sent.count(h) - got.count(h), 0) for h in set(sent))
        duplicated += sum(max(got.count(h) - sent.count(h), 0) for h in set(got))
        first_seen = list(dict.fromkeys(h for h in got if h in sent))  # a repeat is not disorder
        if first_seen != sent[: len(first_seen)]:
            disordered += 1
    expected = sum(len(s) for s in per_user)
    return Tally(expected, replies, lost, duplicated, disordered)


def _hour(message: str) -> int:
    found = re.search(r"(\d{1,2}):00", message)
    return int(found.group(1)) if found else -1


async def postgres_admin(admin_url: str, statement: str) -> None:
    """Run one statement on the PostgreSQL server's admin database (CREATE / DROP DATABASE
    for a bench's own throwaway database), outside any transaction as those need."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    connection = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def scalar(database_url: str, sql: str) -> int:
    """One number from the server's database (read through our own Database)."""
    database = await Database.open(database_url, migrate=False, check=False)
    try:
        async with database.reading() as connection:
            return int((await connection.execute(text(sql))).scalar() or 0)
    finally:
        await database.close()


async def inbox_states(database_url: str) -> dict[str, int]:
    database = await Database.open(database_url, migrate=False, check=False)
    try:
        async with database.reading() as connection:
            rows = await connection.execute(
                text("SELECT state, count(*) FROM inbox GROUP BY state")
            )
            return {str(state): int(n) for state, n in rows}
    finally:
        await database.close()


async def until_settled(database_url: str, total: int, within: float) -> dict[str, int]:
    """Until every one of `total` inbox rows is done or dead (or the time is up)."""
    deadline = time.monotonic() + within
    states: dict[str, int] = {}
    while time.monotonic() < deadline:
        states = await inbox_states(database_url)
        if states.get("done", 0) + states.get("dead", 0) >= total:
            return states
        await asyncio.sleep(0.5)
    return states
