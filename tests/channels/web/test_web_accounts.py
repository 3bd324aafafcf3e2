"""Sign-in links and session epochs in the database, on SQLite and PostgreSQL: a link is
redeemed once (also by many at once), never after its time, never from its hash; the epoch
only grows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from calendar_assistant.channels.web.accounts import SignInLinkRow, WebAccounts, token_hash
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository

NOW = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


async def test_a_link_is_redeemed_once_even_by_many_at_once(database: Database) -> None:
    user = await UserRepository(database).get_or_create("telegram:42", "Ann")
    accounts = WebAccounts(database)
    token = await accounts.issue_link(user.id, NOW, timedelta(minutes=10))
    results = await asyncio.gather(*(accounts.redeem_link(token, NOW) for _ in range(8)))
    assert sorted(results, key=str) == [user.id] + [None] * 7
    assert await accounts.redeem_link(token, NOW) is None


async def test_only_the_hash_is_kept_and_old_links_are_refused(database: Database) -> None:
    user = await UserRepository(database).get_or_create("telegram:43")
    accounts = WebAccounts(database)
    token = await accounts.issue_link(user.id, NOW, timedelta(minutes=10))
    async with database.session() as session:
        stored = list(await session.scalars(select(SignInLinkRow.token_hash)))
    assert stored == [token_hash(token)]
    assert token not in stored
    assert await accounts.redeem_link(stored[0], NOW) is None  # the hash is no link
    assert await accounts.redeem_link(token, NOW + timedelta(minutes=10)) is None
    fresh = await accounts.issue_link(user.id, NOW, timedelta(minutes=10))
    assert await accounts.redeem_link(fresh, NOW + timedelta(minutes=9)) == user.id
    with pytest.raises(ValueError, match="timezone-aware"):
        await accounts.redeem_link(fresh, NOW.replace(tzinfo=None))


async def test_the_epoch_starts_at_zero_and_only_grows(database: Database) -> None:
    user = await UserRepository(database).get_or_create("telegram:44")
    accounts = WebAccounts(database)
    found = await accounts.session_user(user.id)
    assert found is not None
    assert (found.key, found.epoch) == ("telegram:44", 0)
    assert await accounts.end_all_sessions(user.id, NOW) == 1
    assert await accounts.end_all_sessions(user.id, NOW) == 2
    again = await accounts.session_user(user.id)
    assert again is not None
    assert again.epoch == 2
    assert await accounts.session_user(user.id + 1000) is None
