"""Claude through the Anthropic Messages API with tool use (the `anthropic` SDK).

The SDK reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL itself and retries 429, 529 and 5xx
with backoff (`max_retries`). The fixed instructions carry a cache breakpoint, so the tools
and instructions are a cached prefix and each call pays only for the turn's context.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import anthropic

from calendar_assistant.understanding.llm.tools import Tool
from calendar_assistant.understanding.llm.turns import (
    Entry,
    ModelTurn,
    Prompt,
    ProviderErrors,
    ToolCall,
    ToolResults,
    Usage,
    UserMessage,
    failures_as_unavailable,
)

_ERRORS = ProviderErrors(
    status=anthropic.APIStatusError,
    timeout=anthropic.APITimeoutError,
    connection=anthropic.APIConnectionError,
)


class ClaudeModel:
    """A `ChatModel` on the Messages API."""

    def __init__(
        self,
        model: str,
        *,
        max_tokens: int,
        timeout_seconds: float,
        max_retries: int,
        api_key: str | None = None,
        base_url: str | None = None,
    ) -> None:
        self.model = model
        self.max_tokens = max_tokens
        self.client = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=max_retries
        )

    @property
    def name(self) -> str:
        return f"anthropic/{self.model}"

    async def step(
        self, prompt: Prompt, transcript: Sequence[Entry], tools: Sequence[Tool]
    ) -> ModelTurn:
        started = time.perf_counter()
        with failures_as_unavailable(_ERRORS):
            message = await self.client.messages.create(
                model=self.model,
                max_tokens=self.max_tokens,
                system=[
                    {
                        "type": "text",
                        "text": prompt.instructions,
                        "cache_control": {"type": "ephemeral"},
                    },
                    {"type": "text", "text": prompt.context},
                ],
                messages=_messages(transcript),  # type: ignore[arg-type]
                tools=[
                    {
                        "name": tool.name,
                        "description": tool.description,
                        "input_schema": tool.input_schema(),
                    }
                    for tool in tools
                ],
            )
            return _turn(message, (time.perf_counter() - started) * 1000)

    async def close(self) -> None:
        await self.client.close()


def _turn(message: Any, latency_ms: float) -> ModelTurn:
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in message.content:
        if block.type == "text":
            texts.append(str(block.text))
        elif block.type == "tool_use":
            arguments = block.input if isinstance(block.input, dict) else None
            calls.append(ToolCall(str(block.id), str(block.name), arguments, repr(block.input)))
    usage = message.usage
    return ModelTurn(
        text="".join(texts).strip(),
        tool_calls=tuple(calls),
        usage=Usage(
            input_tokens=int(usage.input_tokens or 0),
            output_tokens=int(usage.output_tokens or 0),
            cache_read_tokens=int(getattr(usage, "cache_read_input_tokens", 0) or 0),
            cache_write_tokens=int(getattr(usage, "cache_creation_input_tokens", 0) or 0),
        ),
        latency_ms=latency_ms,
        stop_reason=message.stop_reason,
    )


def _messages(transcript: Sequence[Entry]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for entry in transcript:
        if isinstance(entry, UserMessage):
            messages.append({"role": "user", "content": entry.text})
        elif isinstance(entry, ToolResults):
            messages.append(
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": result.call_id,
                            "content": result.content,
                            "is_error": result.is_error,
                        }
                        for result in entry.results
                    ],
                }
            )
        else:
            content: list[dict[str, Any]] = []
            if entry.text:
                content.append({"type": "text", "text": entry.text})
            content += [
                {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments or {}}
                for c in entry.tool_calls
            ]
            messages.append({"role": "assistant", "content": content})
    return messages
