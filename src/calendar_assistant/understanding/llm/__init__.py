"""The LLM behind the grammar: Claude tool use or any OpenAI-compatible endpoint.

Off unless a key is set: the SDKs' own ANTHROPIC_API_KEY / OPENAI_API_KEY (and *_BASE_URL
for another endpoint) decide, `LLM_PROVIDER` picks when both are set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from calendar_assistant.understanding.llm.interpreter import Interpreter, LlmAnswer
from calendar_assistant.understanding.llm.llm_config import LlmConfig
from calendar_assistant.understanding.llm.prompt import PromptContext, build_prompt
from calendar_assistant.understanding.llm.tools import TOOLS, Tool
from calendar_assistant.understanding.llm.turns import ChatModel, ModelUnavailable, Usage

__all__ = [
    "TOOLS",
    "ChatModel",
    "Interpreter",
    "LlmAnswer",
    "LlmConfig",
    "ModelUnavailable",
    "PromptContext",
    "Tool",
    "Usage",
    "build_prompt",
    "chat_model",
]


def chat_model(config: LlmConfig, environ: Mapping[str, str] | None = None) -> ChatModel | None:
    """The configured model, or None when the LLM is off (no key, or LLM_PROVIDER=off)."""
    env = os.environ if environ is None else environ
    provider = config.provider
    has_anthropic = bool(env.get("ANTHROPIC_API_KEY"))
    has_openai = bool(env.get("OPENAI_API_KEY"))
    if provider == "auto":
        provider = "anthropic" if has_anthropic else "openai" if has_openai else "off"
    limits = {
        "max_tokens": config.max_tokens,
        "timeout_seconds": config.timeout_seconds,
        "max_retries": config.max_retries,
    }
    if provider == "anthropic" and has_anthropic:
        from calendar_assistant.understanding.llm.claude import ClaudeModel

        return ClaudeModel(
            config.anthropic_model,
            api_key=env["ANTHROPIC_API_KEY"],
            base_url=env.get("ANTHROPIC_BASE_URL") or None,
            **limits,  # type: ignore[arg-type]
        )
    if provider == "openai" and has_openai:
        from calendar_assistant.understanding.llm.openai_compatible import OpenAICompatibleModel

        return OpenAICompatibleModel(
            config.openai_model,
            api_key=env["OPENAI_API_KEY"],
            base_url=env.get("OPENAI_BASE_URL") or None,
            **limits,  # type: ignore[arg-type]
        )
    return None
