"""The command-line channel: chat, events, export, import and bench core.

This is the edge where the clock is read and flags are checked; everything below gets `now`
and the zone as arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from calendar_assistant.channels.cli.arguments import (
    UsageError,
    language_argument,
    time_argument,
    user_argument,
    user_key,
    zone_argument,
)

if TYPE_CHECKING:  # the heavy parts load only when a command runs, not for `parse`
    from calendar_assistant.config import Settings
    from calendar_assistant.domain.events import Event
    from calendar_assistant.domain.language import Lang

#: The channel name of the terminal chat (metrics, chat links, per-user turns).
CHANNEL = "cli"
#: The open side of an export window given by only one of --from and --to.
EVER = (datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))


def add_commands(sub: Any, bench_kinds: Any) -> None:
    """Add chat, events, export, import and `bench core` to the top-level parser."""
    chat = sub.add_parser("chat", help="talk to the assistant in the terminal")
    _user_flags(chat)
    chat.add_argument("--lang", help="reply language: ru or en (default: your setting)")
    chat.add_argument("--now", help="pin the clock, ISO 8601 (e.g. 2026-11-24T14:00:00+03:00)")

    events = sub.add_parser("events", help="list your events, one a line")
    _user_flags(events)
    events.add_argument("--from", dest="start", required=True, help="ISO date or time")
    events.add_argument("--to", dest="end", required=True, help="ISO date or time (exclusive)")

    export = sub.add_parser("export", help="write your calendar as ICS to standard output")
    _user_flags(export)
    export.add_argument("--from", dest="start", help="ISO date or time (default: everything)")
    export.add_argument("--to", dest="end", help="ISO date or time, exclusive")

    import_ = sub.add_parser("import", help="read events from an ICS file")
    import_.add_argument("file", type=Path, help="the .ics file")
    _user_flags(import_)

    core = bench_kinds.add_parser("core", help="speed of one message and of free slots")
    core.add_argument("--messages", type=int, default=300, help="messages to time")
    core.add_argument("--events", type=int, default=1000, help="events stored for the messages")
    core.add_argument("--busy", type=int, default=10_000, help="events for the free-slot month")
    core.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    versus = bench_kinds.add_parser("compare", help="a `bench core --json` file vs a baseline")
    versus.add_argument("current", type=Path, help="the JSON file `bench core --json` wrote")
    versus.add_argument(
        "--baseline",
        type=Path,
        default=Path("bench/baselines/core.json"),
        help="the figures to compare with (default: bench/baselines/core.json)",
    )


def _user_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default="local", help="whose calendar (default: local)")
    parser.add_argument("--tz", help="time zone, IANA name (default: your setting)")


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed command; a bad value or an unusable database is one line on stderr."""
    from calendar_assistant.calendars.ics import IcsError
    from calendar_assistant.config import SettingsError, load_settings
    from calendar_assistant.logging_setup import configure_logging
    from calendar_assistant.runtime import logging_config
    from calendar_assistant.storage.errors import StorageError
    from calendar_assistant.understanding.intent.model import ModelError

    _speak_utf8()
    try:
        settings = load_settings()
        configure_logging(logging_config(settings))
        action = _action(args, settings)
        return asyncio.run(action())
    except UsageError as exc:
        return _fail(f"{args.command}: {exc}", 2)
    except (SettingsError, ModelError) as exc:
        return _fail(str(exc), 2)
    except (StorageError, IcsError) as exc:
        return _fail(f"{args.command}: {exc}", 1)
    except KeyboardInterrupt:
        return 130


def _speak_utf8() -> None:
    """Read and write UTF-8 even under a C locale: titles are Russian; odd bytes are replaced."""
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.encoding.lower() != "utf-8":
        sys.stdout.reconfigure(encoding="utf-8")


def _fail(message: str, code: int) -> int:
    print(f"calendar-assistant {message}", file=sys.stderr)
    return code


def _action(args: argparse.Namespace, settings: Settings) -> Callable[[], Coroutine[Any, Any, int]]:
    """Check every flag before anything is opened, then return the work to run."""
    if args.command == "bench" and args.bench == "core":
        from calendar_assistant.channels.cli.bench import bench_core

        sizes = (args.messages, args.events, args.busy)
        if min(sizes) < 1:
            raise UsageError("--messages, --events and --busy must be positive")
        return lambda: bench_core(*sizes, sys.stdout, args.json)
    if args.command == "bench" and args.bench == "compare":
        from calendar_assistant.channels.cli.bench import compare

        for figures in (args.current, args.baseline):
            if not figures.is_file():
                raise UsageError(f"no such file: {figures}")

        async def versus() -> int:
            return compare(args.current, args.baseline, sys.stdout)

        return versus
    user = user_argument(args.user)
    zone = zone_argument(args.tz) if args.tz else None
    command = args.command
    if command == "chat":
        lang = language_argument(args.lang) if args.lang else None
        pin_zone = zone or ZoneInfo(settings.default_timezone)
        pinned = time_argument(args.now, pin_zone, "--now") if args.now else None
        return lambda: chat(settings, user, zone=zone, lang=lang, now=pinned)
    for flag, value in (
        ("--from", getattr(args, "start", None)),
        ("--to", getattr(args, "end", None)),
    ):
        if value is not None:
            time_argument(value, ZoneInfo("UTC"), flag)  # the syntax, before anything opens
    if command == "events":
        return lambda: list_events(settings, user, args.start, args.end, zone=zone)
    if command == "export":
        return lambda: export(settings, user, args.start, args.end, zone=zone)
    if command == "import":
        from calendar_assistant.calendars.ics import IcsError

        path: Path = args.file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IcsError(f"{path}: cannot read the file ({exc.strerror})") from exc
        return lambda: import_file(settings, user, path, data, zone=zone)
    raise UsageError(f"unknown command {command!r}")


async def chat(
    settings: Settings,
    user: str,
    *,
    zone: ZoneInfo | None,
    lang: Lang | None,
    now: datetime | None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Talk to the assistant: prompts on a terminal, one message per line from a pipe.

    Each line goes through the front door as on every channel (slash and account commands,
    the rate limit, the user's turn); the clock is read here, or pinned by --now.
    """
    import structlog

    from calendar_assistant.channels.cli.chat import run_interactive, run_scripted
    from calendar_assistant.domain.messages import Inbound, Reply, UserRef
    from calendar_assistant.runtime import open_runtime

    log = structlog.get_logger("calendar_assistant.cli.chat")
    inp = stdin or sys.stdin
    out = stdout or sys.stdout
    handled = 0
    async with open_runtime(settings) as runtime:
        profile = await runtime.user(user_key(user), display_name=user, timezone=zone, lang=lang)
        ref = UserRef(key=profile.key, display_name=user, language_hint=lang)
        turns = runtime.ordered(CHANNEL)

        async def respond(inbound: Inbound) -> list[Reply]:
            nonlocal handled
            began = time.perf_counter()
            said = now or datetime.now(UTC)
            replies = await turns.run(
                ref.key,
                lambda: runtime.front.say(
                    channel=CHANNEL, chat_id=user, user=ref, inbound=inbound, now=said
                ),
            )
            handled += 1
            log.debug(
                "message_handled",
                user_id=profile.id,
                text=inbound.text,
                button=inbound.button,
                replies=len(replies),
                ms=round((time.perf_counter() - began) * 1000, 2),
            )
            return replies

        interactive = inp.isatty() and out.isatty()
        log.debug("chat_started", user_id=profile.id, interactive=interactive, pinned=bool(now))
        if interactive:
            greeting = _greeting(profile.settings.language, profile.settings.timezone)
            history = settings.data_dir / "chat-history.txt"
            code = await run_interactive(respond, history_file=history, greeting=greeting)
        else:
            code = await run_scripted(inp, respond, out)
    log.debug("chat_ended", user_id=profile.id, messages=handled)
    return code


def _greeting(lang: str, zone: str) -> str:
    if lang == "en":
        return f"Calendar assistant ({zone}). Ask me anything about your calendar; /quit to leave."
    return f"Календарный ассистент ({zone}). Спросите что угодно о календаре; /quit — выход."


async def list_events(
    settings: Settings,
    user: str,
    start_text: str,
    end_text: str,
    *,
    zone: ZoneInfo | None,
    stdout: TextIO | None = None,
) -> int:
    """One event a line, series expanded: `2026-11-25 10:00-11:00 Title` in the user's zone."""
    from calendar_assistant.runtime import open_runtime

    out = stdout or sys.stdout
    async with open_runtime(settings) as runtime:
        profile = await runtime.users.get(user_key(user))  # reading creates no one
        stored_zone = profile.settings.timezone if profile else settings.default_timezone
        shown = zone or ZoneInfo(stored_zone)
        start = time_argument(start_text, shown, "--from")
        end = time_argument(end_text, shown, "--to")
        if end <= start:
            raise UsageError("--to must be after --from")
        if profile is None:
            return 0
        for event in await runtime.calendar(profile.id).list_events(start, end):
            out.write(event_line(event, shown) + "\n")
    return 0


def event_line(event: Event, zone: ZoneInfo) -> str:
    """`2026-11-25 10:00-11:00 Title`; all-day events say so; a multi-day end shows its date."""
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone)
    if event.all_day:
        last = (event.end.astimezone(ZoneInfo(event.timezone)) - timedelta(days=1)).date()
        first = event.start.astimezone(ZoneInfo(event.timezone)).date()
        days = first.isoformat() if last <= first else f"{first.isoformat()}..{last.isoformat()}"
        return f"{days} all-day {event.title}"
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M}-{until} {event.title}"


async def export(
    settings: Settings,
    user: str,
    start_text: str | None,
    end_text: str | None,
    *,
    zone: ZoneInfo | None,
    stdout: TextIO | None = None,
) -> int:
    """ICS of the user's events (all of them, or those in a window) to standard output."""
    from calendar_assistant.calendars.ics import events_to_ics, export_calendar, export_events
    from calendar_assistant.runtime import open_runtime

    out = stdout or sys.stdout
    stamp = datetime.now(UTC)
    async with open_runtime(settings) as runtime:
        profile = await runtime.users.get(user_key(user))  # reading creates no one
        stored_zone = profile.settings.timezone if profile else settings.default_timezone
        shown = zone or ZoneInfo(stored_zone)
        start = time_argument(start_text, shown, "--from") if start_text else EVER[0]
        end = time_argument(end_text, shown, "--to") if end_text else EVER[1]
        if end <= start:
            raise UsageError("--to must be after --from")
        if profile is None:
            data = events_to_ics([], stamp=stamp)
        elif start_text is None and end_text is None:
            ids = await runtime.events.ids(profile.id)
            data = await export_events(runtime.calendar(profile.id), ids, stamp=stamp)
        else:
            data = await export_calendar(runtime.calendar(profile.id), start, end, stamp=stamp)
    binary = getattr(out, "buffer", None)
    if binary is not None:  # ICS is UTF-8 whatever the terminal's locale says
        out.flush()
        binary.write(data)
        binary.flush()
    else:
        out.write(data.decode("utf-8"))
        out.flush()
    return 0


async def import_file(
    settings: Settings,
    user: str,
    path: Path,
    data: bytes,
    *,
    zone: ZoneInfo | None,
    stdout: TextIO | None = None,
) -> int:
    """Check the whole file, then write it; says how many events came in."""
    from calendar_assistant.calendars.ics import IcsError, import_events, read_ics
    from calendar_assistant.runtime import open_runtime

    out = stdout or sys.stdout
    async with open_runtime(settings) as runtime:
        profile = await runtime.user(user_key(user), display_name=user)
        default_zone = zone.key if zone else profile.settings.timezone
        items = read_ics(
            data,
            source=str(path),
            default_zone=default_zone,
            default_duration=timedelta(minutes=profile.settings.default_duration_minutes),
        )
        try:
            result = await import_events(runtime.calendar(profile.id), items)
        except IcsError as exc:
            raise IcsError(f"{path}: {exc}") from exc
    skipped = f", {result.skipped_duplicates} already there" if result.skipped_duplicates else ""
    out.write(f"{path}: imported {result.imported} event(s){skipped}\n")
    return 0
