"""Any OpenAI-compatible chat-completions endpoint with tools (the `openai` SDK).

OpenAI itself, or a local Ollama, vLLM or llama.cpp server through OPENAI_BASE_URL. The SDK
reads OPENAI_API_KEY/OPENAI_BASE_URL and retries 429 and 5xx with backoff. Tool arguments
arrive as a JSON string: a string that is not a JSON object becomes a call with no arguments,
which the loop answers with an error the model can correct. The fixed instructions go first
so providers that cache prompt prefixes automatically (OpenAI) reuse them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import openai

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
    status=openai.APIStatusError,
    timeout=openai.APITimeoutError,
    connection=openai.APIConnectionError,
)


class OpenAICompatibleModel:
    """A `ChatModel` on /chat/completions."""

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
        self.client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_seconds, max_retries=max_retries
        )

    @property
    def name(self) -> str:
        return f"openai/{self.model}"

    async def step(
        self, prompt: Prompt, transcript: Sequence[Entry], tools: Sequence[Tool]
    ) -> ModelTurn:
        messages: list[Any] = [
            {"role": "system", "content": prompt.instructions},
            {"role": "system", "content": prompt.context},
            *_messages(transcript),
        ]
        started = time.perf_counter()
        with failures_as_unavailable(_ERRORS):
            completion = await self.client.chat.completions.create(
                model=self.model,
                max_tokens=self.max_tokens,
                messages=messages,
                tools=[
                    {
                        "type": "function",
                        "function": {
                            "name": tool.name,
                            "description": tool.description,
                            "parameters": tool.input_schema(),
                        },
                    }
                    for tool in tools
                ],
            )
            return _turn(completion, (time.perf_counter() - started) * 1000)

    async def close(self) -> None:
        await self.client.close()


def _arguments(raw: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _turn(completion: Any, latency_ms: float) -> ModelTurn:
    if not completion.choices:
        raise ValueError("no choices")
    choice = completion.choices[0]
    message = choice.message
    calls = tuple(
        ToolCall(
            str(call.id),
            str(call.function.name),
            _arguments(call.function.arguments),
            str(call.function.arguments or ""),
        )
        for call in (message.tool_calls or ())
        if getattr(call, "function", None) is not None
    )
    usage = completion.usage
    details = getattr(usage, "prompt_tokens_details", None) if usage else None
    return ModelTurn(
        text=(message.content or "").strip(),
        tool_calls=calls,
        usage=Usage(
            input_tokens=int(usage.prompt_tokens or 0) if usage else 0,
            output_tokens=int(usage.completion_tokens or 0) if usage else 0,
            cache_read_tokens=int(getattr(details, "cached_tokens", 0) or 0),
        ),
        latency_ms=latency_ms,
        stop_reason=choice.finish_reason,
    )


def _messages(transcript: Sequence[Entry]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for entry in transcript:
        if isinstance(entry, UserMessage):
            messages.append({"role": "user", "content": entry.text})
        elif isinstance(entry, ToolResults):
            messages += [
                {"role": "tool", "tool_call_id": result.call_id, "content": result.content}
                for result in entry.results
            ]
        else:
            turn: dict[str, Any] = {"role": "assistant", "content": entry.text or None}
            if entry.tool_calls:
                turn["tool_calls"] = [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.raw_arguments},
                    }
                    for call in entry.tool_calls
                ]
            messages.append(turn)
    return messages
