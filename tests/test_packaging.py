"""`pip install calendar-assistant` alone gives the offline assistant; the rest is extras.

A fresh virtualenv gets the core's locked pins (requirements/core.txt) and the project with
--no-deps, exactly as `make install` does with the full lock: no library of an extra is
there. Then the command line parses, chats on SQLite, and names the extra a server needs.
Slow (a virtualenv and a download of the core's packages), so `make check` leaves it out.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: One module of each extra: none may be importable with the core alone.
EXTRA_MODULES = (
    "telegram",
    "googleapiclient",
    "caldav",
    "cryptography",
    "faster_whisper",
    "anthropic",
    "openai",
    "fastapi",
    "uvicorn",
    "prometheus_client",
    "sentry_sdk",
    "asyncpg",
    "redis",
    "sklearn",
)


def _run(args: list[str], *, cwd: Path, stdin: str = "", env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=900,
        env=env,
        check=False,
    )
    assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with the core and nothing else; its bin folder."""
    where = tmp_path_factory.mktemp("core-venv")
    _run([sys.executable, "-m", "venv", str(where / "venv")], cwd=where)
    bin_dir = where / "venv" / "bin"
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run([*pip, "-r", str(ROOT / "requirements" / "core.txt")], cwd=where)
    _run([*pip, "--no-deps", str(ROOT)], cwd=where)
    return bin_dir


def _env(home: Path) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "DATABASE_URL": f"sqlite:///{home / 'calendar.sqlite3'}",
    }


def test_the_core_lock_holds_no_extra() -> None:
    """The core's dependencies are the core's; each extra's packages stay in the extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = (ROOT / "requirements" / "core.txt").read_text(encoding="utf-8")
    pinned = {line.split("==")[0].strip().lower() for line in core.splitlines() if "==" in line}
    for extra in ("telegram", "google", "caldav", "voice", "llm", "server", "postgres"):
        for requirement in project["optional-dependencies"][extra]:
            name = requirement.split(">")[0].split("<")[0].split("[")[0].strip().lower()
            if name not in ("httpx",):  # httpx may come with a core package some day
                assert name not in pinned, f"{name} ({extra}) is in requirements/core.txt"


def test_the_core_alone_parses_and_chats(core_venv: Path, tmp_path: Path) -> None:
    python = str(core_venv / "python")
    missing = _run(
        [
            python,
            "-c",
            "import importlib.util, sys; "
            f"print([m for m in {EXTRA_MODULES!r} if importlib.util.find_spec(m)])",
        ],
        cwd=tmp_path,
    )
    assert missing.strip() == "[]", "an extra's library came with the core"

    cli = str(core_venv / "calendar-assistant")
    parsed = _run(
        [cli, "parse", "--jsonl"],
        cwd=tmp_path,
        stdin=json.dumps({"text": "lunch with Anna tomorrow at 1pm"}) + "\n",
        env=_env(tmp_path),
    )
    frame = json.loads(parsed.splitlines()[0])
    assert frame["intent"] == "create_event"
    assert frame["title"]

    chat = [cli, "chat", "--user", "core", "--lang", "en", "--tz", "Europe/Berlin"]
    replies = _run(
        [*chat, "--now", "2027-03-01T09:00:00+01:00"],
        cwd=tmp_path,
        stdin="lunch with Anna tomorrow at 1pm\n",
        env=_env(tmp_path),
    )
    assert "Created" in replies


def test_a_feature_without_its_extra_names_the_extra(core_venv: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(core_venv / "calendar-assistant"), "serve"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(tmp_path),
        check=False,
    )
    assert done.returncode == 1
    assert "pip install 'calendar-assistant[server]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_test_environment_has_every_extra() -> None:
    """The other side: the suite itself runs with `[dev]`, so every feature is tested."""
    assert [m for m in EXTRA_MODULES if importlib.util.find_spec(m) is None] == []
