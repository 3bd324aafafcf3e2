"""Resident memory after many messages (a command, not a test):
`.venv/bin/python tests/benchmarks/memory_growth.py [--messages 10000]`.

The whole assistant as `bench core` builds it (`open_runtime` on a fresh SQLite file in a
temporary folder, 1,000 events stored), then `bench core`'s fourteen messages in turn
(lists, free slots, a search, creates at a busy and at a free time and their undos, help)
from 50 users, so that per-user state and the kept results see many keys. Resident memory
(VmRSS from /proc/self/status) is printed after 1,000 messages and at every tenth of the
run; the target is that after 10,000 it is within 10 % of after 1,000. Linux only.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from calendar_assistant.channels.cli.bench import MESSAGES, NOW, ZONE, seed_events
from calendar_assistant.config import Settings
from calendar_assistant.domain.messages import Inbound, UserRef
from calendar_assistant.runtime import open_runtime

USERS = 50


def resident_mb() -> float:
    """This process's resident memory in MB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


async def run(messages: int) -> int:
    with tempfile.TemporaryDirectory(prefix="calendar-memory-") as folder:
        settings = Settings(
            data_dir=Path(folder),
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}",
            default_timezone=ZONE.key,
            log_level="WARNING",
        )
        async with open_runtime(settings) as runtime:
            refs = []
            for index in range(USERS):
                user = await runtime.user(f"bench:memory{index}", display_name="bench")
                refs.append(UserRef(key=user.key))
                if index == 0:
                    start = NOW.replace(hour=0, minute=0) - timedelta(days=30)
                    await seed_events(runtime.calendar(user.id), 1000, start, 90)
            marks = {1000} | {messages * step // 10 for step in range(1, 11)}
            figures: dict[int, float] = {}
            began = time.perf_counter()
            for index in range(1, messages + 1):
                # Each user goes through the whole list in order (an undo follows its create).
                ref = refs[(index - 1) // len(MESSAGES) % USERS]
                text = MESSAGES[(index - 1) % len(MESSAGES)]
                await runtime.assistant.handle(ref, Inbound(text=text), NOW)
                if index in marks:
                    gc.collect()
                    figures[index] = resident_mb()
                    print(
                        f"after {index:6} messages: {figures[index]:7.1f} MB resident", flush=True
                    )
            seconds = time.perf_counter() - began
    first, last = figures.get(1000), figures[messages]
    print(f"{messages} messages in {seconds:.1f} s")
    if first is not None:
        growth = (last - first) / first * 100
        verdict = "OK" if growth <= 10 else "OVER TARGET"
        print(f"growth from 1,000 to {messages}: {growth:+.1f} % (target <= 10 %) {verdict}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    if not 1000 <= args.messages <= 100_000:
        parser.error("--messages must be between 1000 and 100000")
    return asyncio.run(run(args.messages))


if __name__ == "__main__":
    raise SystemExit(main())
