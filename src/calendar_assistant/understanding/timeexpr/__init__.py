"""The time grammar: Russian and English time expressions -> spans of time (SPEC.md §3b)."""

from calendar_assistant.understanding.timeexpr.span import TimeSpan, read_pieces, read_time

__all__ = ["TimeSpan", "read_pieces", "read_time"]
