"""Logging: JSON off a terminal, readable on one, and what users write kept out above debug."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from calendar_assistant.config import Settings
from calendar_assistant.logging_setup import configure_logging, wants_json
from calendar_assistant.runtime import logging_config


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_lines_without_message_text_or_secrets_at_info() -> None:
    out = io.StringIO()
    configure_logging(logging_config(Settings(log_level="INFO")), out)
    log = structlog.get_logger("test")
    log.info("message_handled", text="Запланируй встречу с Иваном", api_key="sk-123", user_id=7)
    log.debug("message_text", text="hidden at info level")
    [line] = out.getvalue().splitlines()
    record = json.loads(line)
    assert record["event"] == "message_handled"
    assert record["level"] == "info"
    assert record["user_id"] == 7
    assert record["text_chars"] == len("Запланируй встречу с Иваном")
    assert record["api_key"] == "[redacted]"
    assert "Ивано" not in line
    assert "sk-123" not in line
    assert record["timestamp"].endswith("Z")


def test_debug_level_keeps_text_but_never_secrets() -> None:
    out = io.StringIO()
    configure_logging(logging_config(Settings(log_level="DEBUG", log_json=True)), out)
    structlog.get_logger().debug("understood", text="hello", bot_token="123:abc", password="pw")
    record = json.loads(out.getvalue())
    assert record["text"] == "hello"
    assert record["bot_token"] == "[redacted]"
    assert record["password"] == "[redacted]"


def test_a_terminal_gets_readable_lines_unless_settings_ask_for_json() -> None:
    terminal = _Terminal()
    assert not wants_json(logging_config(Settings()), terminal)
    assert wants_json(logging_config(Settings(log_json=True)), terminal)
    assert wants_json(logging_config(Settings()), io.StringIO())
    assert not wants_json(logging_config(Settings(log_json=False)), io.StringIO())
    configure_logging(logging_config(Settings()), terminal)
    structlog.get_logger().warning("database_slow", seconds=2)
    line = terminal.getvalue()
    assert "database_slow" in line
    assert "seconds=2" in line
    assert not line.startswith("{")


def test_level_filters_and_library_logs_go_to_the_same_stream() -> None:
    out = io.StringIO()
    configure_logging(logging_config(Settings(log_level="WARNING", log_json=True)), out)
    structlog.get_logger().info("quiet")
    logging.getLogger("sqlalchemy.engine").info("SELECT 1")
    logging.getLogger("sqlalchemy.pool").warning("pool trouble")
    text = out.getvalue()
    assert "quiet" not in text
    assert "SELECT 1" not in text
    # The standard library's records are JSON lines too, through the same processors.
    [line] = text.splitlines()
    record = json.loads(line)
    assert record["event"] == "pool trouble"
    assert record["logger"] == "sqlalchemy.pool"
    assert record["level"] == "warning"


def test_library_tracebacks_are_json_too() -> None:
    out = io.StringIO()
    configure_logging(logging_config(Settings(log_level="INFO", log_json=True)), out)
    try:
        raise RecursionError("maximum recursion depth exceeded")
    except RecursionError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    [line] = out.getvalue().splitlines()  # the traceback is inside the one JSON line
    record = json.loads(line)
    assert record["event"] == "Exception in ASGI application"
    assert record["logger"] == "uvicorn.error"
    assert record["level"] == "error"
    assert "RecursionError" in record["exception"]
