"""Encryption of stored secrets with MultiFernet: the first key encrypts, every key decrypts.

Rotation: put a new key first in CREDENTIALS_KEYS, keep the old ones after it, run
`AccountStore.rotate()` (re-encrypts every secret with the new key), then drop the old keys.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CredentialKeyError(ValueError):
    """The keys are missing or malformed, or a secret was encrypted with none of them."""


def generate_key() -> str:
    """A new random key for CREDENTIALS_KEYS."""
    return Fernet.generate_key().decode()


def parse_keys(text: str | None) -> list[str]:
    """Comma-separated keys, newest first."""
    return [k.strip() for k in (text or "").split(",") if k.strip()]


class CredentialCipher:
    """Encrypts and decrypts JSON secrets; `at_time` variants make tokens that expire."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise CredentialKeyError(
                "CREDENTIALS_KEYS is empty: set it to a key from "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`"
            )
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except (ValueError, TypeError) as error:
            raise CredentialKeyError(
                "CREDENTIALS_KEYS holds a malformed key (32 url-safe base64 bytes)"
            ) from error

    def encrypt(self, secret: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(secret).encode()).decode()

    def decrypt(self, token: str) -> dict[str, Any]:
        try:
            data = self._fernet.decrypt(token.encode())
        except InvalidToken as error:
            raise CredentialKeyError("a stored secret cannot be decrypted with any key") from error
        value: dict[str, Any] = json.loads(data)
        return value

    def rotate(self, token: str) -> str:
        """The same secret under the newest key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as error:
            raise CredentialKeyError("a stored secret cannot be decrypted with any key") from error

    def seal(self, payload: dict[str, Any], now: datetime) -> str:
        """An authenticated, encrypted token stamped with `now` (for OAuth `state`)."""
        return self._fernet.encrypt_at_time(
            json.dumps(payload).encode(), int(now.timestamp())
        ).decode()

    def open_sealed(self, token: str, now: datetime, max_age_seconds: int) -> dict[str, Any]:
        """The payload of a sealed token; InvalidToken when forged, altered or too old."""
        data = self._fernet.decrypt_at_time(token.encode(), max_age_seconds, int(now.timestamp()))
        value: dict[str, Any] = json.loads(data)
        return value
