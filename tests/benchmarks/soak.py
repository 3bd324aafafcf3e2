"""Soak bench (a command, not a test): `make soak` (SOAK_SECONDS, 600 by default).

The real server in webhook mode and the fake Bot API run as their own processes on
loopback (started by webhook_load.py's roles); this process plays Telegram at a steady
rate for a bounded time: users send a mix of new events (each undone two messages later,
so the data keeps its size), questions and commands, each update once, in order per user. Every --sample seconds it reads the server process's
resident memory, its open file descriptors and sockets (from /proc), and with --postgres
the server's connections as PostgreSQL counts them (pg_stat_activity).

Printed: one line per sample, the replies the fake Bot API received (each update gets
at least one), then the growth between the first sample after warm-up and
the last, and a least-squares slope over the second half (MB per minute): a leak shows as
a slope that stays positive, a pool that leaks as sockets that keep climbing.
Traffic goes only to 127.0.0.1; the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for fakes.telegram
sys.path.insert(0, str(HERE.parent))  # webhook_load's server roles

from webhook_load import HEADERS, free_port, replies_settled, spawn, wait_up  # noqa: E402

from fakes.telegram import TOKEN, WEBHOOK_SECRET, FakeTelegram  # noqa: E402

#: Each new event is undone two messages later, so the calendars keep their size and memory
#: that grows is the process's, not the data's (`--growing-data` keeps the events instead).
MESSAGES = (
    "Запланируй встречу с командой завтра в 10:00",
    "Что у меня завтра?",
    "/undo",
    "/today",
    "Schedule a call with Anna on Friday at 15:00",
    "What do I have this week?",
    "/undo",
    "/help",
)
GROWING = tuple(m for m in MESSAGES if m != "/undo")

MAX_SECONDS = 900  # the bench never runs longer, whatever it is asked


@dataclass
class Sample:
    at: float
    rss_mb: float
    fds: int
    sockets: int
    database_connections: int | None
    sent: int
    replied: int
    failed: int
    p50_ms: float
    p99_ms: float


def process_figures(pid: int) -> tuple[float, int, int]:
    """Resident memory (MB), open descriptors and how many of them are sockets."""
    rss_kb = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
    fds = sockets = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        fds += 1
        with contextlib.suppress(OSError):
            sockets += os.readlink(fd).startswith("socket:")
    return rss_kb / 1024, fds, sockets


async def replies_so_far(fake_url: str) -> int:
    """Messages the server has sent so far (at the fake Bot API): behind `sent` is a backlog."""
    async with httpx.AsyncClient() as http:
        counts: dict[str, int] = (await http.get(f"{fake_url}/_fake/sent")).json()
    return sum(counts.values())


async def database_connections(admin_url: str | None, name: str | None) -> int | None:
    if admin_url is None or name is None:
        return None
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", name
        )
        return count
    finally:
        await connection.close()


def slope_per_minute(samples: list[Sample]) -> float:
    """Least-squares slope of memory over time, MB per minute."""
    if len(samples) < 2:
        return 0.0
    xs = [s.at / 60 for s in samples]
    ys = [s.rss_mb for s in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


class Driver:
    """Sends updates at `rate` per second from `users` users, round-robin, in order."""

    def __init__(
        self, url: str, users: int, rate: float, maker: FakeTelegram, messages: tuple[str, ...]
    ) -> None:
        self.url = url
        self.messages = messages
        self.users = users
        self.rate = rate
        self.maker = maker
        self.sent = 0
        self.failed = 0
        self.latencies: list[float] = []

    async def run(self, until: float) -> None:
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        headers = {**HEADERS, "content-type": "application/json"}
        pending: set[asyncio.Task[None]] = set()
        locks = [asyncio.Lock() for _ in range(self.users)]
        async with httpx.AsyncClient(limits=limits, timeout=30) as http:
            turns = itertools.count()
            started = time.monotonic()
            while time.monotonic() < until:
                n = next(turns)
                user = n % self.users
                text = self.messages[(n // self.users) % len(self.messages)]
                body = json.dumps(self.maker.text_update(5_000_000 + user, text)).encode()
                task = asyncio.create_task(self._send(http, headers, body, locks[user]))
                pending.add(task)
                task.add_done_callback(pending.discard)
                await asyncio.sleep(max(0.0, started + (n + 1) / self.rate - time.monotonic()))
            await asyncio.gather(*pending)

    async def _send(
        self, http: httpx.AsyncClient, headers: dict[str, str], body: bytes, lock: asyncio.Lock
    ) -> None:
        async with lock:  # one user's updates go in order, as Telegram sends them
            began = time.perf_counter()
            try:
                response = await http.post(self.url, content=body, headers=headers)
                ok = response.status_code == 200
            except httpx.TransportError:
                ok = False
            self.latencies.append(time.perf_counter() - began)
            self.sent += 1
            self.failed += not ok

    def window(self) -> tuple[float, float]:
        """p50 and p99 (ms) of the requests since the last call."""
        done, self.latencies = sorted(self.latencies), []
        if not done:
            return 0.0, 0.0
        return done[len(done) // 2] * 1000, done[max(0, int(len(done) * 0.99) - 1)] * 1000


async def soak(args: argparse.Namespace) -> int:
    seconds = min(args.seconds, MAX_SECONDS)
    with tempfile.TemporaryDirectory() as data:
        fake_port, app_port = free_port(), free_port()
        env = dict(os.environ)
        env.update(
            DATA_DIR=data,
            DATABASE_URL=f"sqlite:///{data}/soak.sqlite3",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{fake_port}",
            TELEGRAM_WEBHOOK_URL="https://soak.example.org/telegram/webhook",
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            LOG_LEVEL="WARNING",
        )
        name = None
        if args.postgres:
            name = f"ops_soak_{uuid.uuid4().hex[:10]}"
            await admin(args.postgres, f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + f"/{name}"
        if args.redis:
            env["REDIS_URL"] = args.redis
        log = Path(data) / "servers.log"
        fake = spawn("serve-fake", fake_port, env, log)
        app = spawn("serve-app", app_port, env, log)
        samples: list[Sample] = []
        try:
            url = f"http://127.0.0.1:{app_port}/telegram/webhook"
            await wait_up(url)
            messages = GROWING if args.growing_data else MESSAGES
            driver = Driver(url, args.users, args.rate, FakeTelegram(), messages)
            started = time.monotonic()
            load = asyncio.create_task(driver.run(started + seconds))
            print(
                f"soak: {seconds:.0f} s at {args.rate:g} updates/s from {args.users} users, "
                f"database {'PostgreSQL' if args.postgres else 'SQLite'}"
                f"{', Redis' if args.redis else ''}; sample every {args.sample:g} s; "
                f"{'events kept' if args.growing_data else 'each new event undone'}",
                flush=True,
            )
            print("    t   rss_MB  fds  sockets  db_conns   sent  replied  failed  p50_ms  p99_ms")
            while not load.done():
                await asyncio.wait({load}, timeout=args.sample)
                rss, fds, sockets = process_figures(app.pid)
                conns = await database_connections(args.postgres, name)
                replied = await replies_so_far(f"http://127.0.0.1:{fake_port}")
                p50, p99 = driver.window()
                sample = Sample(
                    time.monotonic() - started, rss, fds, sockets, conns,
                    driver.sent, replied, driver.failed, p50, p99,
                )  # fmt: skip
                samples.append(sample)
                print(
                    f"{sample.at:5.0f} {rss:8.1f} {fds:4d} {sockets:8d} "
                    f"{'-' if conns is None else conns:>9} {driver.sent:6d} {replied:8d} "
                    f"{driver.failed:7d} {p50:7.1f} {p99:7.1f}",
                    flush=True,
                )
            await load
            counts, _ = await replies_settled(
                f"http://127.0.0.1:{fake_port}", driver.sent, within=120
            )
            replies = sum(counts.values())
        finally:
            for process in (app, fake):
                process.terminate()
                process.wait(timeout=30)
            if name is not None:
                await admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return report(samples, args.warmup, replies)


def report(samples: list[Sample], warmup: float, replies: int) -> int:
    steady = [s for s in samples if s.at >= warmup] or samples
    first, last = steady[0], steady[-1]
    half = steady[len(steady) // 2 :]
    result: dict[str, Any] = {
        "updates": last.sent,
        "non_200": last.failed,
        "replies_sent": replies,
        "rss_mb_after_warmup": round(first.rss_mb, 1),
        "rss_mb_at_end": round(last.rss_mb, 1),
        "rss_mb_max": round(max(s.rss_mb for s in steady), 1),
        "rss_slope_mb_per_min_second_half": round(slope_per_minute(half), 2),
        "sockets_after_warmup": first.sockets,
        "sockets_at_end": last.sockets,
        "sockets_max": max(s.sockets for s in steady),
        "fds_after_warmup": first.fds,
        "fds_at_end": last.fds,
        "db_connections_max": max((s.database_connections or 0) for s in steady),
    }
    print(json.dumps(result, indent=2))
    return 0 if last.failed == 0 and replies >= last.sent else 1


async def admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600, help=f"at most {MAX_SECONDS}")
    parser.add_argument(
        "--rate", type=float, default=6.0, help="updates per second (keep it below capacity)"
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds not compared")
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        help="run on a fresh database of this PostgreSQL server (postgresql://user@host/db)",
    )
    parser.add_argument("--redis", metavar="URL", help="REDIS_URL for the server")
    parser.add_argument(
        "--growing-data", action="store_true", help="keep every new event (no /undo)"
    )
    return asyncio.run(soak(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
