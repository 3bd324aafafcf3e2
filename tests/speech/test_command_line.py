"""`calendar-assistant transcribe` and `bench stt` as a person runs them: real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from calendar_assistant.speech.bench import normalize_words

from .conftest import ENGLISH

SCRIPT = Path(sys.executable).with_name("calendar-assistant")


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WHISPER_", "TRANSCRIPTION_", "VOICE_"))
    }
    environment.update(DATA_DIR=str(tmp_path / "data"), LOG_LEVEL="WARNING", **env)
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=tmp_path,  # no stray .env
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_transcribe_prints_what_the_model_hears(
    tmp_path: Path, whisper_base_folder: Path, english_clips: dict[str, bytes]
) -> None:
    clip = tmp_path / "lunch.ogg"
    clip.write_bytes(english_clips["lunch"])
    done = _run(
        tmp_path, "transcribe", str(clip), "--lang", "en", WHISPER_MODEL=str(whisper_base_folder)
    )
    assert done.returncode == 0, done.stderr
    assert normalize_words(done.stdout) == normalize_words(ENGLISH["lunch"])


def test_transcribe_without_a_model_says_voice_is_off(tmp_path: Path) -> None:
    clip = tmp_path / "x.ogg"
    clip.write_bytes(b"OggS")
    done = _run(tmp_path, "transcribe", str(clip))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "calendar-assistant transcribe: voice is off: set WHISPER_MODEL (a faster-whisper "
        "model folder) or TRANSCRIPTION_URL; see docs/voice.md"
    ]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (("transcribe", "missing.ogg"), 2, "missing.ogg: cannot read the file"),
        (("transcribe", "x.ogg", "--lang", "de"), 2, "invalid choice: 'de'"),
        (("bench", "stt"), 2, "no model: give --model or set WHISPER_MODEL"),
        (("bench", "stt", "--model", "/no/model"), 1, "neither a model folder nor a model size"),
    ],
)
def test_bad_arguments_get_one_line(
    tmp_path: Path, args: tuple[str, ...], code: int, fragment: str
) -> None:
    done = _run(tmp_path, *args)
    assert done.returncode == code
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unreadable_audio_gets_a_clear_line(tmp_path: Path, whisper_base_folder: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not audio")
    done = _run(tmp_path, "transcribe", str(text), WHISPER_MODEL=str(whisper_base_folder))
    assert done.returncode == 1
    assert "could not read that audio" in done.stderr


def test_bench_stt_prints_its_figures(tmp_path: Path, whisper_base_folder: Path) -> None:
    done = _run(tmp_path, "bench", "stt", "--model", str(whisper_base_folder), "--clips", "1")
    assert done.returncode == 0, done.stderr
    for label in (
        "model load:",
        "real-time factor:",
        "CPU time per audio second:",
        "word error rate:",
        "peak memory (RSS):",
    ):
        assert label in done.stdout


def test_serve_with_a_wrong_model_stops_at_once_with_one_line(tmp_path: Path) -> None:
    done = _run(tmp_path, "serve", "--port", "1", WHISPER_MODEL=str(tmp_path / "no-model"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"calendar-assistant serve: WHISPER_MODEL '{tmp_path / 'no-model'}' is neither a model "
        "folder nor a model size (e.g. /models/whisper-base or base); see docs/voice.md"
    ]
