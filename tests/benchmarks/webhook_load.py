"""Webhook load benchmark (a command, not a test): `make bench-server`.

Three processes besides this one: the fake Bot API, the real server in webhook mode (SQLite,
everything else default) and a bare FastAPI app whose webhook answers 200 and does nothing.
This process plays Telegram: 1,000 users send 3 updates each (in order per user, users in
parallel over 64 connections), 5% of updates are sent twice as Telegram does on a timeout.
Printed: accepted updates/s and p50/p99 latency for both apps, the time until every reply
was sent, and lost / duplicated replies (counted at the fake) and events stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for fakes.telegram

from benchmarks import server_roles  # noqa: E402
from benchmarks.server_roles import free_port, serve_app  # noqa: E402
from fakes.telegram import TOKEN, WEBHOOK_SECRET, FakeTelegram  # noqa: E402

HEADERS = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
MESSAGES = ("Запланируй встречу с командой завтра в 10:00", "/today", "/help")


# -- the processes ---------------------------------------------------------------------------


def serve_fake(port: int) -> None:
    fake = FakeTelegram()
    fake.port = port
    fake.start()
    while True:
        time.sleep(3600)


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


async def drive(url: str, per_user: list[list[dict[str, Any]]], connections: int) -> dict[str, Any]:
    latencies: list[float] = []
    failures = 0
    resent = 0
    gate = asyncio.Semaphore(connections)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:

        async def user(sequence: list[dict[str, Any]]) -> None:
            nonlocal failures, resent
            headers = {**HEADERS, "content-type": "application/json"}
            for update in sequence:
                body = json.dumps(update).encode()
                for _attempt in range(5):  # Telegram re-sends when a connection breaks
                    async with gate:
                        started = time.perf_counter()
                        try:
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

        started = time.perf_counter()
        await asyncio.gather(*(user(s) for s in per_user))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "failures": failures,
        "resent": resent,
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


async def replies_settled(
    fake_url: str, expected: int, within: float
) -> tuple[dict[str, int], float]:
    """Sent counts per chat once they stop growing (or the time is up), and when that was."""
    started = time.perf_counter()
    last = -1
    async with httpx.AsyncClient() as http:
        while True:
            counts: dict[str, int] = (await http.get(f"{fake_url}/_fake/sent")).json()
            total = sum(counts.values())
            if total >= expected and total == last:
                return counts, time.perf_counter() - started
            if time.perf_counter() - started > within:
                return counts, time.perf_counter() - started
            last = total
            await asyncio.sleep(0.5)


async def main_async(users: int, connections: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory() as data:
        fake_port, app_port, bare_port = free_port(), free_port(), free_port()
        fake_url = f"http://127.0.0.1:{fake_port}"
        env = dict(os.environ)
        env.update(
            DATA_DIR=data,
            DATABASE_URL=f"sqlite:///{data}/bench.sqlite3",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake_url,
            TELEGRAM_WEBHOOK_URL="https://bench.example.org/telegram/webhook",
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            LOG_LEVEL="WARNING",
        )
        log = Path(data) / "servers.log"
        processes = [
            spawn("serve-fake", fake_port, env, log),
            spawn("serve-app", app_port, env, log),
            spawn("serve-bare", bare_port, env, log),
        ]
        try:
            app_url = f"http://127.0.0.1:{app_port}/telegram/webhook"
            bare_url = f"http://127.0.0.1:{bare_port}/telegram/webhook"
            await wait_up(bare_url)
            await wait_up(app_url)
            maker = FakeTelegram()
            warm = updates(50, 1_000_000, maker)
            await drive(bare_url, warm, connections)
            await drive(app_url, warm, connections)
            await replies_settled(fake_url, 150, within=120)
            # Two rounds each, alternating, so a busy moment of the machine hits both;
            # each round has its own 1,000 users (an update id acts once, ever).
            bare_runs, app_runs = [], []
            for round_ in range(rounds):
                load = updates(users, 10_000 + round_ * users, maker)
                bare_runs.append(await drive(bare_url, load, connections))
                app_runs.append(await drive(app_url, load, connections))
            bare = max(bare_runs, key=lambda r: r["per_second"])
            app = max(app_runs, key=lambda r: r["per_second"])
            distinct = users * len(MESSAGES) * rounds
            counts, drain = await replies_settled(fake_url, distinct + 150, within=900)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        chats = [str(10_000 + n) for n in range(users * rounds)]
        lost = sum(max(len(MESSAGES) - counts.get(c, 0), 0) for c in chats)
        duplicated = sum(max(counts.get(c, 0) - len(MESSAGES), 0) for c in chats)
        problems = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if "failed" in line or "Traceback" in line
        ]
        with sqlite3.connect(f"{data}/bench.sqlite3") as db:
            events = db.execute("SELECT count(*) FROM events").fetchone()[0] - 50
    ratio = app["per_second"] / bare["per_second"]
    app_seconds = sum(r["seconds"] for r in app_runs)
    end_to_end = distinct / (app_seconds + drain)
    print(
        f"{rounds} rounds of {users} users, {bare['requests']} updates a round "
        f"({users * len(MESSAGES)} distinct), {connections} connections; best round shown"
    )
    for name, result in (("bare FastAPI 200", bare), ("webhook", app)):
        print(
            f"{name:>17}: {result['per_second']:7.0f} updates/s, p50 {result['p50_ms']:6.1f} ms, "
            f"p99 {result['p99_ms']:6.1f} ms, non-200 {result['failures']}, "
            f"re-sent after a broken connection {result['resent']}"
        )
    print(f"webhook / bare throughput: {ratio:.2f}")
    print(
        f"all replies sent {drain:.1f} s after the last update: {end_to_end:.0f} updates/s end to end"
    )
    print(
        f"lost {lost}, duplicated {duplicated}, events stored {events} (expected {users * rounds})"
    )
    print(f"server log lines reporting failures: {len(problems)}")
    for line in problems[:10]:
        print("  " + line[:200])
    ok = ratio >= 0.5 and lost == 0 and duplicated == 0 and events == users * rounds
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve-fake", type=int)
    parser.add_argument("--serve-app", type=int)
    parser.add_argument("--serve-bare", type=int)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake(args.serve_fake)
        return 0
    if args.serve_app:
        serve_app(args.serve_app, timeout_keep_alive=60)
        return 0
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0
    return asyncio.run(main_async(args.users, args.connections, args.rounds))


if __name__ == "__main__":
    raise SystemExit(main())
