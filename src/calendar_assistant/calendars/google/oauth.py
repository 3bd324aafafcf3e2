"""Connecting a Google account: the OAuth 2.0 web flow with PKCE.

`start` makes the consent link. Its `state` is sealed with the credential keys (encrypted and
authenticated, stamped with the time) and names a one-time grant row holding the user's id
and the PKCE verifier (encrypted). `finish` accepts a state only if it opens with our keys,
is under 10 minutes old, and its grant row still exists for that same user; the row is
deleted by the first callback that names it, so a state can never be used twice.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import structlog
from cryptography.fernet import InvalidToken
from sqlalchemy import delete, select

from calendar_assistant.calendars.accounts.credentials import CredentialCipher, parse_keys
from calendar_assistant.calendars.accounts.errors import OAuthRefused
from calendar_assistant.calendars.accounts.models import OAuthGrantRow
from calendar_assistant.calendars.accounts.store import Account, AccountStore
from calendar_assistant.calendars.google.api import SCOPE, GoogleApi
from calendar_assistant.calendars.google.backend import list_calendars
from calendar_assistant.calendars.google.client_config import GoogleClientConfig
from calendar_assistant.storage.database import Database

STATE_LIFETIME = timedelta(minutes=10)
_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ConsentLink:
    url: str
    expires_at: datetime


class GoogleConnector:
    """Starts and finishes the OAuth flow, and disconnects (revoking the grant)."""

    def __init__(
        self,
        config: GoogleClientConfig,
        database: Database,
        cipher: CredentialCipher,
        store: AccountStore,
    ) -> None:
        if not config.redirect_url:
            raise ValueError("GOOGLE_REDIRECT_URL is needed to connect Google accounts")
        self._config = config
        self._db = database
        self._cipher = cipher
        self._store = store

    async def start(self, user_id: int, now: datetime) -> ConsentLink:
        """The consent link for `user_id`, valid for 10 minutes."""
        nonce = secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(64)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        expires_at = now + STATE_LIFETIME
        async with self._db.transaction() as session:
            await session.execute(delete(OAuthGrantRow).where(OAuthGrantRow.expires_at < now))
            session.add(
                OAuthGrantRow(
                    nonce=nonce,
                    user_id=user_id,
                    provider="google",
                    secret=self._cipher.encrypt({"verifier": verifier}),
                    expires_at=expires_at,
                )
            )
        state = self._cipher.seal({"n": nonce, "u": user_id}, now)
        query = urlencode(
            {
                "client_id": self._config.client_id,
                "redirect_uri": self._config.redirect_url,
                "response_type": "code",
                "scope": SCOPE,
                "access_type": "offline",
                "prompt": "consent",
                "include_granted_scopes": "true",
                "code_challenge": challenge.rstrip(b"=").decode(),
                "code_challenge_method": "S256",
                "state": state,
            }
        )
        return ConsentLink(f"{self._config.auth_url}?{query}", expires_at)

    async def finish(self, *, state: str, code: str, now: datetime) -> Account:
        """Check the state, exchange the code (with the PKCE verifier), store the account."""
        try:
            payload = self._cipher.open_sealed(state, now, int(STATE_LIFETIME.total_seconds()))
            nonce, user_id = str(payload["n"]), int(payload["u"])
        except (InvalidToken, KeyError, TypeError, ValueError):
            raise OAuthRefused("the link is not valid or has expired; ask for a new one") from None
        async with self._db.transaction() as session:
            row = await session.scalar(select(OAuthGrantRow).where(OAuthGrantRow.nonce == nonce))
            consumed = await session.execute(
                delete(OAuthGrantRow).where(OAuthGrantRow.nonce == nonce)
            )
            if row is None or getattr(consumed, "rowcount", 0) != 1:
                raise OAuthRefused("this link was used already; ask for a new one")
            if row.user_id != user_id or row.provider != "google":
                raise OAuthRefused("the link is not valid or has expired; ask for a new one")
            if row.expires_at <= now:
                raise OAuthRefused("the link has expired; ask for a new one")
            verifier = str(self._cipher.decrypt(row.secret)["verifier"])
        tokens = await self._exchange(code, verifier, now)
        api = GoogleApi(self._config, tokens)
        calendars = await list_calendars(api)
        if not calendars:
            raise OAuthRefused("the Google account has no calendar")
        primary = calendars[0]
        for account in await self._store.list(user_id):
            if account.provider == "google" and account.label == primary.id:
                kept = tokens | {
                    "refresh_token": tokens.get("refresh_token")
                    or account.secret.get("refresh_token")
                }
                await self._store.replace_secret(user_id, account.id, kept)
                return await self._store.get(user_id, account.id)
        return await self._store.add(
            user_id,
            "google",
            label=primary.id,
            secret=tokens,
            calendars=[c.id for c in calendars],
            default_calendar=primary.id,
        )

    async def disconnect(self, user_id: int, account_id: int) -> Account:
        """Forget the account and revoke its grant at Google (best effort: it is gone here)."""
        account = await self._store.remove(user_id, account_id)
        token = account.secret.get("refresh_token") or account.secret.get("access_token")
        if account.provider == "google" and token:
            try:
                async with httpx.AsyncClient(timeout=self._config.timeout_seconds) as client:
                    answer = await client.post(self._config.revoke_url, data={"token": token})
                if answer.status_code >= 400:
                    _log.warning("google_revoke_refused", status=answer.status_code)
            except httpx.HTTPError as error:
                _log.warning("google_revoke_failed", error=type(error).__name__)
        return account

    async def _exchange(self, code: str, verifier: str, now: datetime) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self._config.redirect_url or "",
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret,
            "code_verifier": verifier,
        }
        try:
            async with httpx.AsyncClient(timeout=self._config.timeout_seconds) as client:
                answer = await client.post(self._config.token_url, data=form)
        except httpx.HTTPError as error:
            raise OAuthRefused("Google did not answer; try again in a minute") from error
        if answer.status_code != 200:
            _log.warning("google_code_exchange_refused", status=answer.status_code)
            raise OAuthRefused("Google refused the sign-in; ask for a new link")
        body = answer.json()
        if not body.get("access_token"):
            raise OAuthRefused("Google refused the sign-in; ask for a new link")
        expires_in = int(body.get("expires_in") or 3600)
        return {
            "access_token": body["access_token"],
            "refresh_token": body.get("refresh_token"),
            "expiry": (now + timedelta(seconds=expires_in)).isoformat(),
        }


def google_connector(
    database: Database, credentials_keys: str | None, config: GoogleClientConfig | None
) -> GoogleConnector | None:
    """The app's connector, or None when Google is not configured (client, redirect, keys)."""
    keys = parse_keys(credentials_keys)
    if not keys or config is None or not config.redirect_url:
        return None
    cipher = CredentialCipher(keys)
    return GoogleConnector(config, database, cipher, AccountStore(database, cipher))
