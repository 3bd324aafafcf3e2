"""`transcribe FILE` and `bench stt`: the voice path of the server, run from a terminal.

An entry point: it reads the settings and builds the voice's slice of them as the server
does (`runtime.voice_config`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO


def add_speech_commands(sub: Any, bench_kinds: Any) -> None:
    """Add `transcribe` and `bench stt` to the top-level parser."""
    transcribe = sub.add_parser(
        "transcribe", help="print what the voice engine hears in an audio file"
    )
    transcribe.add_argument("file", type=Path, help="OGG/Opus, MP3, M4A or WAV")
    transcribe.add_argument("--lang", choices=("ru", "en"), help="force the language")

    stt = bench_kinds.add_parser("stt", help="speech to text: real-time factor, WER, memory")
    stt.add_argument("--model", help="model folder or size (default: WHISPER_MODEL)")
    stt.add_argument("--compute-type", help="default: WHISPER_COMPUTE_TYPE")
    stt.add_argument("--threads", type=int, help="CPU threads (default: WHISPER_CPU_THREADS)")
    stt.add_argument("--beam-size", type=int, default=5, help="beam width (default: 5)")
    stt.add_argument("--clips", type=int, default=10, help="clips to transcribe (default: 10)")


def is_speech_command(args: argparse.Namespace) -> bool:
    return bool(args.command == "transcribe" or (args.command == "bench" and args.bench == "stt"))


def run_speech_command(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run `transcribe` or `bench stt`; problems are one line on stderr, exit 2 for usage."""
    import asyncio

    from calendar_assistant.config import SettingsError, load_settings
    from calendar_assistant.logging_setup import configure_logging
    from calendar_assistant.runtime import logging_config
    from calendar_assistant.speech.problems import SpeechProblem, SpeechSetupError, VoiceOff
    from calendar_assistant.speech.problems import TranscriptionFailed as Failed

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    name = "transcribe" if args.command == "transcribe" else "bench stt"
    try:
        settings = load_settings()
        configure_logging(logging_config(settings))
        if args.command == "transcribe":
            data = _read(args.file)
            text = asyncio.run(_transcribe(settings, data, args.lang))
            print(text, file=out)
            return 0
        return _bench(settings, args, out)
    except SettingsError as exc:
        print(f"calendar-assistant {exc}", file=err)
        return 2
    except _UsageError as exc:
        print(f"calendar-assistant {name}: {exc}", file=err)
        return 2
    except (SpeechSetupError, Failed, VoiceOff) as exc:
        print(f"calendar-assistant {name}: {exc}", file=err)
        return 1
    except SpeechProblem as exc:
        print(f"calendar-assistant {name}: {exc.explain('en').removeprefix('🎤 ')}", file=err)
        return 1
    except KeyboardInterrupt:
        return 130


class _UsageError(ValueError):
    """A bad argument: exit code 2."""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _UsageError(f"{path}: cannot read the file ({exc.strerror})") from exc


async def _transcribe(settings: Any, data: bytes, lang: Any) -> str:
    """The channel's code path: open_voice, then Voice.transcribe with the same limits."""
    from calendar_assistant.runtime import voice_config
    from calendar_assistant.speech.voice import open_voice

    voice = open_voice(voice_config(settings))
    try:
        transcript = await voice.transcribe(data, language=lang, hint=settings.default_language)
    finally:
        voice.close()
    return transcript.text


def _bench(settings: Any, args: argparse.Namespace, out: TextIO) -> int:
    from calendar_assistant.speech.bench import measure_stt, print_figures

    model = args.model or settings.whisper_model
    if not model:
        raise _UsageError(
            "no model: give --model or set WHISPER_MODEL (`make test-models` builds Whisper base)"
        )
    if args.clips < 1 or args.beam_size < 1:
        raise _UsageError("--clips and --beam-size must be at least 1")
    compute_type = args.compute_type or settings.whisper_compute_type
    threads = settings.whisper_cpu_threads if args.threads is None else args.threads
    figures = measure_stt(
        model,
        compute_type=compute_type,
        cpu_threads=threads,
        beam_size=args.beam_size,
        clips=args.clips,
    )
    label = f"{model} ({compute_type}, beam {args.beam_size}, threads {threads or 'all'})"
    print_figures(figures, out, label=label)
    return 0
