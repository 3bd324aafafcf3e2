"""POST /telegram/webhook: Telegram's updates in webhook mode.

The body is checked before anything reads it (`channels.bodies`): too deep, not JSON, or not
shaped like an update is a 400. The secret token is compared in constant time; a wrong or
missing one gets 403 before the body is even parsed, so nothing runs. An accepted update is
stored in the durable inbox (committed) and only then answered 200; when it cannot be stored
the answer is 503 and Telegram sends it again later. A re-sent update is stored once and
answered 200. While the inbox is full (INBOX_MAX_PENDING) an update is stored as refused
and its sender told "busy, try again in a moment" (`InboxWorker.accept`): still 200, as
a 5xx would only make Telegram send it again, harder.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING

import structlog
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from calendar_assistant.channels.bodies import BodyRejected, telegram_update
from calendar_assistant.storage.errors import StorageError

if TYPE_CHECKING:  # the channel needs the telegram extra; the route answers 404 without it
    from calendar_assistant.channels.telegram.channel import TelegramChannel

log = structlog.get_logger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; no secret configured means no webhook at all."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def telegram_router(channel: Callable[[Request], TelegramChannel | None]) -> APIRouter:
    router = APIRouter(tags=["telegram"])

    @router.post(
        "/telegram/webhook",
        responses={403: {"description": "wrong or missing secret token"}},
    )
    async def webhook(request: Request) -> JSONResponse:
        """One update from Telegram (webhook mode)."""
        bot = channel(request)
        expected = bot.config.webhook_secret if bot is not None else None
        if bot is None or not secret_matches(expected, request.headers.get(SECRET_HEADER)):
            if bot is not None:
                bot.metrics.updates.labels("telegram", "rejected").inc()
            raise HTTPException(status_code=403, detail="forbidden")
        if not bot.ready.is_set():
            raise HTTPException(status_code=503, detail="the bot is still connecting")
        try:
            data = telegram_update(await request.body())
            await bot.enqueue(data)
        except BodyRejected as error:
            log.info("telegram_update_rejected", reason=str(error))
            raise HTTPException(status_code=400, detail=str(error)) from error
        except ValueError as error:  # an update_id out of range, or a shape we did not model
            log.warning("telegram_update_unreadable", error=type(error).__name__)
            raise HTTPException(status_code=400, detail="not a Telegram update") from error
        except StorageError as error:  # not stored: Telegram must send it again
            raise HTTPException(status_code=503, detail="try again later") from error
        return JSONResponse({"ok": True})

    return router
