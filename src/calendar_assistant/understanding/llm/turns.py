"""The provider-neutral shape of a model conversation: what we send, what comes back.

Each provider translates these to its own wire format, so the loop that runs look-ups and
validates tool calls is written once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from calendar_assistant.understanding.llm.tools import Tool


class ModelUnavailable(Exception):
    """The model could not answer (timeout, rate limit after retries, 5xx, garbage)."""


@dataclass(frozen=True, slots=True)
class ProviderErrors:
    """The exception classes one provider's SDK raises, so every provider fails alike."""

    status: type[Exception]  # an HTTP error answer; has `status_code`
    timeout: type[Exception]  # caught before `connection`, of which it is a kind
    connection: type[Exception]


@contextmanager
def failures_as_unavailable(errors: ProviderErrors) -> Iterator[None]:
    """Any failure of a provider call as ModelUnavailable, with a short reason to log."""
    try:
        yield
    except errors.status as error:
        raise ModelUnavailable(f"HTTP {getattr(error, 'status_code', '?')}") from error
    except errors.timeout as error:
        raise ModelUnavailable("timeout") from error
    except errors.connection as error:
        raise ModelUnavailable("connection failed") from error
    except Exception as error:  # a garbled body: the SDK or our reading of it failed
        raise ModelUnavailable(f"unreadable answer ({type(error).__name__})") from error


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one call (or several, added up) cost; cache figures where the provider says."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call as the model sent it; `arguments` is None when they were not JSON."""

    id: str
    name: str
    arguments: dict[str, Any] | None
    raw_arguments: str = ""


@dataclass(frozen=True, slots=True)
class ModelTurn:
    """What the model said in one call: text, tool calls, or both."""

    text: str
    tool_calls: tuple[ToolCall, ...]
    usage: Usage
    latency_ms: float
    stop_reason: str | None = None


@dataclass(frozen=True, slots=True)
class UserMessage:
    text: str


@dataclass(frozen=True, slots=True)
class ToolResult:
    """Our answer to one tool call: JSON data for a look-up, or an error the model can fix."""

    call_id: str
    content: str
    is_error: bool = False


@dataclass(frozen=True, slots=True)
class ToolResults:
    results: tuple[ToolResult, ...]


Entry = UserMessage | ModelTurn | ToolResults


@dataclass(frozen=True, slots=True)
class Prompt:
    """The system prompt in two parts: fixed instructions (cacheable) and this turn's context."""

    instructions: str
    context: str


class ChatModel(Protocol):
    """A model that takes the conversation so far and answers with one turn."""

    @property
    def name(self) -> str:
        """`provider/model`, for logs and metrics."""
        ...

    async def step(
        self, prompt: Prompt, transcript: Sequence[Entry], tools: Sequence[Tool]
    ) -> ModelTurn:
        """One model call; raises ModelUnavailable for anything but a usable answer."""
        ...
