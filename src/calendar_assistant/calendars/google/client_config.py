"""Google's OAuth client and API addresses: plain data, so the composition root can build it
(and a test can point it at a fake) without the google extra installed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class GoogleClientConfig:
    """The OAuth client and where the APIs are (Google's, or a fake in tests)."""

    client_id: str
    client_secret: str = field(repr=False)
    token_url: str = "https://oauth2.googleapis.com/token"
    auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    revoke_url: str = "https://oauth2.googleapis.com/revoke"
    redirect_url: str | None = None
    api_endpoint: str | None = None
    retries: int = 4
    timeout_seconds: float = 20.0
    backoff_seconds: float = 0.5
