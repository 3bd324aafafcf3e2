"""The lock files pin every package `pyproject.toml` asks for, so `make` installs a known set.

A dependency added to pyproject.toml without `make lock` would be installed by nobody (make
reads only the lock files) and fail far from its cause; this says which one is missing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "# ":
            continue
        requirement = line.split(";")[0].strip()
        name, _, version = requirement.partition("==")
        pins[_normal(name.split("[")[0])] = version.strip()
    return pins


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
_SELF = _normal(PROJECT["name"])


def _wanted(requirements: list[str]) -> set[str]:
    """Names of `requirements`, with the project's own extras (`calendar-assistant[all]`)
    expanded to what they ask for."""
    names = set()
    for requirement in requirements:
        found = _NAME.match(requirement.strip())
        assert found, requirement
        name = _normal(found.group(1))
        if name == _SELF:
            extras = requirement[requirement.index("[") + 1 : requirement.index("]")]
            for extra in extras.split(","):
                names |= _wanted(PROJECT["optional-dependencies"][extra.strip()])
        else:
            names.add(name)
    return names


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("core.txt", ()), ("base.txt", ("all",)), ("dev.txt", ("dev", "speech-test"))],
)
def test_every_requirement_is_pinned_to_one_version(lock: str, extras: tuple[str, ...]) -> None:
    pins = _pins(ROOT / "requirements" / lock)
    wanted = _wanted(PROJECT["dependencies"])
    for extra in extras:
        wanted |= _wanted(PROJECT["optional-dependencies"][extra])
    missing = sorted(wanted - pins.keys())
    assert not missing, f"not in requirements/{lock}; run `make lock`: {missing}"
    unpinned = sorted(name for name, version in pins.items() if not version)
    assert not unpinned, f"requirements/{lock} names without a version: {unpinned}"
