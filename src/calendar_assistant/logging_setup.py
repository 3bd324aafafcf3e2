"""Structured logging for every entry point: JSON for machines, readable lines for people.

What users write is private: message text is logged only at debug level, and secrets never.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, Literal, TextIO

import structlog

from calendar_assistant.observability.privacy import PRIVATE_TEXT_KEYS, SECRET_KEYS

__all__ = [
    "PRIVATE_TEXT_KEYS",
    "SECRET_KEYS",
    "LoggingConfig",
    "configure_logging",
    "redact_private_fields",
    "wants_json",
]


@dataclass(frozen=True, slots=True)
class LoggingConfig:
    """LOG_LEVEL and LOG_JSON: how much is written, and whether as JSON (None: when no
    person is watching, see `wants_json`)."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json: bool | None = None


_LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
}


def redact_private_fields(
    _logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Drop secrets always and user text above debug, keeping its length as a clue."""
    for key in list(event_dict):
        lowered = key.lower()
        if lowered in SECRET_KEYS or any(part in lowered for part in ("password", "token")):
            event_dict[key] = "[redacted]"
        elif lowered in PRIVATE_TEXT_KEYS and method_name != "debug":
            value = event_dict.pop(key)
            event_dict[f"{key}_chars"] = len(value) if isinstance(value, str) else None
    return event_dict


def wants_json(config: LoggingConfig, stream: TextIO) -> bool:
    """JSON unless a person is watching: the config decides first, then whether it is a tty."""
    if config.json is not None:
        return config.json
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


def configure_logging(config: LoggingConfig, stream: TextIO | None = None) -> None:
    """Set up structlog (and the standard library's loggers) to write to `stream` (stderr)."""
    from calendar_assistant.observability.error_tracking import forward_errors

    out = stream if stream is not None else sys.stderr
    level = _LEVELS[config.level]
    renderer: structlog.typing.Processor
    if wants_json(config, out):
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_private_fields,
    ]
    structlog.configure(
        processors=[
            *shared,
            forward_errors,  # to Sentry when SENTRY_DSN is set; before exc_info is rendered
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=out),
        cache_logger_on_first_use=False,
    )
    # Libraries (SQLAlchemy, asyncio, uvicorn) log through the standard library: their
    # records, tracebacks included, are rendered by the same processors (one JSON object a
    # line), and only warnings and worse are kept.
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_calendar_assistant", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(out)
    handler._calendar_assistant = True  # type: ignore[attr-defined]
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root.addHandler(handler)
    root.setLevel(max(level, logging.WARNING))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers (plain text) go: its records reach the root's handler.
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
