#!/usr/bin/env python3
"""Score a time grammar on a held-out set of time expressions (SPEC section 3b).

    python3 bench/heldout/score_times.py bench/heldout/times_en.jsonl \
        --cmd "calendar-assistant parse-time --jsonl" --failures 20

Only the keys under each line's "expected" are compared: `kind`, `grain` and
`duration_seconds` exactly, `start`/`end` as instants (an expected null must be
null). A line counts as right when every listed key matches. Standard library only.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import shlex
import subprocess
import sys


def instant(v: object) -> object:
    """An ISO datetime with offset compares as an instant; anything else as itself."""
    if not isinstance(v, str):
        return v
    try:
        t = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return ("unparsable", v)
    return t if t.tzinfo else ("naive", t)


def same(key: str, want: object, got: object) -> bool:
    if key in ("start", "end"):
        return got is None if want is None else instant(want) == instant(got)
    return want == got


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("--cmd", default="calendar-assistant parse-time --jsonl")
    ap.add_argument("--failures", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    args = ap.parse_args()
    examples = [json.loads(line) for line in open(args.dataset, encoding="utf-8") if line.strip()]
    payload = "".join(
        json.dumps({k: e[k] for k in ("id", "text", "now", "tz", "lang") if k in e}, ensure_ascii=False) + "\n"
        for e in examples
    )
    proc = subprocess.run(shlex.split(args.cmd), input=payload, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-2000:])
        raise SystemExit(f"parser exited with {proc.returncode}")
    got_by_id: dict[str, dict] = {}
    for line in proc.stdout.splitlines():
        try:
            frame = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(frame, dict) and "id" in frame:
            got_by_id[str(frame["id"])] = frame
    keys: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    ok_n, fails = 0, []
    for ex in examples:
        got = got_by_id.get(str(ex["id"]))
        want = ex["expected"]
        bad = [k for k, v in want.items() if got is None or not same(k, v, got.get(k))]
        for k in want:
            keys[k][1] += 1
            keys[k][0] += k not in bad
        ok = got is not None and not bad and "error" not in got
        ok_n += ok
        if not ok:
            fails.append((ex, got, bad))
    n = len(examples)
    summary = {"examples": n, "accuracy": round(ok_n / n, 4) if n else 0.0,
               "no_answer": sum(str(e["id"]) not in got_by_id for e in examples)}
    if args.json:
        print(json.dumps(summary))
        return 0
    for k, (a, b) in sorted(keys.items()):
        print(f"{k:<18}{a:>5}/{b:<5} {a / b:6.1%}")
    for ex, got, bad in fails[: args.failures]:
        print(f"\n✗ {ex['id']} [{', '.join(bad) or 'no answer'}] {ex['text']!r} (now {ex['now']} {ex['tz']})")
        print("  want:", json.dumps({k: ex["expected"][k] for k in bad}, ensure_ascii=False))
        print("  got: ", json.dumps({k: got.get(k) for k in bad} if got else None, ensure_ascii=False))
    print()
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
