"""Batch mode (SPEC §3, §3b): JSON lines in, one frame per line out, flushed each line.

This is a boundary: here, and only here, a missing `now` is the current time and a missing
`tz` is Europe/Moscow. A bad line gets `{"id": …, "error": …}` and the run goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendar_assistant.domain.language import LANGS, Lang
from calendar_assistant.understanding.frame import command_frame, span_frame
from calendar_assistant.understanding.intent.model import ModelError, load_intent_model
from calendar_assistant.understanding.parser import parse
from calendar_assistant.understanding.timeexpr import read_time

DEFAULT_TZ = "Europe/Moscow"


class BadLine(ValueError):
    """A request line the batch cannot read; its message goes to the output line."""


def _request(line: str) -> tuple[Any, str, datetime, ZoneInfo, Lang | None]:
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadLine(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadLine("a request must be a JSON object")
    ident = data.get("id")
    text = data.get("text")
    if not isinstance(text, str):
        raise BadLine("missing or non-string `text`", ident)
    tz_name = data.get("tz") or DEFAULT_TZ
    try:
        if not isinstance(tz_name, str):
            raise ValueError(tz_name)
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadLine(f"unknown time zone: {tz_name!r}", ident) from None
    raw_now = data.get("now")
    if raw_now is None:
        now = datetime.now(UTC).astimezone(tz)
    else:
        try:
            if not isinstance(raw_now, str):
                raise ValueError(raw_now)
            now = datetime.fromisoformat(raw_now)
        except ValueError:
            raise BadLine(f"bad `now`: {raw_now!r}", ident) from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=tz)
        now = now.astimezone(tz)
    lang = data.get("lang")
    return ident, text, now, tz, lang if lang in LANGS else None


def _run(
    inp: TextIO,
    out: TextIO,
    answer: Callable[[str, datetime, ZoneInfo, Lang | None], dict[str, Any]],
) -> int:
    for line in inp:
        if not line.strip():
            continue
        try:
            ident, text, now, tz, lang = _request(line)
            frame = {"id": ident, **answer(text, now, tz, lang)}
        except BadLine as exc:
            ident = exc.args[1] if len(exc.args) > 1 else _id_of(line)
            frame = {"id": ident, "error": str(exc.args[0])}
        out.write(json.dumps(frame, ensure_ascii=False) + "\n")
        out.flush()
    return 0


def _id_of(line: str) -> Any:
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return None
    return data.get("id") if isinstance(data, dict) else None


def parse_jsonl(inp: TextIO, out: TextIO, err: TextIO | None = None) -> int:
    """`parse --jsonl`: a request per line in, a SPEC §3 frame per line out. Without a
    usable intent model nothing is answered: one line on stderr names the file, exit 2."""
    try:
        load_intent_model()
    except ModelError as error:
        (err or sys.stderr).write(f"parse: {error}\n")
        return 2

    def answer(text: str, now: datetime, tz: ZoneInfo, lang: Lang | None) -> dict[str, Any]:
        return command_frame(parse(text, now=now, tz=tz, lang=lang))

    return _run(inp, out, answer)


def parse_time_jsonl(inp: TextIO, out: TextIO) -> int:
    """`parse-time --jsonl`: a text per line in, a SPEC §3b span per line out."""

    def answer(text: str, now: datetime, tz: ZoneInfo, lang: Lang | None) -> dict[str, Any]:
        return span_frame(read_time(text, now=now, tz=tz, lang=lang))

    return _run(inp, out, answer)
