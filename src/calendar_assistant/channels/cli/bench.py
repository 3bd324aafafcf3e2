"""`bench core`: how fast one message goes end to end, and free slots over a busy month.

It builds a throw-away SQLite database in a temporary folder, fills it, warms up, then times
with perf_counter (and process_time: CPU time, which a loaded machine does not inflate).
Figures are printed; docs/benchmarks.md records them. Targets: a message in 2 ms or less
(median; p99 5 ms, every message of the list under 3 ms) with 1,000 events stored; free slots
over a month of 10,000 events, the database read included, in 10 ms or less: measured with
nothing written between rounds (the busy times a read kept still hold), with a commit
elsewhere before each round, and with a change to the calendar itself before each round,
outside the month and inside it (the kept busy times read again where it changed).

`--json PATH` also writes the figures as JSON; `bench compare` sets such a file against the
committed baseline (bench/baselines/core.json) as ratios.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from calendar_assistant.calendars.base import CalendarBackend
from calendar_assistant.config import Settings
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.domain.free_slots import free_slots
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.storage.users import UserSettings

if TYPE_CHECKING:
    from calendar_assistant.runtime import Runtime

ZONE = ZoneInfo("Europe/Moscow")
#: The pinned clock of the benchmark: a Tuesday afternoon.
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZONE)
WARM_UP = 30

#: What users send most: reads in both languages; in each language a create at a busy time
#: (the conflict question, dropped by the undo after it) and one at a free evening hour (a
#: real write, undone right after, so the calendar keeps its size). Each is timed on its own.
MESSAGES: tuple[str, ...] = (
    "Какие у меня встречи на завтра?",
    "What's on my calendar next week?",
    "Какие свободные слоты в пятницу?",
    "Find me a free hour tomorrow afternoon",
    "Когда у меня следующая встреча с Иваном?",
    "Запланируй встречу с командой послезавтра в 16:00",
    "Отмени последнее",
    "Запланируй созвон с Петром послезавтра в 21:00",
    "Отмени последнее",
    "Lunch with Anna on Saturday at 1pm for 90 minutes",
    "undo",
    "Dinner with Anna on Saturday at 9pm",
    "undo",
    "Что ты умеешь?",
)
#: Targets (median, p99) in milliseconds.
MESSAGE_TARGET = (2.0, 5.0)
EACH_MESSAGE_TARGET = 3.0
FREE_SLOTS_TARGET = 10.0

TITLES = ("Встреча с Иваном", "Созвон с клиентом", "Standup", "Review", "Обед", "1:1 with Anna")


@dataclass(frozen=True, slots=True)
class Timing:
    """Latency figures in milliseconds."""

    label: str
    samples: int
    median_ms: float
    p99_ms: float

    def figures(self) -> dict[str, float]:
        return {"median_ms": round(self.median_ms, 3), "p99_ms": round(self.p99_ms, 3)}

    def line(self, target_ms: float | None = None) -> str:
        verdict = ""
        if target_ms is not None:
            verdict = "  OK" if self.median_ms <= target_ms else "  OVER TARGET"
            verdict = f"  (target median <= {target_ms:g} ms){verdict}"
        return (
            f"{self.label}: median {self.median_ms:.2f} ms, p99 {self.p99_ms:.2f} ms"
            f" over {self.samples}{verdict}"
        )


def summarize(label: str, seconds: Sequence[float]) -> Timing:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Timing(label, len(ordered), statistics.median(ordered) * 1000, p99 * 1000)


async def seed_events(
    calendar: CalendarBackend,
    count: int,
    start: datetime,
    days: int,
    *,
    hours: tuple[int, int] = (8, 19),
    lengths: tuple[int, ...] = (15, 30, 45, 60, 90),
) -> None:
    """`count` events spread over `days` days from `start`, starting within `hours`, a few series.

    Seeded from `count`, so every run stores the same calendar.
    """
    rng = random.Random(count)
    for index in range(count):
        day = start + timedelta(days=rng.randrange(days))
        begin = day.replace(hour=rng.randrange(*hours), minute=rng.choice((0, 15, 30, 45)))
        length = timedelta(minutes=rng.choice(lengths))
        rrule = "FREQ=WEEKLY;COUNT=10" if index % 100 == 0 else None
        await calendar.create_event(
            NewEvent(
                title=rng.choice(TITLES),
                start=begin,
                end=begin + length,
                timezone=ZONE.key,
                rrule=rrule,
            )
        )


async def bench_core(
    messages: int, events: int, busy: int, out: TextIO, json_path: Path | None = None
) -> int:
    """Run both measurements on a fresh database, print the figures (and write them as
    JSON to `json_path`: a flat name -> {median_ms, p99_ms} map, for `bench compare`)."""
    from calendar_assistant.runtime import open_runtime

    with tempfile.TemporaryDirectory(prefix="calendar-bench-") as folder:
        settings = Settings(
            data_dir=Path(folder),
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}",
            default_timezone=ZONE.key,
            log_level="WARNING",
        )
        async with open_runtime(settings) as runtime:
            out.write(f"bench core: SQLite in a temporary folder, now = {NOW.isoformat()}\n")
            out.flush()
            results = await _time_messages(runtime, messages, events, out)
            results |= await _time_free_slots(runtime, busy, out)
    if json_path is not None:
        sizes = {"messages": messages, "events": events, "busy": busy}
        _write_figures(json_path, sizes, results)
        out.write(f"figures written to {json_path}\n")
    return 0


def _write_figures(path: Path, sizes: dict[str, int], results: dict[str, Timing]) -> None:
    document = {
        "bench": "core",
        "sizes": sizes,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": {name: timing.figures() for name, timing in results.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


async def _time_messages(
    runtime: Runtime, messages: int, events: int, out: TextIO
) -> dict[str, Timing]:
    """Wall time per message, and CPU time too: on a busy machine the two part ways."""
    talker = await runtime.user("bench:messages", display_name="bench")
    month_start = NOW.replace(hour=0, minute=0) - timedelta(days=30)
    await seed_events(runtime.calendar(talker.id), events, month_start, 90)
    ref = UserRef(key=talker.key)
    # Keyed by place: the same words (an undo) do different work after different messages.
    per_message: list[list[float]] = [[] for _ in MESSAGES]
    per_message_cpu: list[list[float]] = [[] for _ in MESSAGES]
    wall: list[float] = []
    cpu: list[float] = []
    for index in range(WARM_UP + messages):
        place = index % len(MESSAGES)
        began, began_cpu = time.perf_counter(), time.process_time()
        await runtime.assistant.handle(ref, Inbound(text=MESSAGES[place]), NOW)
        elapsed, elapsed_cpu = time.perf_counter() - began, time.process_time() - began_cpu
        if index >= WARM_UP:
            wall.append(elapsed)
            cpu.append(elapsed_cpu)
            per_message[place].append(elapsed)
            per_message_cpu[place].append(elapsed_cpu)
    label = f"one message end to end ({events} events stored)"
    results = {"message": summarize(label, wall), "message.cpu": summarize(label + ", CPU", cpu)}
    out.write(results["message"].line(MESSAGE_TARGET[0]) + "\n")
    out.write(results["message.cpu"].line() + "\n")
    for place, samples in enumerate(per_message):
        if samples:
            timing = summarize(f"{place + 1:2}. {MESSAGES[place]!r}", samples)
            results[f"message.{place + 1:02}"] = timing
            # CPU time too: on a loaded machine the wall time is mostly waiting for a core.
            cpu_timing = summarize(timing.label + ", CPU", per_message_cpu[place])
            results[f"message.{place + 1:02}.cpu"] = cpu_timing
            out.write("  " + timing.line(EACH_MESSAGE_TARGET) + "\n")
            out.write("  " + cpu_timing.line() + "\n")
    out.flush()
    return results


async def _time_free_slots(runtime: Runtime, busy: int, out: TextIO) -> dict[str, Timing]:
    """The slot computation alone (the target) and with the month read from the database."""
    owner = await runtime.user("bench:busy", display_name="bench")
    calendar = runtime.calendar(owner.id)
    month = Interval(datetime(2026, 12, 1, tzinfo=ZONE), datetime(2027, 1, 1, tzinfo=ZONE))
    # A month this full only has gaps if the events are short and spread over the day.
    out.write(f"storing {busy} events in December 2026 ...\n")
    out.flush()
    await seed_events(calendar, busy, month.start, 31, hours=(0, 24), lengths=(5, 10))
    warm = await _slot_rounds(calendar, month, owner.settings)

    async def write_elsewhere(index: int) -> None:
        # A commit to the file that does not touch this calendar (the dialogue state): the
        # kept busy times still hold (storage docs, "calendar_versions").
        await runtime.assistant.states.save(owner.id, {"bench_round": index})

    async def change_calendar(index: int) -> None:
        # A change to this calendar outside the month (an event made and removed in
        # February): the calendar's version moves, the logged spans miss the month.
        begin = datetime(2027, 2, 1, 9, tzinfo=ZONE) + timedelta(hours=index)
        made = await calendar.create_event(
            NewEvent(
                title="bench", start=begin, end=begin + timedelta(minutes=30), timezone=ZONE.key
            )
        )
        await calendar.delete_event(made.id)

    async def change_month(index: int) -> None:
        # A change to this calendar inside the month (an event made and removed in a
        # day's working hours): the kept busy times are read again where it was.
        begin = datetime(2026, 12, 1 + index % 28, 9, tzinfo=ZONE) + timedelta(hours=index % 8)
        made = await calendar.create_event(
            NewEvent(
                title="bench", start=begin, end=begin + timedelta(minutes=30), timezone=ZONE.key
            )
        )
        await calendar.delete_event(made.id)

    cold = await _slot_rounds(calendar, month, owner.settings, write_elsewhere)
    changed = await _slot_rounds(calendar, month, owner.settings, change_calendar)
    inside = await _slot_rounds(calendar, month, owner.settings, change_month)
    # The target is what a user waits for: the month's busy times read, then the search.
    label = f"free slots over a month ({busy} events, {warm.found} slots)"
    results = {
        "free_slots": summarize(label + ", with the database read", warm.wall),
        "free_slots.cpu": summarize(label + ", the same, CPU time", warm.cpu),
        "free_slots.compute": summarize(label + ", computation alone", warm.compute),
        "free_slots.changed": summarize(
            label + ", the database written (not this calendar) before each", cold.wall
        ),
        "free_slots.calendar_changed": summarize(
            label + ", this calendar changed before each", changed.wall
        ),
        "free_slots.calendar_changed.cpu": summarize(
            label + ", this calendar changed before each, CPU time", changed.cpu
        ),
        "free_slots.month_changed": summarize(
            label + ", this calendar changed inside the month before each", inside.wall
        ),
        "free_slots.month_changed.cpu": summarize(
            label + ", this calendar changed inside the month before each, CPU time",
            inside.cpu,
        ),
    }
    out.write(results["free_slots"].line(FREE_SLOTS_TARGET) + "\n")
    out.write(results["free_slots.cpu"].line() + "\n")
    out.write(results["free_slots.compute"].line() + "\n")
    out.write(results["free_slots.changed"].line(FREE_SLOTS_TARGET) + "\n")
    out.write(results["free_slots.calendar_changed"].line(FREE_SLOTS_TARGET) + "\n")
    out.write(results["free_slots.calendar_changed.cpu"].line() + "\n")
    out.write(results["free_slots.month_changed"].line(FREE_SLOTS_TARGET) + "\n")
    out.write(results["free_slots.month_changed.cpu"].line() + "\n")
    return results


@dataclass(slots=True)
class _Rounds:
    wall: list[float]
    cpu: list[float]
    compute: list[float]
    found: int = 0


async def _slot_rounds(
    calendar: CalendarBackend,
    month: Interval,
    profile: UserSettings,
    before_each: Callable[[int], Awaitable[None]] | None = None,
) -> _Rounds:
    """Warm-up, then timed rounds of free/busy for the month and the slot search; with
    `before_each`, that runs (untimed) before every round."""
    rounds = _Rounds([], [], [])
    for index in range(WARM_UP + 50):
        if before_each is not None:
            await before_each(index)
        began, began_cpu = time.perf_counter(), time.process_time()
        intervals = await calendar.free_busy(month.start, month.end)
        fetched = time.perf_counter()
        slots = free_slots(
            intervals,
            month,
            tz=ZONE,
            working_hours=profile.working_hours,
            working_days=profile.working_days,
            min_length=timedelta(minutes=15),
        )
        done, done_cpu = time.perf_counter(), time.process_time()
        rounds.found = len(slots)
        if index >= WARM_UP:
            rounds.wall.append(done - began)
            rounds.cpu.append(done_cpu - began_cpu)
            rounds.compute.append(done - fetched)
    return rounds


def compare(current: Path, baseline: Path, out: TextIO) -> int:
    """Each figure of `current` against `baseline` as a ratio (below 1: faster now).

    Only figures both files have are set side by side; the sizes must be the same, since
    a ratio between different workloads means nothing. Returns 2 when they differ.
    """
    new, old = (json.loads(path.read_text(encoding="utf-8")) for path in (current, baseline))
    if new.get("sizes") != old.get("sizes"):
        out.write(f"sizes differ: {new.get('sizes')} now, {old.get('sizes')} in the baseline\n")
        return 2
    out.write(f"{current} against {baseline} (ratio = now / baseline; < 1 is faster)\n")
    for name, figures in new["results"].items():
        before = old["results"].get(name)
        if before is None:
            out.write(f"{name:20} new: median {figures['median_ms']:.2f} ms\n")
            continue
        cells = []
        for key in ("median_ms", "p99_ms"):
            ratio = figures[key] / before[key] if before[key] else float("inf")
            cells.append(f"{key[:-3]} {before[key]:8.2f} -> {figures[key]:8.2f} ms ({ratio:5.2f}x)")
        out.write(f"{name:20} " + "   ".join(cells) + "\n")
    return 0
