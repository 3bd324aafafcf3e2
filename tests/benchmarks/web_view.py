"""Web calendar view benchmark (a command, not a test): `make bench-web`.

The real server runs in its own process (SQLite, defaults, the local user of a laptop
install) with 1,000 events stored over the 30 days around today; a bare FastAPI app in
another process answers the same week's JSON, already made, and does nothing else.

- **Page load**: headless Chromium (Playwright, Debian's chromium) opens `/` in a fresh
  context each run (no cache): first contentful paint (Performance API), and the time from
  navigation until FullCalendar has put every event of the week into the week view.
- **The week's events API**: `GET /api/calendar/events` for the week shown, requests/s and
  p50/p99 over a few connections, against the bare endpoint in the same run (rounds
  alternate, so a busy moment of the shared machine hits both); the ratio is printed.

Figures are printed with the date and the machine's load; nothing is asserted here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/, for the server roles and the browser

from benchmarks import server_roles  # noqa: E402
from benchmarks.server_roles import free_port, serve_app  # noqa: E402
from web_browser import chromium  # noqa: E402

ZONE = "Europe/Berlin"
EVENTS_PATH = "/api/calendar/events"


def week_of(today: date) -> tuple[date, date]:
    """Monday and the Monday after: the week the view shows first (weeks from Monday)."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=7)


# -- the processes ---------------------------------------------------------------------------


async def store_events(data: str, count: int, seed: int = 11) -> int:
    """`count` events for the local user over the 30 days around today (1 in 50 all day),
    stored through the calendar the assistant uses; how many fall in this week."""
    from calendar_assistant.channels.web.signin import LOCAL_USER
    from calendar_assistant.config import Settings
    from calendar_assistant.domain.events import NewEvent
    from calendar_assistant.server import create_app

    zone = ZoneInfo(ZONE)
    today = datetime.now(zone).date()
    monday, next_monday = week_of(today)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data,
        database_url=f"sqlite:///{data}/bench.sqlite3",
        default_timezone=ZONE,
        default_language="en",
    )
    app = create_app(settings)
    rng = random.Random(seed)
    in_week = 0
    async with app.router.lifespan_context(app):
        services = app.state.services
        record = await services.front.desk.user(LOCAL_USER)
        calendar = services.runtime.assistant.calendars(record.id)
        for number in range(count):
            day = today + timedelta(days=rng.randrange(-15, 15))
            all_day = number % 50 == 0
            if all_day:
                start = datetime(day.year, day.month, day.day, tzinfo=zone)
                end = start + timedelta(days=1)
            else:
                start = datetime(day.year, day.month, day.day, rng.randrange(8, 20), tzinfo=zone)
                start += timedelta(minutes=rng.choice((0, 15, 30, 45)))
                end = start + timedelta(minutes=rng.choice((15, 30, 45, 60, 90)))
            await calendar.create_event(NewEvent(f"Event {number}", start, end, ZONE))
            in_week += monday <= day < next_monday
    return in_week


def serve_bare(port: int) -> None:
    """The same week's answer as bytes made beforehand: what HTTP and FastAPI cost alone."""
    import uvicorn
    from fastapi import FastAPI, Response

    body = Path(os.environ["BENCH_WEEK_JSON"]).read_bytes()
    app = FastAPI()

    @app.get(EVENTS_PATH)
    async def events(start: str, end: str) -> Response:
        return Response(body, media_type="application/json")

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def spawn(role: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """This script again, as the server of `role` (serve-app, serve-bare)."""
    return server_roles.spawn(HERE, role, port, env, log)


async def wait_up(url: str) -> None:
    """Until a GET of `url` is answered 200."""

    async def answered(http: httpx.AsyncClient) -> bool:
        return (await http.get(url)).status_code == 200

    await server_roles.wait_up(url, answered)


# -- the measures ----------------------------------------------------------------------------


@dataclass
class Load:
    """One round of API calls."""

    requests: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    failures: int


async def hammer(url: str, params: dict[str, str], requests: int, connections: int) -> Load:
    """`requests` GETs over `connections` kept-alive connections, as fast as they answer.

    The local user's session cookie is taken once (a laptop install signs it in)."""
    latencies: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        await http.get("/auth/session")
        left = requests

        async def worker() -> None:
            nonlocal left, failures
            while left > 0:
                left -= 1
                began = time.perf_counter()
                response = await http.get(EVENTS_PATH, params=params)
                latencies.append(time.perf_counter() - began)
                failures += response.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        seconds = time.perf_counter() - began
    latencies.sort()
    return Load(
        requests=requests,
        seconds=round(seconds, 3),
        per_second=round(requests / seconds, 1),
        p50_ms=round(statistics.median(latencies) * 1000, 2),
        p99_ms=round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 2),
        failures=failures,
    )


@dataclass
class PageLoad:
    """One page load in a fresh browser context, in ms from navigation start."""

    first_contentful_paint_ms: float
    events_rendered_ms: float
    events_rendered: int


#: Resolves (at an animation frame) once the week view holds `n` events: the time then.
_RENDERED = """n => {
  const shown = document.querySelectorAll('.fc-timeGridWeek-view .fc-event').length;
  return shown >= n ? [performance.now(), shown] : false;
}"""
_FCP = """() => new Promise(resolve => {
  const found = performance.getEntriesByName('first-contentful-paint');
  if (found.length) { resolve(found[0].startTime); return; }
  new PerformanceObserver(list => resolve(list.getEntries()[0].startTime))
    .observe({type: 'paint', buffered: true});
})"""


async def page_loads(url: str, expected: int, runs: int) -> list[PageLoad]:
    loads: list[PageLoad] = []
    async with chromium() as browser:
        for _ in range(runs):
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            await page.goto(url + "/")
            done = await page.wait_for_function(
                _RENDERED, arg=expected, polling="raf", timeout=120_000
            )
            rendered_at, shown = await done.json_value()
            paint = await page.evaluate(_FCP)
            loads.append(PageLoad(round(paint, 1), round(rendered_at, 1), shown))
            await context.close()
    return loads


@dataclass
class Report:
    when: str
    machine: dict[str, Any]
    events_stored: int
    events_in_week: int
    page: list[PageLoad] = field(default_factory=list)
    api: list[Load] = field(default_factory=list)
    bare: list[Load] = field(default_factory=list)

    def best(self, runs: list[Load]) -> Load:
        return max(runs, key=lambda r: r.per_second)

    @property
    def ratio(self) -> float:
        return self.best(self.api).per_second / self.best(self.bare).per_second


def machine() -> dict[str, Any]:
    return {"cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}


async def measure(
    events: int = 1000, runs: int = 5, requests: int = 2000, connections: int = 8, rounds: int = 2
) -> Report:
    """Everything above, in a temporary folder; the servers are stopped at the end."""
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ)
        env.update(
            DATA_DIR=data,
            DATABASE_URL=f"sqlite:///{data}/bench.sqlite3",
            DEFAULT_TIMEZONE=ZONE,
            DEFAULT_LANGUAGE="en",
            LOG_LEVEL="WARNING",
            BENCH_WEEK_JSON=f"{data}/week.json",
        )
        for name in ("PUBLIC_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "REDIS_URL"):
            env.pop(name, None)
        report = Report(datetime.now(UTC).isoformat(timespec="seconds"), machine(), events, 0)
        report.events_in_week = await store_events(data, events)
        app_port, bare_port = free_port(), free_port()
        app_url, bare_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        log = Path(data) / "servers.log"
        monday, next_monday = week_of(datetime.now(ZoneInfo(ZONE)).date())
        params = {"start": monday.isoformat(), "end": next_monday.isoformat()}
        app = spawn("serve-app", app_port, env, log)
        bare: subprocess.Popen[bytes] | None = None
        try:
            await wait_up(app_url + "/healthz")
            async with httpx.AsyncClient(base_url=app_url) as http:
                await http.get("/auth/session")
                week = await http.get(EVENTS_PATH, params=params)
                week.raise_for_status()
            await asyncio.to_thread(Path(env["BENCH_WEEK_JSON"]).write_bytes, week.content)
            bare = spawn("serve-bare", bare_port, env, log)
            await wait_up(f"{bare_url}{EVENTS_PATH}?start=a&end=b")
            report.page = await page_loads(app_url, report.events_in_week, runs)
            await hammer(bare_url, params, requests // 4, connections)  # warm-up
            await hammer(app_url, params, requests // 4, connections)
            for _ in range(rounds):
                report.bare.append(await hammer(bare_url, params, requests, connections))
                report.api.append(await hammer(app_url, params, requests, connections))
        finally:
            for process in (app, bare):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=30)
        report.machine["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def show(report: Report) -> None:
    print(
        f"{report.when}, {report.machine['cores']} cores, load average before "
        f"{report.machine['load_average']}, after {report.machine['load_average_after']}"
    )
    shown = sorted({p.events_rendered for p in report.page})
    print(
        f"{report.events_stored} events over 30 days, {report.events_in_week} in the week shown "
        f"(the view showed {', '.join(map(str, shown))})"
    )
    paints = [p.first_contentful_paint_ms for p in report.page]
    rendered = [p.events_rendered_ms for p in report.page]
    print(
        f"page load, {len(report.page)} runs (fresh context each): first contentful paint "
        f"median {statistics.median(paints):.0f} ms (min {min(paints):.0f}, max {max(paints):.0f}); "
        f"week view with its events median {statistics.median(rendered):.0f} ms "
        f"(min {min(rendered):.0f}, max {max(rendered):.0f})"
    )
    for name, runs in (("bare FastAPI", report.bare), ("events API", report.api)):
        best = report.best(runs)
        print(
            f"{name:>12}: {best.per_second:7.0f} requests/s, p50 {best.p50_ms:6.1f} ms, "
            f"p99 {best.p99_ms:6.1f} ms, non-200 {best.failures} (best of {len(runs)} rounds "
            f"of {best.requests})"
        )
    print(f"events API / bare throughput: {report.ratio:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="page loads")
    parser.add_argument("--requests", type=int, default=2000, help="API calls a round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--serve-app", type=int)
    parser.add_argument("--serve-bare", type=int)
    args = parser.parse_args()
    if args.serve_app:
        serve_app(args.serve_app)
        return 0
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0
    report = asyncio.run(
        measure(args.events, args.runs, args.requests, args.connections, args.rounds)
    )
    show(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
