"""The inbox table's promises on SQLite and PostgreSQL: stored once, one holder, in order
per chat, a lapsed claim taken over, dead letters kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendar_assistant.storage import Database
from calendar_assistant.storage.inbox import DEAD, Inbox

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=60)


async def _add(inbox: Inbox, update: int, chat: str) -> bool:
    return await inbox.add("telegram", str(update), chat, f'{{"update_id": {update}}}', NOW)


async def test_an_update_is_stored_once(database: Database) -> None:
    inbox = Inbox(database, "a")
    assert await _add(inbox, 1, "c1")
    assert not await _add(inbox, 1, "c1")
    assert await inbox.add("slack", "1", "c1", "{}", NOW)  # ids are per channel
    assert await inbox.counts() == {("telegram", "queued"): 1, ("slack", "queued"): 1}


async def test_one_update_per_chat_at_a_time_in_order(database: Database) -> None:
    first, second = Inbox(database, "a"), Inbox(database, "b")
    for update, chat in ((1, "x"), (2, "x"), (3, "y"), (4, "x")):
        await _add(first, update, chat)
    taken, _ = await first.claim(NOW, LEASE, 10, 5)
    assert [item.external_id for item in taken] == ["1", "3"]  # x's 2 waits for its 1
    assert (await second.claim(NOW, LEASE, 10, 5))[0] == []  # nothing for another holder
    assert await first.done(taken[0].id, NOW)
    later, _ = await second.claim(NOW, LEASE, 10, 5)
    assert [item.external_id for item in later] == ["2"]
    assert not await first.done(later[0].id, NOW)  # not its claim


async def test_a_lapsed_claim_is_taken_over_and_the_old_holder_cannot_finish(
    database: Database,
) -> None:
    crashed, survivor = Inbox(database, "crashed"), Inbox(database, "survivor")
    await _add(crashed, 1, "x")
    (item,), _ = await crashed.claim(NOW, LEASE, 10, 5)
    assert await crashed.answered(item.id, '{"replies": []}')
    assert (await survivor.claim(NOW + timedelta(seconds=30), LEASE, 10, 5))[0] == []
    later = NOW + timedelta(seconds=61)
    (again,), _ = await survivor.claim(later, later + timedelta(seconds=60), 10, 5)
    assert again.attempts == 2
    assert again.result == '{"replies": []}'  # only the sending is left to do
    assert not await crashed.done(item.id, later)
    assert await survivor.done(again.id, later)


async def test_a_holder_takes_back_its_own_lapsed_claim_but_not_one_in_hand(
    database: Database,
) -> None:
    inbox = Inbox(database, "a")
    await _add(inbox, 1, "x")
    (item,), _ = await inbox.claim(NOW, LEASE, 10, 5)
    later = LEASE + timedelta(seconds=1)
    assert (await inbox.claim(later, later + timedelta(seconds=60), 10, 5, holding=[item.id]))[
        0
    ] == []
    (again,), _ = await inbox.claim(later, later + timedelta(seconds=60), 10, 5)
    assert again.id == item.id


async def test_failures_retry_then_dead_letter_and_the_chat_goes_on(database: Database) -> None:
    inbox = Inbox(database, "a")
    await _add(inbox, 1, "x")
    await _add(inbox, 2, "x")
    now = NOW
    for attempt in (1, 2):
        (item,), _ = await inbox.claim(now, now + timedelta(seconds=60), 10, 2)
        assert item.external_id == "1"
        assert item.attempts == attempt
        await inbox.failed(item.id, "KeyError: 'chat'", retry_at=now, dead=attempt == 2, now=now)
    (next_item,), _ = await inbox.claim(now, now + timedelta(seconds=60), 10, 2)
    assert next_item.external_id == "2"
    (letter,) = await inbox.dead_letters()
    assert letter.external_id == "1"
    assert letter.last_error == "KeyError: 'chat'"
    assert (await inbox.counts())[("telegram", DEAD)] == 1


async def test_an_update_that_crashes_every_holder_is_dead_lettered_on_claim(
    database: Database,
) -> None:
    await _add(Inbox(database, "setup"), 1, "x")
    now = NOW
    for n in range(3):
        holder = Inbox(database, f"crash{n}")
        taken, dead = await holder.claim(now, now + timedelta(seconds=1), 10, 2)
        now += timedelta(seconds=2)
        if n < 2:
            assert len(taken) == 1
        else:
            assert taken == []
            assert [d.external_id for d in dead] == ["1"]


async def test_handing_back_does_not_count_an_attempt(database: Database) -> None:
    inbox = Inbox(database, "a")
    await _add(inbox, 1, "x")
    (item,), _ = await inbox.claim(NOW, LEASE, 10, 5)
    assert await inbox.release([item.id]) == 1
    (again,), _ = await Inbox(database, "b").claim(NOW, LEASE, 10, 5)
    assert again.attempts == 1


async def test_old_handled_rows_are_pruned_dead_ones_kept(database: Database) -> None:
    inbox = Inbox(database, "a")
    await _add(inbox, 1, "x")
    await _add(inbox, 2, "y")
    first, second = (await inbox.claim(NOW, LEASE, 10, 5))[0]
    await inbox.done(first.id, NOW)
    await inbox.failed(second.id, "boom", retry_at=NOW, dead=True, now=NOW)
    assert await inbox.prune(NOW + timedelta(days=3)) == 1
    assert await inbox.counts() == {("telegram", DEAD): 1}
    assert not await _add(inbox, 2, "y")  # a dead letter still refuses its re-send


async def test_a_refused_update_is_kept_answered_and_its_resend_known(database: Database) -> None:
    """`add_answered` (the inbox's bound): stored claimed by its process with the busy answer
    kept; a re-send is a duplicate; if the process dies, another sends the kept answer."""
    refusing, other = Inbox(database, "refusing"), Inbox(database, "other")
    await _add(refusing, 1, "x")
    item = await refusing.add_answered(
        "telegram", "2", "y", "{}", NOW, result='{"busy": true}', lease_until=LEASE
    )
    assert item is not None
    assert (item.external_id, item.attempts, item.result) == ("2", 1, '{"busy": true}')
    again = await refusing.add_answered(
        "telegram", "2", "y", "{}", NOW, result='{"busy": true}', lease_until=LEASE
    )
    assert again is None
    assert not await _add(refusing, 2, "y")
    assert await refusing.pending(10) == 2  # queued and claimed count
    assert await refusing.pending(1) == 1  # never more than the limit is read
    later = NOW + timedelta(seconds=61)  # the refusing process died: the lease lapsed
    taken, _ = await other.claim(later, later + timedelta(seconds=60), 10, 5)
    assert {(i.external_id, i.result) for i in taken} == {("1", None), ("2", '{"busy": true}')}
