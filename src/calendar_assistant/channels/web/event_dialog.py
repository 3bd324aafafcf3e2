"""Changing an event from the calendar view: the dialog that opens on a click
(event_dialog.js) posts a small typed body, and the server builds the `Command` from it.

The action is never turned into a sentence to be read again: the body names the action
and its values, the event is named by its id (and, in a series, the occurrence's original
start), and the command goes to the assistant as one turn of the user's web chat
(`WebChat.act`): the same front door, per-user order, questions (a delete asks to
confirm, a series asks which occurrences), undo record and replies as a typed message.
The replies come back as the chat's `ChatResponse`, so the page shows them in the chat.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

import structlog
from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from calendar_assistant.actions.finding import by_id
from calendar_assistant.calendars.base import CalendarBackend, CalendarError
from calendar_assistant.channels.web.accounts import SessionUser
from calendar_assistant.channels.web.chat import ChatResponse, WebChat, reply_out
from calendar_assistant.channels.web.signin import WebAuth
from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent
from calendar_assistant.domain.messages import Reply, UserRef, printable
from calendar_assistant.domain.series_edits import MAX_TITLE_CHARS
from calendar_assistant.storage.users import UserRecord

log = structlog.get_logger(__name__)

#: A reminder at most four weeks before the event (the chat's «за неделю» fits easily).
MAX_MINUTES_BEFORE = 4 * 7 * 24 * 60
_MAX_ID_CHARS = 1024

Action = Literal["move", "rename", "delete", "remind"]
#: The one value each action needs; any other value in the body is a mistake (400).
_NEEDS: dict[str, str | None] = {
    "move": "start",
    "rename": "title",
    "delete": None,
    "remind": "minutes_before",
}


class ChangeRequest(BaseModel):
    """What the dialog asks for: one action and the value it needs."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    occurrence: str | None = Field(
        default=None,
        max_length=64,
        description="for an occurrence of a series: its original start (ISO with offset), "
        "as the part after '@' of the event's `id` in GET /api/calendar/events",
    )
    start: str | None = Field(
        default=None,
        max_length=64,
        description="move: the new start, ISO 8601; without an offset, in the user's zone",
    )
    title: str | None = Field(default=None, max_length=MAX_TITLE_CHARS, description="rename")
    minutes_before: int | None = Field(
        default=None, ge=0, le=MAX_MINUTES_BEFORE, description="remind: minutes before it"
    )


def _bad(detail: str) -> HTTPException:
    return HTTPException(status_code=400, detail=detail)


def _time(value: str, name: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _bad(f"{name} is not an ISO 8601 time") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _checked(body: ChangeRequest) -> None:
    """Exactly the value the action needs, and no other."""
    needed = _NEEDS[body.action]
    for name in ("start", "title", "minutes_before"):
        given = getattr(body, name) is not None
        if name == needed and not given:
            raise _bad(f"{body.action} needs {name}")
        if name != needed and given:
            raise _bad(f"{body.action} takes no {name}")


def command_for(event_id: str, body: ChangeRequest, zone: ZoneInfo) -> Command:
    """The Command the dialog's body asks for (400 when the body does not say it right)."""
    if not event_id or len(event_id) > _MAX_ID_CHARS:
        raise _bad("no such event id")
    _checked(body)
    occurrence = None
    if body.occurrence is not None:
        try:
            occurrence = datetime.fromisoformat(body.occurrence.strip())
        except ValueError:
            raise _bad("occurrence is not an ISO 8601 time") from None
        if occurrence.tzinfo is None:
            raise _bad("occurrence needs its offset (as the event's id has it)")
    target = EventTarget(event_id=event_id, occurrence=occurrence)
    if body.action == "move":
        assert body.start is not None
        start = _time(body.start, "start", zone)
        return Command(intent=Intent.UPDATE_EVENT, target=target, changes=EventChanges(start=start))
    if body.action == "rename":
        title = printable(body.title or "").strip()
        if not title:
            raise _bad("rename needs a title")
        return Command(intent=Intent.UPDATE_EVENT, target=target, changes=EventChanges(title=title))
    if body.action == "remind":
        return Command(
            intent=Intent.CREATE_REMINDER,
            target=target,
            reminder_minutes_before=body.minutes_before,
        )
    return Command(intent=Intent.DELETE_EVENT, target=target)


class EventDialog:
    """Turns the dialog's requests into commands for the signed-in user's web chat."""

    def __init__(
        self,
        users: Callable[[UserRef], Awaitable[UserRecord]],
        calendars: Callable[[int], CalendarBackend],
        chat: WebChat,
    ) -> None:
        self._users = users
        self._calendars = calendars
        self._chat = chat

    async def change(self, user: SessionUser, event_id: str, body: ChangeRequest) -> list[Reply]:
        """The replies to the change; 404 when this user's calendar has no such event."""
        record = await self._users(UserRef(key=user.key, display_name=user.display_name))
        command = command_for(event_id, body, ZoneInfo(record.settings.timezone))
        assert command.target is not None
        try:
            found = await by_id(self._calendars(record.id), event_id, command.target.occurrence)
        except CalendarError as error:
            log.warning("event_dialog_failed", error=type(error).__name__)
            raise HTTPException(status_code=502, detail="the calendar did not answer") from None
        if found is None:  # not this user's (or gone): say nothing about whose it is
            raise HTTPException(status_code=404, detail="no such event")
        return await self._chat.act(user, command)


def event_dialog_router(
    dialog: Callable[[Request], EventDialog], auth: Callable[[Request], WebAuth]
) -> APIRouter:
    """The dialog's route; `dialog` and `auth` find the running parts from the request."""
    router = APIRouter()

    async def signed_in(request: Request) -> SessionUser:
        """Asked before the body is read: without a session the answer is 401, not 400."""
        return await auth(request).require(request)

    signed_in_user = Depends(signed_in)

    @router.post(
        "/api/calendar/events/{event_id:path}/change",
        response_model=ChatResponse,
        tags=["web calendar"],
        responses={
            400: {"description": "the body does not name an action and its one value"},
            401: {"description": "not signed in: see /signin"},
            403: {"description": "missing or wrong X-CSRF-Token"},
            404: {"description": "the signed-in user has no such event"},
            502: {"description": "the calendar did not answer"},
        },
    )
    async def change(
        event_id: str,
        body: ChangeRequest,
        request: Request,
        user: SessionUser = signed_in_user,
    ) -> ChatResponse:
        """Move, rename, delete or set a reminder for one event, as the chat would: the
        replies (a question to confirm, or what was done) are the chat's."""
        replies = await dialog(request).change(user, event_id, body)
        return ChatResponse(replies=[reply_out(r) for r in replies])

    return router
