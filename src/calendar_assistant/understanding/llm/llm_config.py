"""Which model the router may call and how far: the LLM's slice of the settings.

Plain data with no SDK import, so the composition root builds it whether or not the llm
extra is installed; the keys stay in the SDKs' own environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Provider = Literal["auto", "anthropic", "openai", "off"]


@dataclass(frozen=True, slots=True)
class LlmConfig:
    """LLM_PROVIDER, the two models, the call limits and the router's gate."""

    #: auto: Anthropic when ANTHROPIC_API_KEY is set, else OpenAI when OPENAI_API_KEY is.
    provider: Provider = "auto"
    anthropic_model: str = "claude-haiku-4-5"
    openai_model: str = "gpt-4.1-mini"
    timeout_seconds: float = 20.0
    max_retries: int = 2
    max_tokens: int = 1024
    #: Tool calls in one answer.
    max_steps: int = 4
    #: Below this confidence the grammar's reading goes to the model.
    confidence_threshold: float = 0.6
    #: Earlier turns the model sees.
    history_turns: int = 6
