"""Which logged keys are private: shared by the log output and the error tracker.

Here, below both, so that neither imports the other for the lists.
"""

from __future__ import annotations

#: Keys whose values are never written, whatever the level.
SECRET_KEYS = frozenset(
    {"password", "token", "secret", "api_key", "authorization", "database_url", "dsn"}
)
#: Keys that carry what a user wrote or will read; only debug logs keep them.
PRIVATE_TEXT_KEYS = frozenset({"text", "message", "reply", "title", "description", "query"})
