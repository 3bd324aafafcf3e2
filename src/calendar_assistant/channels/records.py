"""The channels' tables, kept importable from here for code written before they moved.

They live in `calendar_assistant.storage.channel_records`, so the reminder scheduler
(chat links) reads them without importing the channels.
New code imports them from there.
"""

from calendar_assistant.storage.channel_records import (
    CLAIM_RETENTION,
    ChatLink,
    ChatLinkRow,
    ChatLinks,
)

__all__ = [
    "CLAIM_RETENTION",
    "ChatLink",
    "ChatLinkRow",
    "ChatLinks",
]
