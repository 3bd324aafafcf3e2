"""Errors of connected accounts that the conversation turns into a plain instruction."""

from __future__ import annotations

from calendar_assistant.calendars.base import CalendarError


class ReconnectNeeded(CalendarError):
    """The provider refused our credentials (revoked grant, changed password): reconnect."""

    def __init__(self, provider: str, detail: str) -> None:
        super().__init__(f"{provider}: credentials refused ({detail}); the user must reconnect")
        self.provider = provider


class ProviderUnavailable(CalendarError):
    """The provider kept failing after retries; the user is told to try again later."""

    def __init__(self, provider: str, detail: str) -> None:
        super().__init__(f"{provider} keeps failing: {detail}")
        self.provider = provider


class OAuthRefused(Exception):
    """A callback that must not connect anything; `reason` is safe to show the user.

    Here rather than with the connector so the server's OAuth routes import without the
    google extra (they answer that Google is not set up).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
