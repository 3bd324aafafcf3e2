"""Handling what the durable inbox holds: claim, answer, keep the answer, send, finish.

Every channel that receives updates by webhook stores them in the inbox first
(`storage.inbox`); this worker, one per process, claims rows and gives each to its
channel's handler in two steps:

1. `handle_stored(item)`: act on the update (the assistant's changes) and return what to send,
   as text the handler can read back (JSON). The worker keeps it in the row at once.
2. `send_stored(item, result)`: send it. Then the row is done.

On PostgreSQL step 1 and the kept answer are one transaction (`Database.unit`): whatever
fails in it (a crash, the database restarting) keeps nothing, so a retry never acts twice.
On SQLite a crash between 1 and the kept answer can act twice on retry (the crash window is
the time of one database write). A crash after the answer is kept only sends it again. A
failure of either step queues the row again after a back-off, and after `max_attempts` the
row is dead-lettered (kept, counted in `assistant_inbox_dead_letters_total`), and the
chat's later updates go on; when nothing of it was kept (its unit rolled back each time)
the handler's `give_up` tells the sender so.

The inbox is bounded (`max_pending`, INBOX_MAX_PENDING): an update that comes while that
many wait (queued or in hand, every replica's) is not queued but answered "busy, try again
in a moment" (`accept`): stored as already answered, so a re-send is known, and sent at once
like any kept answer. The webhook still answers 200, so Telegram does not hammer us.

A graceful stop (`stop`) claims nothing more, waits for the updates in hand up to a bound,
hands the unfinished ones back to the inbox, and logs what was left as one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import math
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

import structlog

from calendar_assistant.observability.metrics import Metrics
from calendar_assistant.storage.inbox import CLAIMED, DEAD, QUEUED, Inbox, InboxItem

log = structlog.get_logger(__name__)

#: How long a woken claim loop waits for more before it claims (`_claim_loop`).
_CLAIM_GATHER_SECONDS = 0.01
#: How old the pending count may be before the next update reads it again (`_full`).
_RECOUNT_SECONDS = 0.25


class _ClaimLost(Exception):
    """Another holder has the update now: what this one did is rolled back."""


class InboxHandler(Protocol):
    """One channel's way of handling its stored updates."""

    async def handle_stored(self, item: InboxItem) -> str:
        """Act on the update; return what to send (kept before it is sent)."""
        ...

    async def send_stored(self, item: InboxItem, result: str) -> None:
        """Send what `handle_stored` returned (possibly again, after a crash)."""
        ...

    async def give_up(self, item: InboxItem) -> None:
        """Tell the sender the update was dead-lettered while nothing of it was kept (its
        unit of work rolled back every time), so nobody waits for an answer forever."""
        ...

    def busy(self, payload: str) -> str:
        """What to send, in the form `send_stored` reads, instead of handling an update that
        came while the inbox was full: "busy, try again in a moment" in the sender's
        language. Made from the payload alone: no database read while overloaded."""
        ...


class Accepted(enum.Enum):
    """What became of an update given to `InboxWorker.accept`."""

    #: Stored and queued: it will be handled.
    QUEUED = "queued"
    #: Stored before (a re-send): nothing more is done.
    DUPLICATE = "duplicate"
    #: The inbox was full: stored as answered with the handler's `busy` reply, sent at once.
    REFUSED = "refused"


class InboxWorker:
    """Claims inbox rows and runs them through their channel's handler, `concurrency` at once."""

    def __init__(
        self,
        inbox: Inbox,
        handlers: dict[str, InboxHandler],
        metrics: Metrics,
        clock: Callable[[], datetime],
        *,
        concurrency: int,
        lease: timedelta,
        max_attempts: int,
        poll_seconds: float,
        max_pending: int | None = None,
    ) -> None:
        self.inbox = inbox
        self.handlers = handlers
        self._metrics = metrics
        self._clock = clock
        self._concurrency = concurrency
        self._lease = lease
        self._max_attempts = max_attempts
        self._poll = poll_seconds
        self._max_pending = max_pending
        #: The pending count as last read, plus what this process queued since.
        self._pending = 0
        self._pending_read_at = -math.inf
        self._queued = 0  # every update this process queued, for `_full`
        self._was_full = False
        self._running: dict[int, asyncio.Task[None]] = {}
        self._refusing: set[int] = set()
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._claimer: asyncio.Task[None] | None = None

    # -- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Begin claiming (unless `concurrency` is 0: a replica that only accepts)."""
        if self._concurrency > 0:
            self._claimer = asyncio.create_task(self._claim_loop(), name="inbox-claims")
            self._tasks.append(self._claimer)
            self._tasks.append(asyncio.create_task(self._heartbeat(), name="inbox-leases"))
        self._tasks.append(asyncio.create_task(self._gauges(), name="inbox-gauges"))

    async def accept(self, channel: str, external_id: str, chat_key: str, payload: str) -> Accepted:
        """Store a channel's update (committed on return) and look at it at once. Raises
        StorageError when it could not be stored.

        While `max_pending` updates or more wait in the inbox (every replica's, see
        `_full`), the update is refused instead: stored with its handler's `busy` answer
        and claimed by this process, which sends that answer at once (`_handle`, as any
        kept answer). So the sender hears "try again in a moment", a re-send is known by
        its id, and nothing is acted on or dropped.
        """
        now = self._clock()
        handler = self.handlers.get(channel)
        if handler is not None and not self._stopping and await self._full():
            item = await self.inbox.add_answered(
                channel,
                external_id,
                chat_key,
                payload,
                now,
                result=handler.busy(payload),
                lease_until=now + self._lease,
            )
            if item is None:
                return Accepted.DUPLICATE
            task = asyncio.create_task(self._handle(item), name=f"inbox-busy-{item.id}")
            self._running[item.id] = task  # renewed, finished or handed back like a claim
            self._refusing.add(item.id)  # but not taking a claim's place
            task.add_done_callback(partial(self._finished, item.id))
            return Accepted.REFUSED
        # Counted before the insert, so updates arriving at the same moment see each other.
        self._pending += 1
        self._queued += 1
        stored = False
        try:
            stored = await self.inbox.add(channel, external_id, chat_key, payload, now)
        finally:
            if not stored:
                self._pending -= 1
                self._queued -= 1
        if not stored:
            return Accepted.DUPLICATE
        self._wake.set()
        return Accepted.QUEUED

    async def _full(self) -> bool:
        """Whether `max_pending` updates or more are queued or in hand, in the database (so
        across replicas).

        The count is read at most every `_RECOUNT_SECONDS` and counts up with what this
        process queued since, so a burst costs one indexed count (`Inbox.pending`, at most
        `max_pending` index entries) per interval, not one per update. It can run a
        fraction of a second behind: what finished meanwhile (or what other replicas
        queued) is seen at the next read. A count that fails (the database away) does not
        refuse: the insert that follows decides.
        """
        if self._max_pending is None:
            return False
        if time.monotonic() - self._pending_read_at >= _RECOUNT_SECONDS:
            # Marked before the read: the updates arriving meanwhile use the last count
            # instead of each reading again (a burst would otherwise count once per update).
            self._pending_read_at = time.monotonic()
            queued_before = self._queued
            try:
                counted = await self.inbox.pending(self._max_pending)
            except Exception as error:
                log.warning("inbox_count_failed", error=type(error).__name__)
                return False
            # What this process queued while the count was read may or may not be in it:
            # counted again, so the estimate errs on the full side.
            self._pending = counted + self._queued - queued_before
        full = self._pending >= self._max_pending
        if full != self._was_full:  # one line when it fills and one when it has room again
            self._was_full = full
            log.warning("inbox_full" if full else "inbox_has_room", pending=self._pending)
        return full

    def wake(self) -> None:
        """Something was added: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self, within: float) -> dict[str, Any]:
        """Claim nothing more, finish what is in hand within `within` seconds, hand the rest
        back, and log what is left in the inbox for the next process."""
        self._stopping = True
        self._wake.set()
        started = time.monotonic()
        if self._claimer is not None:  # ends at its next turn (a claim in progress completes)
            await asyncio.wait([self._claimer], timeout=within)
        in_hand = len(self._running)
        if self._running:
            await asyncio.wait(list(self._running.values()), timeout=within)
        unfinished = list(self._running)
        for task in self._running.values():
            task.cancel()
        await asyncio.gather(*self._running.values(), return_exceptions=True)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        report: dict[str, Any] = {
            "in_hand_at_stop": in_hand,
            "finished_while_stopping": in_hand - len(unfinished),
            "handed_back": 0,
            "stop_seconds": round(time.monotonic() - started, 3),
        }
        try:
            report["handed_back"] = await self.inbox.release(unfinished)
            counts = await self.inbox.counts()
        except Exception as error:  # the database is away: the leases lapse on their own
            log.error("inbox_left", error=type(error).__name__, unfinished=unfinished, **report)
            return report
        report["queued"] = sum(n for (_, state), n in counts.items() if state == QUEUED)
        report["claimed_by_others"] = sum(n for (_, s), n in counts.items() if s == CLAIMED)
        report["dead"] = sum(n for (_, state), n in counts.items() if state == DEAD)
        log.info("inbox_left", **report)
        return report

    async def wait_idle(self, within: float) -> bool:
        """Until nothing is queued or claimed (tests, and the drain of a single process)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            counts = await self.inbox.counts()
            if not self._running and not any(
                n for (_, state), n in counts.items() if state in (QUEUED, CLAIMED)
            ):
                return True
            await asyncio.sleep(0.05)
        return False

    # -- claiming --------------------------------------------------------------------------

    async def _claim_loop(self) -> None:
        while not self._stopping:
            # Cleared before the claim, not after: an update stored while the claim runs
            # (which it may not see) wakes the next turn at once instead of a poll later.
            self._wake.clear()
            free = self._concurrency - (len(self._running) - len(self._refusing))
            claimed = 0
            if free > 0:
                claimed = await self._claim(free)
            if self._stopping:
                return
            if claimed and claimed == free:
                continue  # there may be more waiting
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
                # Woken (an update stored, one finished): gather what comes in the next few
                # milliseconds into one claim. Under load each update wakes the loop twice,
                # and every claim is a write transaction.
                await asyncio.sleep(_CLAIM_GATHER_SECONDS)

    async def _claim(self, free: int) -> int:
        now = self._clock()
        try:
            items, dead = await self.inbox.claim(now, now + self._lease, free, self._max_attempts)
        except Exception as error:  # the database is away for a moment: try at the next poll
            log.warning("inbox_claim_failed", error=type(error).__name__)
            return 0
        if self._stopping:  # stopped while claiming: give them back at once
            await self.inbox.release([item.id for item in items])
            items = []
        for letter in dead:
            self._metrics.inbox_dead_letters.labels(letter.channel).inc()
            log.error(
                "inbox_dead_letter",
                channel=letter.channel,
                update=letter.external_id,
                attempts=letter.attempts,
                error=letter.last_error,
            )
        for item in items:
            task = asyncio.create_task(self._handle(item), name=f"inbox-{item.id}")
            self._running[item.id] = task
            task.add_done_callback(partial(self._finished, item.id))
        return len(items)

    def _finished(self, item_id: int, _task: object) -> None:
        self._running.pop(item_id, None)
        self._refusing.discard(item_id)
        self._wake.set()  # a slot is free, and the chat's next update may go now

    async def _heartbeat(self) -> None:
        """Renew the leases of the updates in hand, three times per lease."""
        every = max(self._lease.total_seconds() / 3, 0.05)
        while True:
            await asyncio.sleep(every)
            if not self._running:
                continue
            try:
                await self.inbox.renew(list(self._running), self._clock() + self._lease)
            except Exception as error:
                log.warning("inbox_renew_failed", error=type(error).__name__)

    async def _gauges(self) -> None:
        """The inbox's depth by channel and state, for the dashboard and the alert rules."""
        seen: set[tuple[str, str]] = set()
        while True:
            try:
                counts = await self.inbox.counts()
            except Exception as error:
                log.warning("inbox_count_failed", error=type(error).__name__)
                counts = {}
            for key in seen - counts.keys():
                self._metrics.inbox_updates.labels(*key).set(0)
            for key, n in counts.items():
                self._metrics.inbox_updates.labels(*key).set(n)
            seen |= counts.keys()
            await asyncio.sleep(5.0)

    # -- handling ------------------------------------------------------------------------

    async def _handle(self, item: InboxItem) -> None:
        handler = self.handlers.get(item.channel)
        result = item.result
        try:
            if handler is None:
                raise LookupError(f"no handler for channel {item.channel!r}")
            if result is None:
                result = await self._act(handler, item)
                if result is None:
                    log.warning("inbox_claim_lost", channel=item.channel, id=item.id)
                    return
            await handler.send_stored(item, result)
            if not await self._kept(partial(self.inbox.done, item.id, self._clock())):
                log.warning("inbox_claim_lost", channel=item.channel, id=item.id)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await self._failed(item, error)
            if result is None and handler is not None and self.inbox.atomic:
                await self._give_up(handler, item)

    async def _give_up(self, handler: InboxHandler, item: InboxItem) -> None:
        """After the last attempt failed in its unit of work (nothing kept): tell the user."""
        if item.attempts < self._max_attempts:
            return
        try:
            await handler.give_up(item)
        except Exception as error:  # best effort: the dead letter is logged and counted
            log.warning("inbox_give_up_not_sent", channel=item.channel, error=type(error).__name__)

    async def _act(self, handler: InboxHandler, item: InboxItem) -> str | None:
        """Handle the update and keep its answer; None when the claim was lost meanwhile.

        On PostgreSQL both are one transaction (`Inbox.unit`): a crash, a lost claim or a
        storage error anywhere in it (the database restarting, say) keeps nothing, not
        even what the handler stored before, and the update is tried again later; the user
        hears of it only when it is done. On SQLite the answer is a write of its own after
        the handler's, retried while the database is busy (`_kept`).
        """
        if not self.inbox.atomic:
            result = await handler.handle_stored(item)
            if not await self._kept(partial(self.inbox.answered, item.id, result)):
                return None
            return result
        try:
            async with self.inbox.unit():
                result = await handler.handle_stored(item)
                if not await self.inbox.answered(item.id, result):
                    raise _ClaimLost
        except _ClaimLost:
            return None
        return result

    async def _failed(self, item: InboxItem, error: Exception) -> None:
        dead = item.attempts >= self._max_attempts
        now = self._clock()
        retry_at = now + timedelta(seconds=min(2.0**item.attempts, 60.0))
        text = f"{type(error).__name__}: {error}"
        self._metrics.inbox_failures.labels(item.channel).inc()
        if dead:
            self._metrics.inbox_dead_letters.labels(item.channel).inc()
        log.error(
            "inbox_dead_letter" if dead else "inbox_update_failed",
            channel=item.channel,
            update=item.external_id,
            attempt=item.attempts,
            error=text[:500],
        )
        failed = partial(self.inbox.failed, item.id, text, retry_at=retry_at, dead=dead, now=now)
        try:
            await self._kept(failed)
        except Exception as storing:  # the lease lapses and the row is tried again
            log.warning("inbox_fail_not_stored", error=type(storing).__name__)

    async def _kept(self, write: Callable[[], Awaitable[bool]]) -> bool:
        """One write of an update's progress, tried again with a short back-off while the
        database is away (a restart, a dropped connection) for up to one lease: giving up at
        once would let the lease lapse and the update be handled or sent a second time."""
        give_up = time.monotonic() + self._lease.total_seconds()
        pause = 0.1
        while True:
            try:
                return await write()
            except Exception as error:
                if self._stopping or time.monotonic() + pause > give_up:
                    raise
                log.warning("inbox_write_retried", error=type(error).__name__)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)
