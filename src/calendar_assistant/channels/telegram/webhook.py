"""POST /telegram/webhook: Telegram's updates in webhook mode.

The secret token is compared in constant time; a wrong or missing one gets 403 before the
body is even parsed, so nothing runs. An accepted update is stored in the durable inbox
(committed) and only then answered 200; when it cannot be stored the answer is 503 and
Telegram sends it again later. A re-sent update is stored once and answered 200.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from calendar_assistant.channels.telegram.channel import TelegramChannel
from calendar_assistant.storage.errors import StorageError

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
        secret = bot.settings.telegram_webhook_secret if bot is not None else None
        expected = secret.get_secret_value() if secret is not None else None
        if bot is None or not secret_matches(expected, request.headers.get(SECRET_HEADER)):
            if bot is not None:
                bot.metrics.updates.labels("telegram", "rejected").inc()
            raise HTTPException(status_code=403, detail="forbidden")
        if not bot.ready.is_set():
            raise HTTPException(status_code=503, detail="the bot is still connecting")
        try:
            data = json.loads(await request.body())
        except ValueError as error:
            raise HTTPException(status_code=400, detail="the body is not JSON") from error
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise HTTPException(status_code=400, detail="not a Telegram update")
        try:
            await bot.enqueue(data)
        except ValueError as error:
            raise HTTPException(status_code=400, detail="not a Telegram update") from error
        except StorageError as error:  # not stored: Telegram must send it again
            raise HTTPException(status_code=503, detail="try again later") from error
        return JSONResponse({"ok": True})

    return router
