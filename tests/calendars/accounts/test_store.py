"""Connected accounts: secrets unreadable at rest, key rotation, users kept apart."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from calendar_assistant.calendars.accounts.credentials import (
    CredentialCipher,
    CredentialKeyError,
    generate_key,
    parse_keys,
)
from calendar_assistant.calendars.accounts.store import AccountNotFound, AccountStore
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository

PASSWORD = "app-password-7Qk2"
REFRESH = "1//refresh-token-secret"


async def _raw_secrets(database: Database) -> list[str]:
    async with database.session() as session:
        rows = await session.execute(text("SELECT * FROM calendar_accounts"))
        return [" ".join(str(v) for v in row) for row in rows]


async def test_secrets_are_unreadable_in_the_raw_row(database: Database) -> None:
    key = generate_key()
    store = AccountStore(database, CredentialCipher([key]))
    user = await UserRepository(database).get_or_create("test:alice")
    await store.add(
        user.id,
        "caldav",
        label="alice@yandex.ru",
        secret={"password": PASSWORD},
        calendars=["https://caldav.yandex.ru/calendars/alice/events-1/"],
        server_url="https://caldav.yandex.ru/",
    )
    await store.add(
        user.id, "google", label="alice@gmail.com", secret={"refresh_token": REFRESH}, calendars=[]
    )
    raw = " ".join(await _raw_secrets(database))
    assert "alice@yandex.ru" in raw  # the row is really there
    assert PASSWORD not in raw
    assert REFRESH not in raw
    # Without the key nothing decrypts; with it everything does.
    stranger = AccountStore(database, CredentialCipher([generate_key()]))
    with pytest.raises(CredentialKeyError):
        await stranger.list(user.id)
    accounts = await store.list(user.id)
    assert [a.secret for a in accounts] == [{"password": PASSWORD}, {"refresh_token": REFRESH}]
    assert PASSWORD not in repr(accounts)


async def test_key_rotation_reencrypts_and_old_key_can_go(database: Database) -> None:
    old, new = generate_key(), generate_key()
    user = await UserRepository(database).get_or_create("test:alice")
    await AccountStore(database, CredentialCipher([old])).add(
        user.id, "caldav", label="a", secret={"password": PASSWORD}, calendars=[]
    )
    rotating = AccountStore(database, CredentialCipher(parse_keys(f"{new}, {old}")))
    assert (await rotating.list(user.id))[0].secret == {"password": PASSWORD}
    assert await rotating.rotate() == 1
    only_new = AccountStore(database, CredentialCipher([new]))
    assert (await only_new.list(user.id))[0].secret == {"password": PASSWORD}
    with pytest.raises(CredentialKeyError):
        await AccountStore(database, CredentialCipher([old])).list(user.id)


async def test_users_never_reach_each_others_accounts(database: Database) -> None:
    store = AccountStore(database, CredentialCipher([generate_key()]))
    users = UserRepository(database)
    alice = await users.get_or_create("test:alice")
    bob = await users.get_or_create("test:bob")
    account = await store.add(alice.id, "caldav", label="a", secret={"password": "p"}, calendars=[])
    assert await store.list(bob.id) == []
    for attempt in (
        store.get(bob.id, account.id),
        store.remove(bob.id, account.id),
        store.replace_secret(bob.id, account.id, {"password": "mine"}),
        store.choose_calendars(bob.id, account.id, [], None),
        store.make_default(bob.id, account.id),
    ):
        with pytest.raises(AccountNotFound):
            await attempt
    assert (await store.get(alice.id, account.id)).secret == {"password": "p"}


async def test_first_account_is_the_default_and_default_can_move(database: Database) -> None:
    store = AccountStore(database, CredentialCipher([generate_key()]))
    user = await UserRepository(database).get_or_create("test:alice")
    first = await store.add(user.id, "caldav", label="a", secret={}, calendars=["c1"])
    second = await store.add(user.id, "google", label="b", secret={}, calendars=["primary"])
    assert first.is_default
    assert not second.is_default
    await store.make_default(user.id, second.id)
    assert [a.is_default for a in await store.list(user.id)] == [False, True]
    await store.make_default(user.id, None)
    assert [a.is_default for a in await store.list(user.id)] == [False, False]
    with pytest.raises(ValueError, match="default calendar"):
        await store.choose_calendars(user.id, first.id, ["c1"], "c2")


def test_bad_keys_are_refused_with_a_clear_message() -> None:
    with pytest.raises(CredentialKeyError, match="CREDENTIALS_KEYS is empty"):
        CredentialCipher(parse_keys(" , "))
    with pytest.raises(CredentialKeyError, match="malformed"):
        CredentialCipher(["not-a-key"])
