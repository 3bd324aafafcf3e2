"""Prometheus view of the router's running totals: where answers came from, LLM cost and time.

A collector reads `RouterStats` at scrape time, so the router keeps plain counters and
needs no registry of its own; the server registers it next to its other metrics.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

if TYPE_CHECKING:
    from calendar_assistant.understanding.router import RouterStats


class RouterCollector(Collector):
    """Exports one router's stats."""

    def __init__(self, stats: RouterStats) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        s = self.stats
        answered = CounterMetricFamily(
            "assistant_understanding_answers",
            "Messages understood, by source (rules alone, llm, grammar fallback after the LLM)",
            labels=["source"],
        )
        answered.add_metric(["rules"], s.by_rules)
        answered.add_metric(["llm"], s.by_llm)
        answered.add_metric(["fallback"], s.fallbacks)
        yield answered
        yield GaugeMetricFamily(
            "assistant_understanding_grammar_share",
            "Share of messages the grammar answered without the LLM",
            value=s.grammar_share,
        )
        yield CounterMetricFamily("assistant_llm_calls", "Model calls made", value=s.llm_calls)
        tokens = CounterMetricFamily(
            "assistant_llm_tokens", "Tokens sent to and received from the model", labels=["kind"]
        )
        tokens.add_metric(["input"], s.input_tokens)
        tokens.add_metric(["output"], s.output_tokens)
        tokens.add_metric(["cache_read"], s.cache_read_tokens)
        yield tokens
        yield CounterMetricFamily(
            "assistant_llm_seconds",
            "Time spent waiting for the model",
            value=s.llm_latency_ms / 1000,
        )


def register_router_metrics(stats: RouterStats, registry: CollectorRegistry) -> None:
    """Add the router's figures to an app's registry (call once per registry)."""
    registry.register(RouterCollector(stats))
