"""What every chat message goes through before and after the assistant, on any channel
(the terminal, the web chat, Telegram): a user over the rate limit is answered politely, the
chat is remembered for reminders, metrics are counted (on the server), and the message goes
through the account desk's routers in their fixed order (`routers`: typed requests, the
desk's buttons, slash commands, the open /connect question, phrases, the zone /start asked
for, account commands typed as words); what none of them answers goes to the assistant.
Each channel serves one user's messages in order (channels.ordering) before they come here.
(A re-sent update acts once because the inbox stores it once.)"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

import structlog

from calendar_assistant.channels.rate_limit import RateLimiter, Verdict
from calendar_assistant.conversation.account_commands import AccountDesk
from calendar_assistant.conversation.account_routes import Incoming
from calendar_assistant.conversation.routing import Router
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.observability.error_tracking import DISABLED, ErrorTracking
from calendar_assistant.observability.observation import Observation, observing
from calendar_assistant.replies import catalogue
from calendar_assistant.storage.channel_records import ChatLinks
from calendar_assistant.storage.database import unit_failed
from calendar_assistant.storage.errors import StorageError
from calendar_assistant.storage.users import remembering

if TYPE_CHECKING:  # the server's extra: the terminal runs the front door without metrics
    from calendar_assistant.observability.metrics import Metrics

log = structlog.get_logger(__name__)

Answer = Callable[[], Awaitable[list[Reply]]]
_INTAKE_ATTEMPTS = 4


def too_fast(lang: Lang, per_minute: int) -> Reply:
    return Reply(catalogue.text(lang, "front_door.too_fast", per_minute=per_minute))


def failed(lang: Lang) -> Reply:
    return Reply(catalogue.text(lang, "front_door.failed"))


def busy(lang: Lang) -> Reply:
    """The answer to a message that came while too many wait (the inbox's bound, or the web
    chat's): nothing was done with it, and the sender should send it again shortly."""
    return Reply(catalogue.text(lang, "front_door.busy"))


class FrontDoor:
    """Runs one message's answer with rate limit, chat link and metrics (None: not counted,
    as in the terminal)."""

    def __init__(
        self,
        desk: AccountDesk,
        links: ChatLinks,
        limiter: RateLimiter,
        metrics: Metrics | None,
        per_minute: int,
        errors: ErrorTracking = DISABLED,
    ) -> None:
        self.desk = desk
        self._links = links
        self._limiter = limiter
        self._metrics = metrics
        self._per_minute = per_minute
        self._errors = errors

    @property
    def routers(self) -> tuple[Router[Incoming], ...]:
        """The routers a message goes through, in order (the account desk's, ROUTERS)."""
        return self.desk.routers

    async def say(
        self, *, channel: str, chat_id: str, user: UserRef, inbound: Inbound, now: datetime
    ) -> list[Reply]:
        """The replies to one message that is nothing but an Inbound (the terminal, the web
        chat): `handle` with the account desk's answer to it."""
        return await self.handle(
            channel=channel,
            chat_id=chat_id,
            user=user,
            now=now,
            answer=lambda: self.desk.handle(user, inbound, now),
        )

    async def handle(
        self,
        *,
        channel: str,
        chat_id: str,
        user: UserRef,
        now: datetime,
        answer: Answer,
    ) -> list[Reply]:
        """The replies to send.

        A storage error is answered "nothing was changed" after a few tries, except inside
        a unit of work (an inbox update on PostgreSQL): there it is raised, as the unit is
        rolled back whole and the update tried again later.

        The user is read once for the whole answer (`remembering`): the desk and the
        assistant get the record read here, with the dialogue document and the chat link
        read with it.
        """
        with remembering(channel):
            return await self._handle(
                channel=channel, chat_id=chat_id, user=user, now=now, answer=answer
            )

    async def _handle(
        self,
        *,
        channel: str,
        chat_id: str,
        user: UserRef,
        now: datetime,
        answer: Answer,
    ) -> list[Reply]:
        verdict: Verdict | None = None
        for attempt in range(_INTAKE_ATTEMPTS):
            try:
                record = await self.desk.user(user)
                if verdict is None:  # counted once, however often the database is retried
                    verdict = await self._limiter.check(user.key, now)
                if verdict is Verdict.ALLOWED:
                    await self._links.link(record.id, channel, chat_id, now)
                break
            except StorageError as error:  # a busy database: wait a little and try again
                if unit_failed():  # rolled back whole and tried again by the inbox
                    raise
                if attempt == _INTAKE_ATTEMPTS - 1:
                    log.error("message_intake_failed", channel=channel, error=str(error))
                    if self._metrics is not None:
                        self._metrics.observe_message(channel, "none", "error")
                    return [failed(user.language_hint or "ru")]
                await asyncio.sleep(0.2 * 2**attempt)
        if verdict is not Verdict.ALLOWED:
            self._count(channel, "rate_limited")
            if verdict is Verdict.SILENCED:
                return []
            return [too_fast(record.settings.language, self._per_minute)]
        self._count(channel, "accepted")
        started = time.perf_counter()
        with observing() as seen, self._errors.user_scope(channel, user.key):
            try:
                replies = await answer()
            except Exception as error:
                log.exception("message_failed", channel=channel, error=type(error).__name__)
                seen.outcome = "error"
                replies = [failed(record.settings.language)]
        self._observe(channel, seen, time.perf_counter() - started)
        return replies

    def refuse_busy(self, channel: str, lang: Lang) -> Reply:
        """The "busy, try again" answer to a message not taken because too many wait,
        counted as `assistant_channel_updates_total{result="busy"}`."""
        if self._metrics is not None:
            self._metrics.updates.labels(channel, "busy").inc()
        return busy(lang)

    def _count(self, channel: str, update: str) -> None:
        """An update accepted or rate limited (a limited one is also a message answered)."""
        if self._metrics is None:
            return
        self._metrics.updates.labels(channel, update).inc()
        if update == "rate_limited":
            self._metrics.observe_message(channel, "none", "rate_limited")

    def _observe(self, channel: str, seen: Observation, seconds: float) -> None:
        if self._metrics is None:
            return
        self._metrics.handling_seconds.labels(channel).observe(seconds)
        if seen.understanding_seconds is not None:
            self._metrics.observe_understanding(seen.understanding_seconds)
        self._metrics.observe_message(channel, seen.intent, seen.outcome)
