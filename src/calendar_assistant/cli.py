"""The command line: chat, parse, parse-time, events, export, import, bench."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from calendar_assistant.understanding.llm.llm_config import LlmConfig


class _Parser(argparse.ArgumentParser):
    """Bad flags give one clear line on stderr and exit code 2, not a usage screen."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="calendar-assistant",
        description="A calendar assistant you talk to in Russian or English.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = sub.add_parser("parse", help="understand requests (JSON lines in, frames out)")
    parse.add_argument("--jsonl", action="store_true", required=True, help="batch mode")

    parse_time = sub.add_parser("parse-time", help="read time expressions (JSON lines)")
    parse_time.add_argument("--jsonl", action="store_true", required=True, help="batch mode")

    train = sub.add_parser("train-intents", help="train the intent model from the corpus")
    train.add_argument("--out", type=Path, default=None, help="where to write the model")

    bench = sub.add_parser("bench", help="measure speed and accuracy (core, nlu)")
    bench_kinds = bench.add_subparsers(dest="bench", required=True, metavar="WHAT")
    nlu = bench_kinds.add_parser("nlu", help="accuracy, latency and memory of the grammar")
    nlu.add_argument("--dataset", type=Path, default=None, help="labelled JSONL set")
    nlu.add_argument("--failures", type=int, default=0, help="print up to N failed examples")
    nlu.add_argument("--slurp", type=Path, default=None, help="SLURP calendar requests (JSONL)")
    nlu.add_argument(
        "--engine",
        choices=("rules", "llm", "hybrid"),
        default="rules",
        help="rules: the grammar; llm: every request to the configured model; hybrid: both",
    )

    from calendar_assistant.channels.cli.commands import add_commands

    add_commands(sub, bench_kinds)  # chat, events, export, import, bench core

    from calendar_assistant.server_commands import add_server_commands

    add_server_commands(sub)  # serve, migrate, telegram set-webhook / delete-webhook

    from calendar_assistant.channels.cli.speech_commands import add_speech_commands

    add_speech_commands(sub, bench_kinds)  # transcribe, bench stt

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `calendar-assistant` console script.

    A feature whose extra is not installed ends the command with one line naming the extra
    (exit code 1), wherever it was found missing.
    """
    from calendar_assistant.extras import MissingExtra

    try:
        return _run(argv)
    except MissingExtra as error:
        print(f"calendar-assistant: {error}", file=sys.stderr)
        return 1


def _run(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words in (["parse", "--jsonl"], ["parse-time", "--jsonl"]):
        # the batch modes start fast and answer even when another command cannot import
        from calendar_assistant.understanding.batch import parse_jsonl, parse_time_jsonl

        run = parse_jsonl if words[0] == "parse" else parse_time_jsonl
        return run(sys.stdin, sys.stdout)
    args = _build_parser().parse_args(argv)
    if args.command == "parse":
        from calendar_assistant.understanding.batch import parse_jsonl

        return parse_jsonl(sys.stdin, sys.stdout)
    if args.command == "parse-time":
        from calendar_assistant.understanding.batch import parse_time_jsonl

        return parse_time_jsonl(sys.stdin, sys.stdout)
    if args.command == "train-intents":
        from calendar_assistant.extras import needs
        from calendar_assistant.understanding.intent.train import train

        with needs("train"):
            train(args.out, report=sys.stdout)
        return 0
    if args.command == "bench" and args.bench == "nlu":
        from calendar_assistant.understanding.benchmark import run_nlu_bench

        return run_nlu_bench(
            args.dataset, args.failures, sys.stdout, sys.stderr, args.engine, args.slurp, _llm
        )
    from calendar_assistant.channels.cli.speech_commands import (
        is_speech_command,
        run_speech_command,
    )

    if is_speech_command(args):
        return run_speech_command(args)
    if args.command in ("serve", "telegram", "migrate"):
        from calendar_assistant.server_commands import run_server_command

        return run_server_command(args)
    from calendar_assistant.channels.cli.commands import run_command

    return run_command(args)


def _llm(err: TextIO) -> LlmConfig | None:
    """The settings `bench nlu --engine llm|hybrid` runs with: logs to `err` (stdout is the
    report) and the LLM's slice, or None after one line on what is wrong with them."""
    from calendar_assistant.config import SettingsError, load_settings
    from calendar_assistant.logging_setup import configure_logging
    from calendar_assistant.runtime import llm_config, logging_config

    try:
        settings = load_settings()
    except SettingsError as error:
        err.write(f"bench nlu: {error}\n")
        return None
    configure_logging(logging_config(settings), err)  # per-call logs to stderr
    return llm_config(settings)


if __name__ == "__main__":
    raise SystemExit(main())
