"""The Telegram Login Widget's answer, checked as Telegram's documentation says: the
fields other than `hash`, sorted and joined as `key=value` lines, signed with HMAC-SHA256
under the key SHA-256(bot token); and `auth_date` recent, so a captured answer cannot be
replayed for long.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class TelegramLogin:
    """Who the widget vouched for."""

    telegram_id: int
    display_name: str


def check_string(data: Mapping[str, str]) -> str:
    """The data-check-string: every received field but `hash`, sorted, `key=value` lines."""
    return "\n".join(f"{key}={data[key]}" for key in sorted(data) if key != "hash")


def sign(data: Mapping[str, str], bot_token: str) -> str:
    """The hash Telegram puts on `data` for this bot (the tests sign with it too)."""
    key = hashlib.sha256(bot_token.encode("utf-8")).digest()
    return hmac.new(key, check_string(data).encode("utf-8"), hashlib.sha256).hexdigest()


def verify(
    data: Mapping[str, str], bot_token: str, now: datetime, max_age: timedelta
) -> TelegramLogin | None:
    """The user, when the hash is Telegram's for this bot and `auth_date` is recent.

    Every field received is part of the check (as Telegram asks), so a field added on
    the way breaks the hash rather than slipping through unsigned.
    """
    fields = dict(data)
    given = fields.get("hash", "")
    if not given or not hmac.compare_digest(sign(fields, bot_token), given.lower()):
        return None
    try:
        telegram_id = int(fields["id"])
        signed_at = int(fields["auth_date"])
    except (KeyError, ValueError):
        return None
    age = now.timestamp() - signed_at
    if telegram_id <= 0 or age > max_age.total_seconds() or age < -60:  # a minute of skew
        return None
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    return TelegramLogin(telegram_id=telegram_id, display_name=name or f"id{telegram_id}")
