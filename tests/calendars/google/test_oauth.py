"""The OAuth web flow end to end: consent at the fake Google, callback through the router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from calendar_assistant.calendars.accounts.credentials import CredentialCipher, generate_key
from calendar_assistant.calendars.accounts.store import AccountStore
from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar, GoogleClientConfig
from calendar_assistant.calendars.google.oauth import GoogleConnector
from calendar_assistant.calendars.google.oauth_routes import CALLBACK_PATH, build_oauth_router
from calendar_assistant.storage.database import Database
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import FakeGoogleOAuth
from support import Clock
from support import make_user as _user

KEY = generate_key()


@pytest.fixture
def store(database: Database) -> AccountStore:
    return AccountStore(database, CredentialCipher([KEY]))


@pytest.fixture
def connector(
    database: Database, store: AccountStore, client_config: GoogleClientConfig
) -> GoogleConnector:
    return GoogleConnector(client_config, database, CredentialCipher([KEY]), store)


@pytest.fixture
async def app(connector: GoogleConnector, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    web = FastAPI()
    web.include_router(build_oauth_router(lambda _request: connector, clock))
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://assistant") as client:
        yield client


@pytest.fixture(autouse=True)
def calendars(google: FakeGoogleCalendar) -> None:
    google.add_calendar("alice@example.org", "Alice", "Europe/Moscow", primary=True)
    google.add_calendar("family@group.calendar.google.com", "Family", "Europe/Moscow")


async def _consent(link: str) -> dict[str, str]:
    """The user clicks the link and agrees; Google redirects back with code and state."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(link)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    return {k: v[0] for k, v in query.items()}


async def test_connecting_stores_encrypted_tokens_that_work(
    app: httpx.AsyncClient,
    connector: GoogleConnector,
    store: AccountStore,
    database: Database,
    google_oauth: FakeGoogleOAuth,
    client_config: GoogleClientConfig,
    now: datetime,
    clock: Clock,
) -> None:
    user = await _user(database)
    link = await connector.start(user, now)
    assert link.expires_at == now + timedelta(minutes=10)
    params = await _consent(link.url)
    clock.now = now + timedelta(minutes=2)
    page = await app.get(CALLBACK_PATH, params=params)
    assert page.status_code == 200
    assert "alice@example.org" in page.text
    exchange = google_oauth.token_requests[0]
    assert exchange["grant_type"] == "authorization_code"
    assert exchange["code_verifier"]  # PKCE: the fake checked it against the challenge
    (account,) = await store.list(user)
    assert account.calendars == ("alice@example.org", "family@group.calendar.google.com")
    assert account.default_calendar == "alice@example.org"
    async with database.session() as session:
        raw = " ".join(
            str(v) for v in (await session.execute(text("SELECT * FROM calendar_accounts"))).one()
        )
    assert account.secret["access_token"] not in raw
    assert account.secret["refresh_token"] not in raw
    calendar = GoogleCalendar(
        GoogleApi(client_config, account.secret),
        "alice@example.org",
        timezone="Europe/Moscow",
        calendar_id="g",
    )
    assert await calendar.list_events(now, now + timedelta(days=1)) == []


async def test_a_state_works_once(
    app: httpx.AsyncClient, connector: GoogleConnector, database: Database, now: datetime
) -> None:
    params = await _consent((await connector.start(await _user(database), now)).url)
    assert (await app.get(CALLBACK_PATH, params=params)).status_code == 200
    again = await app.get(CALLBACK_PATH, params=params)
    assert again.status_code == 400
    assert "used already" in again.text


async def test_an_expired_state_is_refused(
    app: httpx.AsyncClient,
    connector: GoogleConnector,
    store: AccountStore,
    database: Database,
    now: datetime,
    clock: Clock,
) -> None:
    user = await _user(database)
    params = await _consent((await connector.start(user, now)).url)
    clock.now = now + timedelta(minutes=10, seconds=1)
    page = await app.get(CALLBACK_PATH, params=params)
    assert page.status_code == 400
    assert "expired" in page.text
    assert await store.list(user) == []


async def test_a_forged_or_altered_state_is_refused(
    app: httpx.AsyncClient,
    connector: GoogleConnector,
    store: AccountStore,
    database: Database,
    now: datetime,
) -> None:
    user = await _user(database)
    params = await _consent((await connector.start(user, now)).url)
    forged = CredentialCipher([generate_key()]).seal({"n": "guess", "u": user}, now)
    altered = params["state"][:-4] + ("AAAA" if not params["state"].endswith("AAAA") else "BBBB")
    for state in (forged, altered, "", "x" * 5000):
        page = await app.get(CALLBACK_PATH, params={"code": params["code"], "state": state})
        assert page.status_code == 400, state
    assert await store.list(user) == []
    # the genuine state still works: refusals consumed nothing
    assert (await app.get(CALLBACK_PATH, params=params)).status_code == 200


async def test_a_state_is_bound_to_its_user(
    app: httpx.AsyncClient,
    connector: GoogleConnector,
    store: AccountStore,
    database: Database,
    now: datetime,
) -> None:
    alice = await _user(database, "test:alice")
    bob = await _user(database, "test:bob")
    params = await _consent((await connector.start(alice, now)).url)
    opened = CredentialCipher([KEY]).open_sealed(params["state"], now, 600)
    swapped = CredentialCipher([KEY]).seal({"n": opened["n"], "u": bob}, now)
    page = await app.get(CALLBACK_PATH, params={"code": params["code"], "state": swapped})
    assert page.status_code == 400
    assert await store.list(bob) == []
    assert await store.list(alice) == []


async def test_denied_consent_connects_nothing(app: httpx.AsyncClient) -> None:
    page = await app.get(CALLBACK_PATH, params={"error": "access_denied", "state": "s"})
    assert page.status_code == 400
    assert "<script" not in page.text


async def test_disconnect_revokes_the_grant(
    app: httpx.AsyncClient,
    connector: GoogleConnector,
    store: AccountStore,
    database: Database,
    google_oauth: FakeGoogleOAuth,
    now: datetime,
) -> None:
    user = await _user(database)
    params = await _consent((await connector.start(user, now)).url)
    await app.get(CALLBACK_PATH, params=params)
    (account,) = await store.list(user)
    await connector.disconnect(user, account.id)
    assert await store.list(user) == []
    assert account.secret["refresh_token"] in google_oauth.revoked
