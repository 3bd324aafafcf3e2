"""Optional features and the extra that installs each: a missing library says what to install.

`pip install calendar-assistant` is the offline assistant (chat, parse, calendar files, the
local calendar on SQLite). Telegram, Google, CalDAV, voice, the LLM, the server, PostgreSQL
and Redis come with extras. Modules of a feature import their libraries at the top as usual;
the code that chooses a feature imports that module inside `needs(...)`, so a missing library
becomes one line naming the extra instead of a traceback about a module the user never heard
of. Imports nothing of ours, so every layer can use it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager

#: extra -> what it brings, for the messages and the docs' table.
EXTRAS: dict[str, str] = {
    "telegram": "Telegram",
    "google": "Google Calendar",
    "caldav": "CalDAV calendars",
    "voice": "Voice messages",
    "llm": "The LLM interpreter",
    "server": "The server",
    "postgres": "PostgreSQL",
    "redis": "Redis",
    "train": "Training the intent model",
}

#: extra -> the modules its code imports, for `require` (a check before starting).
MODULES: dict[str, tuple[str, ...]] = {
    "telegram": ("telegram",),
    "google": ("googleapiclient", "google_auth_httplib2", "cryptography", "tenacity", "httpx"),
    "caldav": ("caldav", "niquests", "cryptography", "tenacity"),
    "voice": ("faster_whisper",),
    "llm": ("anthropic", "openai"),
    "server": ("fastapi", "uvicorn", "prometheus_client", "sentry_sdk", "redis"),
    "postgres": ("asyncpg",),
    "redis": ("redis",),
    "train": ("sklearn",),
}


class MissingExtra(ImportError):
    """A feature was asked for whose libraries are not installed; the message says how."""

    def __init__(
        self, extras: tuple[str, ...], missing: str | None, feature: str | None = None
    ) -> None:
        self.extras = extras
        self.missing = missing
        what = feature or EXTRAS.get(extras[0], extras[0])
        install = " or ".join(f"pip install 'calendar-assistant[{extra}]'" for extra in extras)
        detail = f" ({missing} is not installed)" if missing else ""
        super().__init__(f"{what} needs: {install}{detail}", name=missing)


@contextmanager
def needs(*extras: str, feature: str | None = None) -> Iterator[None]:
    """Turn a missing third-party module inside the block into `MissingExtra`, naming the
    extra(s) that install it (`feature` words the message when the extra's name is not enough).

    Our own modules missing is a bug, not an extra to install: that error goes through.
    """
    try:
        yield
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] == "calendar_assistant":
            raise
        raise MissingExtra(extras, error.name.split(".")[0], feature) from error


def require(
    *extras: str, modules: tuple[str, ...] | None = None, feature: str | None = None
) -> None:
    """Raise `MissingExtra` now when a module of the first extra (or `modules`) is missing:
    the check a command makes before it starts, so an absent library is not found later in
    the middle of serving."""
    for module in modules if modules is not None else MODULES[extras[0]]:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:  # a dotted name whose parent is missing
            found = False
        if not found:
            raise MissingExtra(extras, module, feature)
