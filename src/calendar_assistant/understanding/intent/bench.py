"""The classifier's part of `calendar-assistant bench nlu` (issue 10, part 5): the SLURP
requests in ../shared/bench/slurp (intent accuracy overall and per SLURP intent, scored as
score_slurp.py scores them), the cross-validation stored with the model, and "wrong writes":
requests on which the assistant would change the calendar although they asked for
something else (a write acted on without a question, of another intent than asked).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import numpy as np

from calendar_assistant.domain.commands import Command
from calendar_assistant.understanding.intent.guards import acts, is_write
from calendar_assistant.understanding.intent.model import model_file
from calendar_assistant.understanding.parser import parse

DEFAULT_SLURP = Path("..") / "shared" / "bench" / "slurp" / "slurp_devel_calendar_en.jsonl"
#: SLURP's intents as our intents (score_slurp.py's map; alarms are reminders).
SLURP_MAP: dict[str, frozenset[str]] = {
    "calendar_set": frozenset({"create_event", "create_reminder"}),
    "calendar_query": frozenset({"list_events", "search_events", "find_free_slots"}),
    "calendar_remove": frozenset({"delete_event"}),
}
ALARM_MAP: dict[str, frozenset[str]] = {
    "alarm_set": frozenset({"create_reminder"}),
    "alarm_query": frozenset({"list_events"}),
    "alarm_remove": frozenset({"delete_event"}),
}
#: What each SLURP intent asked of the calendar, for wrong writes: SLURP has no intent for
#: changing an event, so "alter lunch to repeat every friday", "cancel X and reschedule it
#: for thursday" are calendar_set, and an update acted on for them is a change they asked for.
#: (Accuracy keeps SLURP_MAP, as score_slurp.py scores it.)
SLURP_ASKED: dict[str, frozenset[str]] = {
    **SLURP_MAP,
    "calendar_set": SLURP_MAP["calendar_set"] | {"update_event"},
}
_SLURP_NOW = datetime.fromisoformat("2026-11-24T12:00:00+00:00")
_SLURP_TZ = ZoneInfo("Europe/London")


def wrong_write(command: Command, wanted: frozenset[str]) -> bool:
    """The assistant would write (no question first) though the request asked otherwise."""
    return is_write(command) and acts(command) and command.intent.value not in wanted


def _slurp_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def slurp_report(path: Path, out: TextIO) -> None:
    """Intent accuracy on the SLURP calendar rows (alarm rows apart) and wrong writes."""
    if not path.is_file():
        out.write(f"\nSLURP: not found at {path} (pass --slurp PATH)\n")
        return
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong = total = 0
    for row in _slurp_rows(path):
        wanted = SLURP_MAP.get(row["intent"]) or ALARM_MAP.get(row["intent"])
        if wanted is None:
            continue
        command = parse(row["utt"], now=_SLURP_NOW, tz=_SLURP_TZ, lang="en")
        per[row["intent"]][0] += command.intent.value in wanted
        per[row["intent"]][1] += 1
        wrong += wrong_write(command, SLURP_ASKED.get(row["intent"], wanted))
        total += 1
    calendar = [per[k] for k in SLURP_MAP if k in per]
    ok, n = sum(a for a, _ in calendar), sum(b for _, b in calendar)
    out.write(
        f"\nSLURP [en] calendar requests: examples={n} intent_accuracy={ok / max(1, n):.4f}\n"
    )
    for intent, (a, b) in sorted(per.items()):
        note = "" if intent in SLURP_MAP else "  (alarms as reminders; not in score_slurp.py)"
        out.write(f"  {intent:18} {a:4}/{b:<4} {100 * a / b:6.1f}%{note}\n")
    out.write(f"SLURP [en] wrong writes: {wrong}/{total} = {wrong / max(1, total):.4f}\n")


def dev_wrong_writes(examples: list[dict[str, Any]], out: TextIO) -> None:
    """Wrong writes on the shared dev set, per language."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for example in examples:
        tz = ZoneInfo(example.get("tz") or "Europe/Moscow")
        now = datetime.fromisoformat(example["now"]).astimezone(tz)
        command = parse(example["text"], now=now, tz=tz, lang=example.get("lang"))
        wanted = frozenset({str(example["expected"].get("intent"))})
        lang = str(example.get("lang", "?"))
        per[lang][0] += wrong_write(command, wanted)
        per[lang][1] += 1
    for lang, (bad, n) in sorted(per.items()):
        out.write(f"dev set [{lang}] wrong writes: {bad}/{n} = {bad / max(1, n):.4f}\n")


def cv_report(out: TextIO) -> None:
    """The cross-validation stored in the model file when it was trained."""
    path = model_file()
    with np.load(path, allow_pickle=False) as data:
        report = str(data["report"]) if "report" in data else "(no report in the model file)"
        summary = str(data["summary"]) if "summary" in data else "{}"
    out.write(f"\nintent model {path.name}: corpus {summary}\n{report}\n")
