"""Webhook load benchmark (a command, not a test): `make bench-server`.

Besides this process: the fake Bot API, the real server in webhook mode (`--servers` of
them, on SQLite or a fresh PostgreSQL database of its own, `--database`), and as many bare
FastAPI apps whose webhook answers 200 and does nothing. This process plays Telegram:
1,000 users send 3 updates each (in order per user, users in parallel over 64 connections,
round-robin over the processes), 5% of updates are sent twice as Telegram does on a timeout.
Rounds alternate bare and real; each real round waits for every reply.

Printed for each, in the same run: **acknowledged** (updates/s answered 200, p50/p99) and,
for the real server, **answered** (distinct updates / the time from the first update sent
until every reply reached the fake Bot API: the headline), each as a ratio to the bare
endpoint's rate; lost / duplicated replies (counted at the fake), non-200s, refusals
("busy", INBOX_MAX_PENDING), events stored, and the CPU each update cost the client and
the servers. `--burst` sends over a client per connection (see `_Connections`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from sqlalchemy import text as sql

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for fakes.telegram

from benchmarks import server_roles  # noqa: E402
from benchmarks.server_roles import free_port, serve_app  # noqa: E402
from fakes.telegram import TOKEN, WEBHOOK_SECRET, FakeTelegram  # noqa: E402
from serving import postgres_admin  # noqa: E402

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
ADMIN_URL = os.environ.get(
    "CALENDAR_ASSISTANT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
MESSAGES = ("Запланируй встречу с командой завтра в 10:00", "/today", "/help")


# -- the processes ---------------------------------------------------------------------------


def serve_fake(port: int) -> None:
    fake = FakeTelegram()
    fake.port = port
    fake.start()
    while True:
        time.sleep(3600)


def serve_profiled_app(port: int) -> None:
    """The real server (`server_roles.serve_app`), with a cProfile of its loop thread
    written on SIGTERM when WEBHOOK_BENCH_PROFILE names a folder."""
    profile = os.environ.get("WEBHOOK_BENCH_PROFILE")
    if profile:
        profiler = cProfile.Profile()

        def dump(*_: object) -> None:  # uvicorn re-raises SIGTERM after its shutdown: here
            profiler.disable()
            profiler.dump_stats(str(Path(profile) / f"server-{port}.prof"))
            os._exit(0)

        signal.signal(signal.SIGTERM, dump)
        profiler.enable()
    serve_app(port, timeout_keep_alive=60)


def serve_bare(port: int) -> None:
    import uvicorn

    app = FastAPI()

    @app.post("/telegram/webhook")
    async def webhook(request: Request) -> dict[str, bool]:
        await request.body()
        return {"ok": True}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", timeout_keep_alive=60)


def spawn(role: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """This script again, as the server of `role` (serve-fake, serve-app, serve-bare)."""
    return server_roles.spawn(HERE, role, port, env, log)


async def wait_up(url: str, within: float = 60.0) -> None:
    """Until the webhook answers something other than 503 (the bot is connected)."""

    async def answered(http: httpx.AsyncClient) -> bool:
        response = await http.post(url, content=b"{}", headers=HEADERS)
        return response.status_code != 503

    await server_roles.wait_up(url, answered, within)


# -- the load ----------------------------------------------------------------------------------


def updates(
    users: int, first_user: int, fake: FakeTelegram, seed: int = 7
) -> list[list[dict[str, Any]]]:
    """Each user's updates in order; some sent twice (same update_id), as Telegram re-sends."""
    rng = random.Random(seed)
    per_user: list[list[dict[str, Any]]] = []
    for n in range(users):
        user_id = first_user + n
        sequence: list[dict[str, Any]] = []
        for text in MESSAGES:
            update = fake.text_update(user_id, text)
            sequence.append(update)
            if rng.random() < 0.05:
                sequence.append(update)
        per_user.append(sequence)
    return per_user


class _Connections:
    """Telegram's `connections` to the servers, lent to one request at a time.

    By default one client holds them all in its pool behind a gate, as the issue measured
    the bare endpoint. That client's pool checks each of its connections on every request
    (httpcore), which costs the client more the slower the server answers (2.6 ms of CPU per
    request against the bare endpoint, 6.9 against the real server, on the same two cores
    as the server). `burst` gives each connection a client of its own (0.6-0.8 ms whatever
    the server's pace): updates are then acknowledged as fast as the server stores them,
    and the figure that matters is how fast the backlog is answered.
    """

    def __init__(self, servers: int, connections: int, burst: bool) -> None:
        self._servers, self._connections, self._burst = servers, connections, burst
        self._stack = contextlib.AsyncExitStack()
        self._idle: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
        self._gate = asyncio.Semaphore(connections)
        self._shared: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Callable[[], contextlib.AbstractAsyncContextManager[Any]]:
        if not self._burst:
            each = self._connections * self._servers
            limits = httpx.Limits(max_connections=each, max_keepalive_connections=each)
            client = httpx.AsyncClient(limits=limits, timeout=30)
            self._shared = await self._stack.enter_async_context(client)
            return self._lend_shared
        limits = httpx.Limits(max_connections=self._servers)
        for _ in range(self._connections):
            client = httpx.AsyncClient(limits=limits, timeout=30)
            self._idle.put_nowait(await self._stack.enter_async_context(client))
        return self._lend_own

    async def __aexit__(self, *_: object) -> None:
        await self._stack.aclose()

    @contextlib.asynccontextmanager
    async def _lend_shared(self) -> AsyncIterator[httpx.AsyncClient]:
        assert self._shared is not None
        async with self._gate:
            yield self._shared

    @contextlib.asynccontextmanager
    async def _lend_own(self) -> AsyncIterator[httpx.AsyncClient]:
        client = await self._idle.get()
        try:
            yield client
        finally:
            self._idle.put_nowait(client)


async def drive(
    urls: list[str], per_user: list[list[dict[str, Any]]], connections: int, burst: bool
) -> dict[str, Any]:
    """Send every user's updates in order (users in parallel), round-robin over `urls`; the
    rate is of requests answered (re-sent copies included)."""
    turn = itertools.count()
    latencies: list[float] = []
    failures = 0
    resent = 0
    async with _Connections(len(urls), connections, burst) as lend:

        async def user(sequence: list[dict[str, Any]]) -> None:
            nonlocal failures, resent
            headers = {**HEADERS, "content-type": "application/json"}
            for update in sequence:
                body = json.dumps(update).encode()
                for _attempt in range(5):  # Telegram re-sends when a connection breaks
                    async with lend() as http:
                        started = time.perf_counter()
                        try:
                            url = urls[next(turn) % len(urls)]
                            response = await http.post(url, content=body, headers=headers)
                        except httpx.TransportError:
                            resent += 1
                            continue
                        latencies.append(time.perf_counter() - started)
                    break
                else:
                    failures += 1
                    continue
                if response.status_code != 200:
                    failures += 1

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(user(s) for s in per_user))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    latencies.sort()
    return {
        "requests": len(latencies),
        "failures": failures,
        "resent": resent,
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "client_cpu_ms": cpu * 1000 / max(len(latencies), 1),
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


async def sent_counts(http: httpx.AsyncClient, fake_url: str) -> dict[str, int]:
    counts: dict[str, int] = (await http.get(f"{fake_url}/_fake/sent")).json()
    return counts


async def until_answered(
    fake_url: str, chats: list[str], each: int, within: float
) -> tuple[dict[str, int], float]:
    """Until every chat of `chats` got `each` messages at the fake Bot API (or the time is
    up): the counts, and when the last one came (seconds from now, polled every 0.1 s)."""
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=30) as http:
        while True:
            counts = await sent_counts(http, fake_url)
            if all(counts.get(chat, 0) >= each for chat in chats):
                return counts, time.perf_counter() - started
            if time.perf_counter() - started > within:
                return counts, time.perf_counter() - started
            await asyncio.sleep(0.1)


async def busy_refusals(urls: list[str]) -> int:
    """`assistant_channel_updates_total{result="busy"}` summed over the servers (loopback)."""
    total = 0.0
    async with httpx.AsyncClient(timeout=10) as http:
        for url in urls:
            text = (await http.get(url.replace("/telegram/webhook", "/metrics"))).text
            for line in text.splitlines():
                if line.startswith("assistant_channel_updates_total{") and 'result="busy"' in line:
                    total += float(line.rsplit(" ", 1)[1])
    return int(total)


async def drive_app(
    urls: list[str],
    fake_url: str,
    load: list[list[dict[str, Any]]],
    connections: int,
    burst: bool,
) -> dict[str, Any]:
    """One round against the real servers: acknowledged (every 200 back) and answered (every
    reply at the fake Bot API), both timed from the first update sent."""
    started = time.perf_counter()
    result = await drive(urls, load, connections, burst)
    chats = [str(sequence[0]["message"]["chat"]["id"]) for sequence in load]
    counts, after = await until_answered(fake_url, chats, len(MESSAGES), within=900)
    answered_seconds = time.perf_counter() - started
    distinct = len(load) * len(MESSAGES)
    result.update(
        answered_seconds=answered_seconds,
        answered_per_second=distinct / answered_seconds,
        distinct=distinct,
        lost=sum(max(len(MESSAGES) - counts.get(c, 0), 0) for c in chats),
        duplicated=sum(max(counts.get(c, 0) - len(MESSAGES), 0) for c in chats),
        drain_seconds=after,
    )
    return result


def cpu_seconds(pids: list[int]) -> float | None:
    """CPU time (user and system) the processes used so far, from /proc (None elsewhere):
    what a round costs the servers, whatever else the machine was doing meanwhile."""
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


async def _admin(statement: str) -> None:
    await postgres_admin(ADMIN_URL, statement)


async def _database(kind: str, data: str) -> tuple[str, str | None]:
    """The server's database URL, and the PostgreSQL database to drop afterwards."""
    if kind == "sqlite":
        return f"sqlite:///{data}/bench.sqlite3", None
    from sqlalchemy.engine import make_url

    name = f"calendar_assistant_webhook_bench_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False), name


def _migrate(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "calendar_assistant.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed: {done.stderr}")


async def _events(database_url: str) -> int:
    from calendar_assistant.storage.database import Database

    database = await Database.open(database_url, migrate=False, check=False)
    try:
        async with database.reading() as connection:
            return int((await connection.execute(sql("SELECT count(*) FROM events"))).scalar() or 0)
    finally:
        await database.close()


async def measure(
    data: str, kind: str, servers: int, users: int, connections: int, rounds: int, burst: bool
) -> dict[str, Any]:
    """Start everything, warm up, run the rounds (bare and real in turn), stop everything."""
    database_url, dropped = await _database(kind, data)
    fake_port = free_port()
    fake_url = f"http://127.0.0.1:{fake_port}"
    env = dict(os.environ)
    env.update(
        DATA_DIR=data,
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_url,
        TELEGRAM_WEBHOOK_URL="https://bench.example.org/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        LOG_LEVEL="WARNING",
        RATE_LIMIT_PER_MINUTE="1000",
        AUTO_MIGRATE="false",
    )
    for name in ("REDIS_URL", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"):
        env.pop(name, None)
    _migrate(env)
    log = Path(data) / "servers.log"
    app_ports = [free_port() for _ in range(servers)]
    bare_ports = [free_port() for _ in range(servers)]
    processes = [spawn("serve-fake", fake_port, env, log)]
    processes += [spawn("serve-app", port, env, log) for port in app_ports]
    processes += [spawn("serve-bare", port, env, log) for port in bare_ports]
    app_pids = [process.pid for process in processes[1 : 1 + servers]]
    try:
        app_urls = [f"http://127.0.0.1:{p}/telegram/webhook" for p in app_ports]
        bare_urls = [f"http://127.0.0.1:{p}/telegram/webhook" for p in bare_ports]
        for url in bare_urls + app_urls:
            await wait_up(url)
        maker = FakeTelegram()
        warm = updates(50, 1_000_000, maker)
        await drive(bare_urls, warm, connections, burst)
        await drive_app(app_urls, fake_url, warm, connections, burst)
        # Rounds alternate, so a busy moment of the machine hits both; each round has its
        # own 1,000 users (an update id acts once, ever) and waits for every reply.
        bare_runs, app_runs, loads = [], [], []
        for round_ in range(rounds):
            load = updates(users, 10_000 + round_ * users, maker)
            bare_runs.append(await drive(bare_urls, load, connections, burst))
            loads.append(os.getloadavg()[0])
            before = cpu_seconds(app_pids)
            app_runs.append(await drive_app(app_urls, fake_url, load, connections, burst))
            after = cpu_seconds(app_pids)
            if before is not None and after is not None:
                app_runs[-1]["server_cpu_ms"] = (after - before) * 1000 / app_runs[-1]["distinct"]
            loads.append(os.getloadavg()[0])
        refused = await busy_refusals(app_urls)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    try:
        events = await _events(database_url) - 50
    finally:
        if dropped is not None:
            await _admin(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
    problems = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if "failed" in line or "Traceback" in line
    ]
    return {
        "bare": bare_runs,
        "app": app_runs,
        "events": events,
        "refused": refused,
        "problems": problems,
        "loads": loads,
    }


def report(figures: dict[str, Any], kind: str, servers: int, users: int, rounds: int) -> bool:
    bare = max(figures["bare"], key=lambda r: r["per_second"])
    app = max(figures["app"], key=lambda r: r["answered_per_second"])
    target = 0.5 if kind == "postgresql" else 0.3
    ack_ratio = app["per_second"] / bare["per_second"]
    answered_ratio = app["answered_per_second"] / bare["per_second"]
    lost = sum(r["lost"] for r in figures["app"])
    duplicated = sum(r["duplicated"] for r in figures["app"])
    failures = sum(r["failures"] for r in figures["app"])
    loads = ", ".join(f"{x:.1f}" for x in figures["loads"])
    print(
        f"{kind}, {servers} server process(es): {rounds} rounds of {users} users, "
        f"{bare['requests']} updates a round ({users * len(MESSAGES)} distinct); best round "
        f"shown; load average 1 min after each run: {loads}"
    )
    for name, result in (("bare FastAPI 200", bare), ("webhook", app)):
        print(
            f"{name:>17}: acknowledged {result['per_second']:6.0f} updates/s, "
            f"p50 {result['p50_ms']:6.1f} ms, p99 {result['p99_ms']:7.1f} ms, "
            f"client CPU {result['client_cpu_ms']:.1f} ms each, "
            f"non-200 {result['failures']}, re-sent after a broken connection {result['resent']}"
        )
    for n, result in enumerate(figures["app"], 1):
        print(
            f"  round {n}: acknowledged {result['per_second']:.0f}/s in {result['seconds']:.1f} s,"
            f" answered {result['answered_per_second']:.0f}/s (every reply at the fake "
            f"{result['answered_seconds']:.1f} s after the first update)"
            + (
                f", server CPU {result['server_cpu_ms']:.1f} ms per update"
                if "server_cpu_ms" in result
                else ""
            )
        )
    print(
        f"answered end to end: {app['answered_per_second']:.0f} updates/s = {answered_ratio:.2f}"
        f" of the bare endpoint (target {target:.2f}); acknowledged {ack_ratio:.2f}"
    )
    print(
        f"lost {lost}, duplicated {duplicated}, non-200 {failures}, refused busy "
        f"{figures['refused']}, events stored {figures['events']} (expected {users * rounds})"
    )
    print(f"server log lines reporting failures: {len(figures['problems'])}")
    for line in figures["problems"][:10]:
        print("  " + line[:200])
    ok = (
        answered_ratio >= target
        and (lost, duplicated, failures, figures["refused"]) == (0, 0, 0, 0)
        and figures["events"] == users * rounds
    )
    print("PASS" if ok else "FAIL")
    return ok


async def main_async(
    kind: str, servers: int, users: int, connections: int, rounds: int, burst: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data:
        return await measure(data, kind, servers, users, connections, rounds, burst)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--servers", type=int, default=1, help="server processes (and bare ones)")
    parser.add_argument(
        "--burst",
        action="store_true",
        help="a client per connection: acknowledged at the server's storing pace, then the "
        "backlog is answered (see _Connections)",
    )
    parser.add_argument("--json", help="also write the figures here")
    parser.add_argument("--serve-fake", type=int)
    parser.add_argument("--serve-app", type=int)
    parser.add_argument("--serve-bare", type=int)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.serve_fake)
        return 0
    if args.serve_app:
        serve_profiled_app(args.serve_app)
        return 0
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0
    figures = asyncio.run(
        main_async(
            args.database, args.servers, args.users, args.connections, args.rounds, args.burst
        )
    )
    ok = report(figures, args.database, args.servers, args.users, args.rounds)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
