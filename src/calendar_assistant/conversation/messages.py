"""The message types, kept importable from here for code written before they moved.

They live in `calendar_assistant.domain.messages` (which imports nothing above the domain),
so replies, channels and conversation share them without importing one another. New code
imports them from there.
"""

from calendar_assistant.domain.messages import Button, Inbound, Reply, UserRef, printable

__all__ = ["Button", "Inbound", "Reply", "UserRef", "printable"]
