"""`calendar-assistant bench nlu`: accuracy, latency and memory of the offline grammar.

Accuracy is scored as ../shared/bench/score.py scores it (only the expected keys; titles
case- and punctuation-blind; times as instants; RRULE parts as sets), so the figures agree.
Latency is per request after a warm-up pass; start-up is a fresh process answering one line.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from calendar_assistant.understanding.frame import command_frame
from calendar_assistant.understanding.parser import parse

if TYPE_CHECKING:
    from calendar_assistant.understanding.llm.llm_config import LlmConfig

DEFAULT_DATASET = Path("..") / "shared" / "bench" / "nlu_dev.jsonl"
WHEN_KEYS = frozenset({"start", "end", "range_start", "range_end"})
REPEATS = 5


def _text(value: object) -> str:
    folded = unicodedata.normalize("NFC", str(value)).lower().replace("ё", "е")
    spaced = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in folded)
    return " ".join(spaced.split())


def _when(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ("unreadable", value)


def _rrule(value: object) -> object:
    if not isinstance(value, str):
        return value
    body = value.strip()
    body = body[6:] if body.upper().startswith("RRULE:") else body
    parts = set()
    for part in body.split(";"):
        if "=" in part:
            key, _, val = part.strip().upper().partition("=")
            parts.add((key, frozenset(val.split(","))))
    return frozenset(parts)


def same(key: str, want: object, got: object) -> bool:
    """Does the frame's value `got` match the labelled `want` for `key`?"""
    if key == "title":
        options = want if isinstance(want, list) else [want]
        if got is None:
            return any(o is None for o in options)
        return any(o is not None and _text(o) == _text(got) for o in options)
    if key in WHEN_KEYS:
        return want == got if want is None else _when(want) == _when(got)
    if key == "recurrence":
        return _rrule(want) == _rrule(got)
    if key == "missing":
        wanted = set(want) if isinstance(want, list) else set()
        found = set(got) if isinstance(got, list) else set()
        return wanted == found
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return all(v is None for v in want.values())
        return all(same(k, v, got.get(k)) for k, v in want.items())
    return want == got


@dataclass
class Report:
    examples: int = 0
    frame_ok: int = 0
    intent_ok: int = 0
    by_group: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # on a shared machine, wall time lies
    startup_s: float | None = None
    peak_rss_mb: float = 0.0


def _answer(example: dict[str, Any]) -> dict[str, Any]:
    tz = ZoneInfo(example.get("tz") or "Europe/Moscow")
    now = datetime.fromisoformat(example["now"]).astimezone(tz)
    return command_frame(parse(example["text"], now=now, tz=tz, lang=example.get("lang")))


def score(
    examples: list[dict[str, Any]],
    answer: Callable[[dict[str, Any]], dict[str, Any]] = _answer,
) -> Report:
    report = Report(examples=len(examples))
    for example in examples:
        want = example["expected"]
        got = answer(example)
        bad = [k for k, v in want.items() if not same(k, v, got.get(k))]
        for key in want:
            report.by_key[key][1] += 1
            report.by_key[key][0] += key not in bad
        ok = not bad
        report.frame_ok += ok
        report.intent_ok += got.get("intent") == want.get("intent")
        for group in (f"lang={example.get('lang', '?')}", f"intent={want.get('intent', '?')}"):
            report.by_group[group][1] += 1
            report.by_group[group][0] += ok
        if not ok:
            report.failures.append((example, got, bad))
    return report


def measure_latency(examples: list[dict[str, Any]], report: Report) -> None:
    for example in examples:  # warm-up: caches and lazy loads
        _answer(example)
    for _ in range(REPEATS):
        for example in examples:
            started, cpu = time.perf_counter(), time.thread_time()
            _answer(example)
            report.latencies_ms.append((time.perf_counter() - started) * 1000)
            report.cpu_ms.append((time.thread_time() - cpu) * 1000)


def measure_startup(example: dict[str, Any]) -> float:
    """Seconds from launching `parse --jsonl` in a fresh process to its first answer."""
    line = json.dumps({k: example[k] for k in ("id", "text", "now", "tz") if k in example})
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "calendar_assistant.cli", "parse", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()
    proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.stdin.close()
    proc.wait(timeout=60)
    return elapsed


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def render(report: Report, out: TextIO, failures: int) -> None:
    n = report.examples or 1
    out.write(f"examples={report.examples} frame_accuracy={report.frame_ok / n:.4f} ")
    out.write(f"intent_accuracy={report.intent_ok / n:.4f}\n\n")
    for group, (ok, total) in sorted(report.by_group.items()):
        out.write(f"{group:28} {ok:4}/{total:<4} {100 * ok / total:6.1f}%\n")
    out.write("\n")
    for key, (ok, total) in sorted(report.by_key.items()):
        out.write(f"{key:28} {ok:4}/{total:<4} {100 * ok / total:6.1f}%\n")
    lat = report.latencies_ms
    out.write(
        f"\nlatency per request after warm-up ({len(lat)} runs): "
        f"p50={_percentile(lat, 0.5):.3f} ms p90={_percentile(lat, 0.9):.3f} ms "
        f"p99={_percentile(lat, 0.99):.3f} ms mean={statistics.fmean(lat) if lat else 0:.3f} ms\n"
    )
    cpu = report.cpu_ms
    out.write(
        f"CPU time per request: p50={_percentile(cpu, 0.5):.3f} ms "
        f"p90={_percentile(cpu, 0.9):.3f} ms p99={_percentile(cpu, 0.99):.3f} ms\n"
    )
    if report.startup_s is not None:
        out.write(f"start-up to first answer (fresh process): {report.startup_s:.3f} s\n")
    out.write(f"peak RSS: {report.peak_rss_mb:.1f} MB\n")
    for example, got, bad in report.failures[:failures]:
        want = {k: example["expected"][k] for k in bad}
        have = {k: got.get(k) for k in bad}
        out.write(f"\n✗ {example['id']} {bad} {example['text']!r} (now {example['now']})\n")
        out.write(f"  want: {json.dumps(want, ensure_ascii=False)}\n")
        out.write(f"  got:  {json.dumps(have, ensure_ascii=False)}\n")


def run_nlu_bench(
    dataset: Path | None,
    failures: int,
    out: TextIO,
    err: TextIO,
    engine: str = "rules",
    slurp: Path | None = None,
    llm: Callable[[TextIO], LlmConfig | None] | None = None,
) -> int:
    """The `bench nlu` command: returns the exit code.

    `llm` reads the settings for `--engine llm|hybrid` (the command line's, an entry point):
    it sets up logging on the stream it is given and returns the LLM's config, or None once
    it has written why the settings are refused.
    """
    path = dataset or DEFAULT_DATASET
    if not path.is_file():
        err.write(
            f"bench nlu: dataset not found: {path} (run from the project folder next to "
            "../shared, or pass --dataset PATH)\n"
        )
        return 2
    examples = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if engine != "rules":
        from calendar_assistant.understanding.llm.llm_config import LlmConfig

        config = llm(err) if llm is not None else LlmConfig()
        if config is None:
            return 2
        return _run_with_model(examples, engine, config, failures, out, err)
    report = score(examples)
    measure_latency(examples, report)
    if examples:
        report.startup_s = measure_startup(examples[0])
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report.peak_rss_mb = max(own, child) / 1024
    render(report, out, failures)
    from calendar_assistant.understanding.intent import bench

    out.write("\n")
    bench.dev_wrong_writes(examples, out)
    bench.slurp_report(slurp or bench.DEFAULT_SLURP, out)
    bench.cv_report(out)
    out.flush()
    return 0


def _run_with_model(
    examples: list[dict[str, Any]],
    engine: str,
    config: LlmConfig,
    failures: int,
    out: TextIO,
    err: TextIO,
) -> int:
    """`--engine llm|hybrid`: each request once through the configured model (llm/bench.py)."""
    from calendar_assistant.understanding.llm.bench import engine_runner

    runner = engine_runner(engine, config)
    if runner is None:
        err.write(
            f"bench nlu --engine {engine}: no LLM configured (set ANTHROPIC_API_KEY or "
            "OPENAI_API_KEY, and ANTHROPIC_BASE_URL/OPENAI_BASE_URL for another endpoint)\n"
        )
        return 2
    try:
        report = score(examples, runner.answer)
    finally:
        runner.close()
    report.latencies_ms = runner.latencies_ms
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    render(report, out, failures)
    runner.render(out, engine)
    out.flush()
    return 0
