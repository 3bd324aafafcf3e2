"""Prometheus metrics of one app: each app owns its registry, so tests and replicas never clash.

What an operator watches: messages by channel, intent and outcome; how long understanding
and calendar calls take (and which fail); reminders sent and how late they were.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

#: The media type of the /metrics answer.
CONTENT_TYPE = CONTENT_TYPE_LATEST

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_LATE = (0.5, 1, 2, 5, 10, 15, 20, 30, 60, 300, 3600, 86400)


class Metrics:
    """The counters and histograms the server exports at /metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "assistant_messages",
            "Messages answered, by channel, intent and outcome",
            ["channel", "intent", "outcome"],
            registry=self.registry,
        )
        self.understanding_seconds = Histogram(
            "assistant_understanding_seconds",
            "Time to turn a message's text into a command",
            buckets=_FAST,
            registry=self.registry,
        )
        self.handling_seconds = Histogram(
            "assistant_handling_seconds",
            "Time to answer one message, by channel",
            ["channel"],
            buckets=_FAST,
            registry=self.registry,
        )
        self.calendar_seconds = Histogram(
            "assistant_calendar_call_seconds",
            "Calendar backend call latency, by backend and operation",
            ["backend", "operation"],
            buckets=_FAST,
            registry=self.registry,
        )
        self.calendar_errors = Counter(
            "assistant_calendar_call_errors",
            "Calendar backend calls that failed, by backend and operation",
            ["backend", "operation"],
            registry=self.registry,
        )
        self.reminders = Counter(
            "assistant_reminders",
            "Reminders handled by the scheduler, by result (sent, late, expired, failed)",
            ["result"],
            registry=self.registry,
        )
        self.reminder_lateness_seconds = Histogram(
            "assistant_reminder_lateness_seconds",
            "How long after its due time a reminder was delivered",
            buckets=_LATE,
            registry=self.registry,
        )
        self.updates = Counter(
            "assistant_channel_updates",
            "Updates received from a channel, by channel and result (accepted, duplicate, "
            "rejected, rate_limited, busy: refused while too many waited)",
            ["channel", "result"],
            registry=self.registry,
        )
        self.redis_outages = Counter(
            "assistant_redis_outages",
            "Times Redis became unavailable, by component (locks, rate_limiter, questions); "
            "the in-process stand-in served meanwhile",
            ["component"],
            registry=self.registry,
        )
        self.telegram_retries = Counter(
            "assistant_telegram_retry_after",
            "Bot API calls answered 429 and retried after the wait Telegram asked for",
            registry=self.registry,
        )

        self.inbox_updates = Gauge(
            "assistant_inbox_updates",
            "Updates in the durable inbox by channel and state (queued, claimed, dead); "
            "read from the database every few seconds",
            ["channel", "state"],
            registry=self.registry,
        )
        self.inbox_failures = Counter(
            "assistant_inbox_failures",
            "Inbox updates whose handling raised (retried, or dead-lettered at the limit)",
            ["channel"],
            registry=self.registry,
        )
        self.inbox_dead_letters = Counter(
            "assistant_inbox_dead_letters",
            "Inbox updates given up on after the attempt limit (kept in the table, state dead)",
            ["channel"],
            registry=self.registry,
        )

    def observe_message(self, channel: str, intent: str, outcome: str) -> None:
        self.messages.labels(channel=channel, intent=intent, outcome=outcome).inc()

    def observe_redis_outage(self, component: str) -> None:
        self.redis_outages.labels(component=component).inc()

    def observe_understanding(self, seconds: float) -> None:
        self.understanding_seconds.observe(seconds)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
