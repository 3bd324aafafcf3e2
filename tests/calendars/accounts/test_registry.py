"""A user's calendar from their accounts: local alone, or everything connected combined;
users never reach each other's calendars; refreshed tokens are kept; revoked ones reported."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from calendar_assistant.calendars.accounts.credentials import CredentialCipher, generate_key
from calendar_assistant.calendars.accounts.errors import ReconnectNeeded
from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.calendars.accounts.store import AccountStore
from calendar_assistant.calendars.base import EventNotFound
from calendar_assistant.calendars.caldav.presets import server_url
from calendar_assistant.calendars.google import GoogleClientConfig
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.domain.events import EventPatch, NewEvent
from calendar_assistant.runtime import calendars_config
from calendar_assistant.storage.database import Database
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import FakeGoogleOAuth
from support import MOSCOW
from support import make_user as _user

from ..caldav.conftest import LOOPBACK_POLICY, PASSWORDS, RadicaleServer
from ..contract import at, midnight
from ..google.conftest import grant

DAY = date(2027, 3, 15)
WINDOW = (midnight(MOSCOW, DAY), midnight(MOSCOW, DAY + timedelta(1)))


def _meeting(title: str, hour: int) -> NewEvent:
    return NewEvent(title, at(MOSCOW, DAY, hour), at(MOSCOW, DAY, hour + 1), "Europe/Moscow")


@pytest.fixture
def store(database: Database) -> AccountStore:
    return AccountStore(database, CredentialCipher([generate_key()]))


@pytest.fixture
def registry(
    database: Database, store: AccountStore, client_config: GoogleClientConfig
) -> CalendarRegistry:
    return CalendarRegistry(database, store, google=client_config, outbound=LOOPBACK_POLICY)


async def test_without_accounts_the_local_calendar_is_used(
    registry: CalendarRegistry, database: Database
) -> None:
    alice = await _user(database, "test:alice")
    assert isinstance(await registry.resolve(alice), LocalCalendar)


def test_accounts_are_off_without_keys(database: Database) -> None:
    registry = CalendarRegistry.from_config(
        database, calendars_config(Settings(credentials_keys=None))
    )
    assert registry.store is None


async def test_caldav_account_reads_both_and_writes_to_the_server(
    registry: CalendarRegistry, database: Database, radicale: RadicaleServer
) -> None:
    alice = await _user(database, "test:alice")
    await LocalCalendar(database, alice).create_event(_meeting("Local", 9))
    radicale.fresh_account("carol")
    await registry.connect_caldav(
        alice, url=radicale.url, username="carol", password=PASSWORDS["carol"]
    )
    calendar = registry.calendar(alice)
    created = await calendar.create_event(_meeting("On the server", 11))
    assert created.calendar_id.startswith("caldav:")
    listed = await calendar.list_events(*WINDOW)
    assert [e.title for e in listed] == ["Local", "On the server"]
    assert await LocalCalendar(database, alice).get_event(created.id) is None


async def test_a_wrong_caldav_password_stores_nothing(
    registry: CalendarRegistry, database: Database, radicale: RadicaleServer, store: AccountStore
) -> None:
    alice = await _user(database, "test:alice")
    with pytest.raises(ReconnectNeeded):
        await registry.connect_caldav(alice, url=radicale.url, username="carol", password="nope")
    with pytest.raises(ValueError, match="preset"):
        await registry.connect_caldav(alice, url="ftp://x", username="carol", password="p")
    with pytest.raises(ValueError, match="app password"):
        await registry.connect_caldav(alice, url=radicale.url, username=" ", password="p")
    assert await store.list(alice) == []


async def test_user_a_never_reaches_user_b(
    registry: CalendarRegistry,
    database: Database,
    radicale: RadicaleServer,
    google: FakeGoogleCalendar,
    google_oauth: FakeGoogleOAuth,
    store: AccountStore,
) -> None:
    alice = await _user(database, "test:alice")
    bob = await _user(database, "test:bob")
    google.add_calendar("alice@example.org", "Alice", "Europe/Moscow", primary=True)
    await store.add(
        alice,
        "google",
        label="alice@example.org",
        secret=grant(google_oauth),
        calendars=["alice@example.org"],
        default_calendar="alice@example.org",
    )
    radicale.fresh_account("carol")
    radicale.fresh_account("dave")
    await registry.connect_caldav(
        alice, url=radicale.url, username="carol", password=PASSWORDS["carol"], make_default=False
    )
    await registry.connect_caldav(
        bob, url=radicale.url, username="dave", password=PASSWORDS["dave"]
    )
    mine = registry.calendar(alice)
    secret = await mine.create_event(_meeting("Secret", 10))
    assert secret.calendar_id.startswith("google:")
    theirs = registry.calendar(bob)
    assert await theirs.list_events(*WINDOW) == []
    assert await theirs.free_busy(*WINDOW) == []
    assert await theirs.get_event(secret.id) is None
    assert await theirs.snapshot(secret.id) == []
    with pytest.raises(EventNotFound):
        await theirs.update_event(secret.id, EventPatch(title="Mine"))
    with pytest.raises(EventNotFound):
        await theirs.delete_event(secret.id)
    with pytest.raises(ValueError, match="no longer connected"):
        await theirs.restore(secret.id, [secret])
    assert [e.title for e in await mine.list_events(*WINDOW)] == ["Secret"]


async def test_refreshed_tokens_are_stored_and_revocation_is_reported(
    registry: CalendarRegistry,
    database: Database,
    google: FakeGoogleCalendar,
    google_oauth: FakeGoogleOAuth,
    store: AccountStore,
) -> None:
    alice = await _user(database, "test:alice")
    google.add_calendar("alice@example.org", "Alice", "Europe/Moscow", primary=True)
    account = await store.add(
        alice,
        "google",
        label="alice@example.org",
        secret=grant(google_oauth),
        calendars=["alice@example.org"],
        default_calendar="alice@example.org",
    )
    google_oauth.expire_access_tokens()
    await registry.calendar(alice).list_events(*WINDOW)
    refreshed = await store.get(alice, account.id)
    assert refreshed.secret["access_token"] != account.secret["access_token"]
    assert refreshed.secret["access_token"] in google.tokens
    google_oauth.revoke_everything()
    with pytest.raises(ReconnectNeeded):
        await registry.calendar(alice).list_events(*WINDOW)


def test_presets_give_server_urls() -> None:
    assert server_url("Yandex") == "https://caldav.yandex.ru/"
    assert server_url("nextcloud", host="cloud.example.org") == (
        "https://cloud.example.org/remote.php/dav/"
    )
    assert server_url("https://dav.example.org/") == "https://dav.example.org/"
    with pytest.raises(ValueError, match="host"):
        server_url("nextcloud")
    with pytest.raises(ValueError, match="preset"):
        server_url("ftp://example.org")
