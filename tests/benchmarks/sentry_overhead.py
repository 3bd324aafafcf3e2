"""Error tracking's cost on replies (a command, not a test):
`.venv/bin/python tests/benchmarks/sentry_overhead.py`.

The web chat answers N messages that each fail inside (a broken trigger refuses new
events, so every message logs an error that becomes a Sentry event), four ways: no DSN;
a DSN at a fake ingest that answers; one whose port nobody listens on; one at a fake
ingest that accepts and never answers.
Printed: p50 / p99 / max reply time per way. Loopback only; bounded by N.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import structlog

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for fakes

import web_session  # noqa: E402
from calendar_assistant.config import Settings  # noqa: E402
from calendar_assistant.logging_setup import configure_logging  # noqa: E402
from calendar_assistant.runtime import logging_config  # noqa: E402
from calendar_assistant.server import create_app  # noqa: E402
from fakes.sentry import PUBLIC_KEY, FakeSentry  # noqa: E402
from fakes.telegram import free_port  # noqa: E402

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def break_events(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE audit (id INTEGER)")
        connection.execute(
            "CREATE TRIGGER audited AFTER INSERT ON events BEGIN INSERT INTO audit VALUES (1); END"
        )
        connection.execute("DROP TABLE audit")


async def replies(dsn: str | None, count: int) -> list[float]:
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(data),
            database_url=f"sqlite:///{data}/bench.sqlite3",
            sentry_dsn=dsn,
            rate_limit_per_minute=100_000,
            log_level="ERROR",
        )
        configure_logging(logging_config(settings), stream=io.StringIO())
        app = create_app(settings, clock=lambda: NOW)
        times: list[float] = []
        async with app.router.lifespan_context(app):
            break_events(Path(data) / "bench.sqlite3")
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
                await web_session.local(http)  # the local user of a laptop install
                for n in range(count):
                    started = time.perf_counter()
                    answer = await http.post(
                        "/api/chat", json={"text": f"Запланируй встречу номер {n} завтра в 10"}
                    )
                    times.append(time.perf_counter() - started)
                    assert answer.status_code == 200
        structlog.reset_defaults()
        return sorted(times)


def summary(name: str, times: list[float]) -> str:
    p50 = times[len(times) // 2] * 1000
    p99 = times[max(0, int(len(times) * 0.99) - 1)] * 1000
    return f"{name:>28}: p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  max {times[-1] * 1000:6.1f} ms"


async def main_async(count: int) -> None:
    closed = f"http://{PUBLIC_KEY}@127.0.0.1:{free_port()}/1"
    with FakeSentry() as hanging, FakeSentry() as answering:
        hanging.hold()
        ways = (
            ("no DSN", None),
            ("DSN at an answering ingest", answering.dsn),
            ("DSN on a closed port", closed),
            ("DSN at a hanging ingest", hanging.dsn),
        )
        for name, dsn in ways:
            print(summary(name, await replies(dsn, count)), flush=True)
        print(f"the answering ingest received {len(answering.events)} events")
        print(f"the hanging ingest was sent {hanging.arrived} request(s) and answered none")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200)
    asyncio.run(main_async(parser.parse_args().messages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
