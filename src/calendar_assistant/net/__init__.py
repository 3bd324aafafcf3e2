"""Outbound requests to addresses a user typed: one guarded client for all of them."""

from calendar_assistant.net.guard import (
    ForbiddenDestination,
    GuardedResolver,
    GuardedSession,
    OutboundPolicy,
)

__all__ = ["ForbiddenDestination", "GuardedResolver", "GuardedSession", "OutboundPolicy"]
