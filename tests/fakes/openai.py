"""A fake OpenAI-compatible /v1/chat/completions endpoint on a loopback port.

The real `openai` SDK talks to it; tool arguments go out as a JSON *string*, as the real
API (and Ollama, vLLM, llama.cpp) send them, so a test can also send a broken string.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from fakes.anthropic import Reply, ScriptedAPIServer

_ids = itertools.count(1)


class FakeOpenAI(ScriptedAPIServer):
    """Speaks POST /v1/chat/completions; point the SDK at `base_url` (it ends in /v1)."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def exhausted(self) -> Reply:
        return error_reply(500, "server_error", "the test script has no more replies")


def tool_call(name: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    """One tool call; a str is sent as is (to test malformed JSON)."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return {
        "id": f"call_{next(_ids):04d}",
        "type": "function",
        "function": {"name": name, "arguments": raw},
    }


def completion(
    text: str | None = None,
    *calls: dict[str, Any],
    prompt_tokens: int = 900,
    completion_tokens: int = 40,
    cached_tokens: int = 0,
) -> dict[str, Any]:
    """A complete chat-completion response with optional text and tool calls."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if calls:
        message["tool_calls"] = list(calls)
    return {
        "id": f"chatcmpl-{next(_ids):04d}",
        "object": "chat.completion",
        "created": 1_800_000_000,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if calls else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        },
    }


def error_reply(status: int, kind: str, text: str, *, retry_ms: int = 1) -> Reply:
    return Reply(
        {"error": {"message": text, "type": kind, "param": None, "code": None}},
        status=status,
        headers={"retry-after-ms": str(retry_ms)},
    )
