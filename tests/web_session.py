"""Signing a test client in to the web app the ways a browser does.

- `local`: on a laptop install (no public URL, loopback) `GET /auth/session` signs the
  local user in; the client then sends the session's CSRF token on every request.
- `telegram`: the Login Widget's answer, signed with the bot token as Telegram signs it,
  posted to `/auth/telegram` (any deployment with a bot).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import httpx

CSRF = "X-CSRF-Token"


def telegram_hash(fields: dict[str, str], bot_token: str) -> str:
    """The hash as Telegram's Login Widget documentation builds it, written here afresh (not
    taken from the code under test): HMAC-SHA256 of the sorted `key=value` lines, keyed by
    SHA-256 of the bot token."""
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    key = hashlib.sha256(bot_token.encode()).digest()
    return hmac.new(key, check.encode(), hashlib.sha256).hexdigest()


def widget_answer(telegram_id: int, bot_token: str, when: datetime, **extra: str) -> dict[str, str]:
    """What Telegram sends the browser back with after a Login Widget sign-in."""
    fields = {
        "id": str(telegram_id),
        "first_name": extra.pop("first_name", f"User{telegram_id}"),
        "auth_date": str(int(when.timestamp())),
        **extra,
    }
    return {**fields, "hash": telegram_hash(fields, bot_token)}


async def local(http: httpx.AsyncClient) -> dict[str, object]:
    """Sign the local user in (loopback, no public URL); the session's JSON."""
    answer = await http.get("/auth/session")
    answer.raise_for_status()
    data: dict[str, object] = answer.json()
    assert data["user"] is not None, "not signed in: is this a loopback request, no public URL?"
    http.headers[CSRF] = str(data["csrf"])
    return data


async def telegram(
    http: httpx.AsyncClient, telegram_id: int, bot_token: str, when: datetime | None = None
) -> httpx.Response:
    """Sign in as a Telegram user through the Login Widget's answer."""
    visitor = await http.get("/auth/session")
    visitor.raise_for_status()
    http.headers[CSRF] = visitor.json()["csrf"]
    plain_cookies(http)
    fields = widget_answer(telegram_id, bot_token, when or datetime.now(UTC))
    signed = await http.post("/auth/telegram", json={"fields": fields})
    plain_cookies(http)
    if signed.status_code == 200:
        http.headers[CSRF] = (await http.get("/auth/session")).json()["csrf"]
    return signed


def plain_cookies(client: httpx.Client | httpx.AsyncClient) -> None:
    """Keep sending Secure cookies over the tests' plain-http loopback connection (a server
    with an https PUBLIC_URL marks them Secure, as it should)."""
    for cookie in client.cookies.jar:
        cookie.secure = False


def local_sync(client: httpx.Client) -> None:
    answer = client.get("/auth/session")
    answer.raise_for_status()
    assert answer.json()["user"] is not None
    client.headers[CSRF] = answer.json()["csrf"]


def telegram_sync(
    client: httpx.Client, telegram_id: int, bot_token: str, when: datetime | None = None
) -> httpx.Response:
    """Sign in as a Telegram user (a real server process; the cookie kept by the client)."""
    client.headers[CSRF] = client.get("/auth/session").json()["csrf"]
    plain_cookies(client)
    fields = widget_answer(telegram_id, bot_token, when or datetime.now(UTC))
    signed = client.post("/auth/telegram", json={"fields": fields})
    plain_cookies(client)
    if signed.status_code == 200:
        client.headers[CSRF] = client.get("/auth/session").json()["csrf"]
    return signed
