"""The phrasebook tables of the time grammar: `time_classes_<lang>.tsv` read into cases.

The tables are `phrasebook/time_<set>_<lang>.tsv`. A table line is `text, kind, start, end, grain` (tab-separated) with wall-clock times in the
zone of the last `@ <now> <zone>` line; `-` is an open side; a duration gives its seconds
as `start`. Lines starting with `#` are comments. The same tables drive the pytest phrasebook
and the `parse-time --jsonl` measurement (`python tests/understanding/time_tables.py`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent / "phrasebook"


@dataclass(frozen=True)
class Case:
    lang: str
    text: str
    now: datetime
    tz: ZoneInfo
    kind: str
    start: str | None
    end: str | None
    grain: str | None

    def expected(self) -> dict[str, object]:
        """What `parse-time --jsonl` should answer, in its own terms."""
        if self.kind == "duration":
            return {"kind": "duration", "duration_seconds": int(self.start or 0)}
        return {
            "kind": self.kind,
            "start": self._iso(self.start),
            "end": self._iso(self.end),
            "grain": self.grain,
        }

    def _iso(self, wall: str | None) -> str | None:
        if wall is None:
            return None
        return datetime.fromisoformat(wall).replace(tzinfo=self.tz).isoformat()


def cases(lang: str) -> list[Case]:
    """Every case of one language's tables (`phrasebook/time_*_<lang>.tsv`), in file order."""
    found: list[Case] = []
    for path in sorted(HERE.glob(f"time_*_{lang}.tsv")):
        found += _read(lang, path)
    return found


def _read(lang: str, path: Path) -> list[Case]:
    found: list[Case] = []
    now, tz = datetime.now().astimezone(), ZoneInfo("UTC")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("@"):
            _, stamp, zone = line.split()
            tz = ZoneInfo(zone)
            now = datetime.fromisoformat(stamp).astimezone(tz)
            continue
        text, kind, start, end, grain = line.split("\t")
        found.append(Case(lang, text, now, tz, kind, _open(start), _open(end), _open(grain)))
    return found


def _open(value: str) -> str | None:
    return None if value == "-" else value


def answer_matches(case: Case, answer: dict[str, object]) -> bool:
    """True when a `parse-time` answer says what the case expects."""
    want = case.expected()
    for key, value in want.items():
        got = answer.get(key)
        if key in ("start", "end") and isinstance(got, str) and value is not None:
            if datetime.fromisoformat(got) != datetime.fromisoformat(str(value)):
                return False
        elif got != value:
            return False
    return True


def score(command: list[str], table: list[Case], verbose: bool) -> int:
    """How many cases of `table` the `parse-time --jsonl` runner `command` reads right."""
    lines = "".join(
        json.dumps({"id": n, "text": c.text, "now": c.now.isoformat(), "tz": c.tz.key}) + "\n"
        for n, c in enumerate(table)
    )
    out = subprocess.run(command, input=lines, capture_output=True, text=True, check=True)
    answers = [json.loads(x) for x in out.stdout.splitlines()]
    right = 0
    for case, got in zip(table, answers, strict=True):
        if answer_matches(case, got):
            right += 1
        elif verbose:
            print(f"MISS {case.lang}: {case.text!r} want {case.expected()} got {got}")
    return right


def main(command: list[str]) -> int:
    """Score `command` on every table, per table and language; `-v` prints the misses."""
    for lang in ("en", "ru"):
        total = right = 0
        for path in sorted(HERE.glob(f"time_*_{lang}.tsv")):
            table = _read(lang, path)
            n = score(command, table, "-v" in sys.argv)
            print(f"{path.stem}: {n}/{len(table)} = {n / len(table):.3f}")
            total, right = total + len(table), right + n
        print(f"{lang}: {right}/{total} = {right / total:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main([".venv/bin/calendar-assistant", "parse-time", "--jsonl"]))
