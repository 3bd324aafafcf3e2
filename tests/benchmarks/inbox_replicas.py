"""Replicas on one PostgreSQL benchmark (a command, not a test): `make bench-replicas`.

Three `calendar-assistant serve` processes in webhook mode share one PostgreSQL database
(a fresh one of this benchmark's own, dropped afterwards) and the fake Bot API. This process
plays Telegram with a round-robin client: 500 users send 4 updates each (each user's in
order, the next once the previous got its 200; users in parallel), spread over the three
webhooks in turn, so one chat's updates land on different replicas. Printed: accepted
updates/s, the time until every update was handled, lost / duplicated replies and chats
whose replies came out of order (counted at the fake Bot API), events stored, dead letters.
The migration runs first as its own step (`calendar-assistant migrate`), as a deploy does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for fakes and serving

from fakes.telegram import FakeTelegram  # noqa: E402
from serving import (  # noqa: E402
    ServerProcess,
    Tally,
    meeting_updates,
    postgres_admin,
    scalar,
    send_updates,
    server_env,
    tally,
    until_settled,
)

ADMIN_URL = os.environ.get(
    "CALENDAR_ASSISTANT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Result:
    updates: int
    accept_seconds: float
    handled_seconds: float
    resent: int
    statuses: dict[int, int]
    counted: Tally
    events: int
    states: dict[str, int]

    @property
    def ok(self) -> bool:
        c = self.counted
        return (
            self.statuses == {200: self.updates}
            and (c.lost, c.duplicated, c.out_of_order_chats) == (0, 0, 0)
            and self.events == self.updates
            and self.states == {"done": self.updates}
        )


async def _admin(statement: str) -> None:
    await postgres_admin(ADMIN_URL, statement)


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


async def run(
    users: int, each: int, replicas: int, connections: int, workdir: Path, within: float
) -> Result:
    """The whole measurement in a fresh database of its own."""
    name = f"calendar_assistant_inbox_bench_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    servers: list[ServerProcess] = []
    try:
        with FakeTelegram() as fake:
            env = server_env(workdir, fake, url, AUTO_MIGRATE="false", LOG_LEVEL="WARNING")
            _migrate(env)
            for n in range(replicas):
                servers.append(ServerProcess(env, workdir / f"replica{n}.log").start())
            await asyncio.gather(*(server.wait_ready() for server in servers))
            load = meeting_updates(fake, users=users, each=each, first_user=100_000)
            started = time.perf_counter()
            sent = await send_updates([s.webhook for s in servers], load, connections)
            accepted = time.perf_counter() - started
            states = await until_settled(url, users * each, within)
            handled = time.perf_counter() - started
            counted = tally(fake, load)
            events = await scalar(url, "SELECT count(*) FROM events")
    finally:
        for server in servers:
            server.stop_quietly()
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return Result(
        users * each, accepted, handled, sent.resent, sent.statuses, counted, events, states
    )


def report(result: Result, replicas: int) -> str:
    c = result.counted
    return "\n".join(
        [
            f"{result.updates} updates from {result.updates // 4 if result.updates else 0} users "
            f"over {replicas} replicas on one PostgreSQL, round-robin",
            f"accepted in {result.accept_seconds:.1f} s "
            f"({result.updates / result.accept_seconds:.0f} updates/s), statuses "
            f"{result.statuses}, re-sent {result.resent}",
            f"all handled {result.handled_seconds:.1f} s after the first "
            f"({result.updates / result.handled_seconds:.0f} updates/s end to end)",
            f"replies {c.replies}: lost {c.lost}, duplicated {c.duplicated}, "
            f"chats out of order {c.out_of_order_chats}; events {result.events}; "
            f"inbox {result.states}",
            "PASS" if result.ok else "FAIL",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--each", type=int, default=4)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument("--within", type=float, default=600.0, help="give up after (seconds)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result = asyncio.run(
            run(args.users, args.each, args.replicas, args.connections, Path(workdir), args.within)
        )
    print(report(result, args.replicas))
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
