"""Dependencies point down: the packages of calendar_assistant import only layers below them.

Read from the source with `ast` (every import counts: at the top, inside functions, under
TYPE_CHECKING), so a wrong-way import fails here before it turns into an import cycle. The
layers are the ones docs/architecture.md draws; moving a package means changing both.

The terminal channel (`channels/cli`) is its own entry point: it opens the composition root
(`runtime`) itself, so it sits above the root, while the other channels sit below it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import calendar_assistant

PACKAGE = Path(calendar_assistant.__file__).parent

#: Top to bottom. A package may import any package of a lower layer, none of its own layer
#: (besides itself) and none above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),
    ("server_commands", "channels.cli"),
    ("server",),
    ("hardening",),
    ("runtime",),
    ("channels",),
    ("reminders", "speech"),
    ("conversation",),
    ("replies",),
    ("actions",),
    ("understanding",),
    ("logging_setup",),
    ("calendars",),
    ("observability", "net"),
    ("storage",),
    ("config", "domain", "extras"),
)
LEVEL = {name: depth for depth, layer in enumerate(LAYERS) for name in layer}
#: Sub-packages placed in a layer of their own (see the module docstring).
OWN_LAYER = frozenset({("channels", "cli")})


def _unit(parts: tuple[str, ...] | list[str]) -> str:
    """The name a module's layer is looked up by: its top-level package, or the sub-package
    of OWN_LAYER it is in."""
    if tuple(parts[:2]) in OWN_LAYER:
        return ".".join(parts[:2])
    return parts[0]


def _modules() -> Iterator[tuple[str, Path]]:
    """(top-level package or module name, file) for every source file but the root's own."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] in ("__init__", "__main__"):
            continue
        yield _unit(parts), path


@cache
def _imported(path: Path) -> tuple[tuple[str, int], ...]:
    """(top-level package name, line) of each calendar_assistant import in `path`."""
    return tuple(_imports_of(path))


def _imports_of(path: Path) -> Iterator[tuple[str, int]]:
    package_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
                names = [".".join([*base, *([node.module] if node.module else [])])]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "calendar_assistant" and len(parts) > 1:
                yield _unit(parts[1:]), node.lineno


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for source, path in _modules():
        for target, _line in _imported(path):
            if target != source:
                edges.setdefault(source, set()).add(target)
    return edges


def test_every_package_has_a_layer() -> None:
    names = {name for name, _path in _modules()}
    assert names - LEVEL.keys() == set(), "add the new package to LAYERS (and the docs)"
    assert LEVEL.keys() - names == set(), "a package in LAYERS no longer exists"


def test_imports_point_down() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports calendar_assistant.{target}"
        for source, path in _modules()
        for target, line in _imported(path)
        if target != source and target in LEVEL and LEVEL[target] <= LEVEL[source]
    ]
    assert wrong == []


def test_no_cycle_between_packages() -> None:
    edges = _edges()
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt in trail:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif len(trail) < len(LEVEL):
                visit(nxt, [*trail, nxt])

    for start in sorted(edges):
        visit(start, [start])
        if cycles:
            break
    assert cycles == []


@pytest.mark.parametrize(
    ("source", "target"),
    [("replies", "conversation"), ("conversation", "channels"), ("reminders", "channels")],
)
def test_the_shared_types_sit_below_their_users(source: str, target: str) -> None:
    """The message types (domain.messages) and the channels' tables (storage.channel_records)
    are what these packages share; neither side imports the other for them."""
    assert target not in _edges().get(source, set())


def _chain(node: ast.expr) -> list[str]:
    """`services.runtime.assistant.calendars` → its names, outermost first."""
    names: list[str] = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    return names[::-1]


def test_nothing_patches_the_built_graph() -> None:
    """The composition root (`runtime.py`) builds the object graph once; no other module
    assigns to a part of it afterwards (`runtime.assistant.calendars = ...`): what a part
    needs, such as metering, is decided when the graph is built."""
    patched = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
        for _source, path in _modules()
        if path.name != "runtime.py" or path.parent != PACKAGE
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if "runtime" in _chain(target)[:-1]
    ]
    assert patched == []


#: Where the settings are read: the composition root, which cuts them into each part's
#: slice, and the entry points that load them (the command line, the server's commands,
#: the terminal channel's commands, the server, which builds its own channels' slices).
READS_SETTINGS = frozenset(
    {
        "config.py",
        "runtime.py",
        "server.py",
        "server_commands.py",
        "cli.py",
        "channels/cli/commands.py",
        "channels/cli/bench.py",
        "channels/cli/speech_commands.py",
    }
)


def _config_imports(path: Path) -> Iterator[int]:
    """Lines of `path` that import calendar_assistant.config (or names from it); the
    package imports itself by absolute names only."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names.append(node.module or "")
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        if any(name.split(".")[:2] == ["calendar_assistant", "config"] for name in names):
            yield node.lineno


def test_only_the_root_and_the_entry_points_read_the_settings() -> None:
    """Every other part is given a small frozen config of what it reads (`AssistantConfig`,
    `LlmConfig`, `CalendarsConfig`, `TelegramConfig`, ...), defined next to it; a part that
    imported `Settings` could read any field, and the slice would say nothing."""
    readers = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for _source, path in _modules()
        if path.relative_to(PACKAGE).as_posix() not in READS_SETTINGS
        for line in _config_imports(path)
    ]
    assert readers == []


def test_the_settings_readers_exist() -> None:
    """A file leaving READS_SETTINGS behind is taken off it, not left as a gap."""
    assert {name for name in READS_SETTINGS if not (PACKAGE / name).is_file()} == set()
