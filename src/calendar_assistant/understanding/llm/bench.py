"""`bench nlu --engine llm|hybrid`: the labelled set through the configured model.

`hybrid` is what users get (grammar first, the model for the long tail); `llm` sends every
request to the model, to compare models. Scored exactly as `--engine rules` (the same
`score`), once per request (an endpoint costs money), with per-request latency, the share
the grammar answered alone, and tokens.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.understanding.frame import command_frame
from calendar_assistant.understanding.llm import LlmConfig, chat_model
from calendar_assistant.understanding.llm.turns import ChatModel
from calendar_assistant.understanding.router import Router, UserContext


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class EngineRunner:
    """Answers bench examples through a Router, timing each and counting where answers came from."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.loop = asyncio.new_event_loop()
        self.latencies_ms: list[float] = []
        self.sources: dict[str, int] = {"rules": 0, "llm": 0, "fallback": 0}

    def answer(self, example: dict[str, Any]) -> dict[str, Any]:
        tz = ZoneInfo(example.get("tz") or "Europe/Moscow")
        now = datetime.fromisoformat(example["now"]).astimezone(tz)
        user = UserContext(now=now, tz=tz, lang=example.get("lang"))
        started = time.perf_counter()
        result = self.loop.run_until_complete(self.router.understand(example["text"], user))
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.sources[result.source] += 1
        first = result.commands[0] if result.commands else None
        if first is None:  # the model answered in text: not a calendar request
            first = Command(intent=Intent.UNKNOWN, lang=result.grammar.lang)
        return command_frame(first)

    def close(self) -> None:
        closing = getattr(self.router.model, "close", None)
        if closing is not None:
            self.loop.run_until_complete(closing())
        self.loop.close()

    def render(self, out: TextIO, engine: str) -> None:
        n = sum(self.sources.values()) or 1
        stats = self.router.stats
        lat = self.latencies_ms
        model = self.router.model.name if self.router.model is not None else "none"
        out.write(
            f"\nengine={engine} model={model} answered by the grammar alone: "
            f"{self.sources['rules']}/{n} ({self.sources['rules'] / n:.1%}); by the model: "
            f"{self.sources['llm']}; grammar fallbacks after an LLM failure or refusal: "
            f"{self.sources['fallback']}\n"
        )
        out.write(
            f"latency per request ({len(lat)} requests, once each): p50={_percentile(lat, 0.5):.1f}"
            f" ms p90={_percentile(lat, 0.9):.1f} ms max={max(lat, default=0):.1f} ms "
            f"mean={statistics.fmean(lat) if lat else 0:.1f} ms\n"
        )
        out.write(
            f"model calls={stats.llm_calls} input_tokens={stats.input_tokens} "
            f"output_tokens={stats.output_tokens} cache_read_tokens={stats.cache_read_tokens} "
            f"model time={stats.llm_latency_ms:.0f} ms\n"
        )


def engine_runner(
    engine: str, config: LlmConfig, model: ChatModel | None = None
) -> EngineRunner | None:
    """A runner for `llm` or `hybrid`; None when no model is configured."""
    model = model or chat_model(config)
    if model is None:
        return None
    router = Router(
        model=model,
        threshold=config.confidence_threshold,
        max_steps=config.max_steps,
        history_turns=0,  # bench requests are independent
        always_llm=engine == "llm",
    )
    return EngineRunner(router)
