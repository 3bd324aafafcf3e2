"""The web chat: a page at `/` and a small JSON API, to talk to the assistant from a
browser as the signed-in user (channels.web.signin): the same user, calendar and dialogue
as their Telegram chat, or the local user of a laptop install.

Reminders for the web user wait in the database (`WebOutbox`) until the page polls for them:
a restart does not lose them and, with several replicas, whichever one the page polls hands
each out exactly once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_assistant.channels.front_door import FrontDoor
from calendar_assistant.channels.ordering import OrderedDispatcher
from calendar_assistant.channels.questions import InProcessStore, QuestionBook, refusal
from calendar_assistant.channels.web.accounts import SessionUser
from calendar_assistant.channels.web.outbox import WebOutbox
from calendar_assistant.channels.web.signin import LOCAL_USER, SIGNIN_PATH, WebAuth
from calendar_assistant.domain.commands import Command
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.speech.voice_messages import HeardMessage, hear_voice_message

if TYPE_CHECKING:
    from calendar_assistant.speech.voice import Voice

CHANNEL = "web"
#: The local user's web chat (kept from before sign-in existed: its queued reminders).
LOCAL_CHAT = "local"


def chat_of(user: SessionUser) -> str:
    """The web chat of a user: where their web reminders wait (one per user)."""
    return LOCAL_CHAT if user.key == LOCAL_USER.key else f"user-{user.id}"


class ChatRequest(BaseModel):
    """A typed message, or the payload of a pressed button."""

    text: str = Field(default="", max_length=20000)
    button: str | None = Field(default=None, max_length=200)


class ButtonOut(BaseModel):
    label: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    buttons: list[list[ButtonOut]] = Field(default_factory=list)


class ChatResponse(BaseModel):
    replies: list[ReplyOut]


#: What a "busy" answer asks the page to wait before sending again.
BUSY_RETRY_AFTER_SECONDS = 10


class ChatBusy(Exception):
    """Too many of the web chat's messages wait in this process (INBOX_MAX_PENDING): this
    one is not taken. Answered 503 with the sentence and Retry-After (`busy_response`)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


async def busy_response(_request: Request, error: Exception) -> JSONResponse:
    """The app's answer to `ChatBusy`, in the shape of the web chat's other errors."""
    text = error.text if isinstance(error, ChatBusy) else str(error)
    return JSONResponse(
        {"detail": text},
        status_code=503,
        headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
    )


def reply_out(reply: Reply) -> ReplyOut:
    rows = [[ButtonOut(label=b.label, payload=b.payload) for b in row] for row in reply.buttons]
    return ReplyOut(text=reply.text, buttons=rows)


class WebChat:
    """Answers the page's messages in order; reminders wait in the database's outbox."""

    def __init__(
        self,
        front: FrontDoor,
        dispatcher: OrderedDispatcher,
        clock: Callable[[], datetime],
        outbox: WebOutbox,
        questions: QuestionBook | None = None,
        voice: Voice | None = None,
        max_waiting: int | None = None,
    ) -> None:
        self.voice = voice
        self._max_waiting = max_waiting
        self._questions = questions if questions is not None else QuestionBook(InProcessStore())
        self._front = front
        self._dispatcher = dispatcher
        self._clock = clock
        self._outbox = outbox

    async def say(self, user: SessionUser, message: ChatRequest) -> list[Reply]:
        """Answer the signed-in `user`'s message, in turn with their other channels."""
        return await self._turn(user, Inbound(text=message.text), message.button)

    async def act(self, user: SessionUser, command: Command) -> list[Reply]:
        """Carry out a command the calendar's event dialog built, as one turn of this chat:
        the same front door (rate limit, order, per-user lock), questions and undo."""
        return await self._turn(user, Inbound(command=command), None)

    async def _room(self, ref: UserRef) -> None:
        """Raise ChatBusy when `max_waiting` of this chat's messages wait already: the web
        chat has no inbox (it answers in the request), so what waits is held here, in this
        process, and each waiting message is an open request."""
        if self._max_waiting is None or self._dispatcher.waiting < self._max_waiting:
            return
        lang = (await self._front.desk.user(ref)).settings.language
        raise ChatBusy(self._front.refuse_busy(CHANNEL, lang).text)

    async def _turn(self, user: SessionUser, inbound: Inbound, button: str | None) -> list[Reply]:
        ref = UserRef(key=user.key, display_name=user.display_name)
        chat_id = chat_of(user)
        await self._room(ref)

        async def answer(inbound: Inbound) -> list[Reply]:
            return await self._front.desk.handle(ref, inbound, self._clock())

        async def turn() -> list[Reply]:
            said = inbound
            if button is not None:
                # A button acts only while its question is open (channels.questions).
                taken = await self._questions.take(ref.key, chat_id, button)
                if taken.payload is None:
                    lang = (await self._front.desk.user(ref)).settings.language
                    return [Reply(refusal(taken.verdict, lang))]
                said = Inbound(button=taken.payload)
            replies = await self._front.handle(
                channel=CHANNEL,
                chat_id=chat_id,
                user=ref,
                now=self._clock(),
                answer=lambda: answer(said),
            )
            return await self._questions.bind(ref.key, chat_id, replies)

        return await self._dispatcher.run(ref.key, turn)

    async def hear(
        self, user: SessionUser, audio: bytes
    ) -> tuple[HeardMessage | None, list[Reply]]:
        """A recording from the page's microphone, heard as a Telegram voice note is (same
        engine, limits, echo and explanations), then answered as if typed, in turn.

        The heard message is None when the turn never listened (the rate limit answered).
        """
        ref = UserRef(key=user.key, display_name=user.display_name)
        chat_id = chat_of(user)
        await self._room(ref)
        heard: HeardMessage | None = None

        async def recording() -> bytes:
            return audio

        async def answer() -> list[Reply]:
            nonlocal heard
            lang = (await self._front.desk.user(ref)).settings.language
            heard = await hear_voice_message(
                self.voice, recording, lang=lang, declared_bytes=len(audio)
            )
            if heard.text is None:
                return [Reply(heard.echo)]
            typed = Inbound(text=heard.text)
            return [Reply(heard.echo), *await self._front.desk.handle(ref, typed, self._clock())]

        async def turn() -> list[Reply]:
            replies = await self._front.handle(
                channel=CHANNEL, chat_id=chat_id, user=ref, now=self._clock(), answer=answer
            )
            return await self._questions.bind(ref.key, chat_id, replies)

        replies = await self._dispatcher.run(ref.key, turn)
        return heard, replies

    async def language(self, user: SessionUser) -> Lang:
        """The user's language, for answers given before a turn (refused uploads)."""
        ref = UserRef(key=user.key, display_name=user.display_name)
        return (await self._front.desk.user(ref)).settings.language

    async def keep(
        self,
        session: AsyncSession,
        *,
        reminder_id: int,
        user_id: int,
        chat_id: str,
        text: str,
        due: datetime,
        now: datetime,
    ) -> None:
        """A reminder for the web user: queued in the scheduler's transaction until fetched."""
        await self._outbox.keep(
            session,
            reminder_id=reminder_id,
            user_id=user_id,
            chat_id=chat_id,
            text=text,
            due=due,
            now=now,
        )

    async def take_outbox(self, user: SessionUser) -> list[str]:
        """The user's reminders waiting for the page, each handed out once (any replica)."""
        return [f.text for f in await self._outbox.take(chat_of(user), self._clock())]


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(*name.split("/")).read_text(encoding="utf-8")


def _page() -> str:
    return _asset("page.html")


def signin_page() -> str:
    return _asset("signin.html")


#: The pages' scripts and style are files, so the Content-Security-Policy needs no inline.
#: Each is served at /static/<name> from its path in this package; FullCalendar (MIT) is
#: vendored in static/fullcalendar (scripts/vendor_fullcalendar.py refreshes it).
_STATIC = {
    "chat.js": ("chat.js", "text/javascript"),
    "chat.css": ("chat.css", "text/css"),
    "signin.js": ("signin.js", "text/javascript"),
    "calendar.js": ("calendar.js", "text/javascript"),
    "event_dialog.js": ("event_dialog.js", "text/javascript"),
    "voice.js": ("voice.js", "text/javascript"),
    "settings.js": ("settings.js", "text/javascript"),
    "fullcalendar.min.js": ("static/fullcalendar/fullcalendar.min.js", "text/javascript"),
    "fullcalendar.css": ("static/fullcalendar/fullcalendar.css", "text/css"),
    "fullcalendar-ru.js": ("static/fullcalendar/locale-ru.min.js", "text/javascript"),
    "fullcalendar-LICENSE.txt": ("static/fullcalendar/LICENSE.txt", "text/plain"),
}


#: What the API routes answer without a session (docs/web.md).
_SIGNED_IN: dict[int | str, dict[str, object]] = {
    401: {"description": "not signed in: see /signin"}
}


def web_router(chat: Callable[[Request], WebChat], auth: Callable[[Request], WebAuth]) -> APIRouter:
    """Routes of the web chat; `chat` and `auth` find the running parts from the request."""
    router = APIRouter()
    page = _page()

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request) -> Response:
        """The chat for the signed-in user; the local user of a laptop is signed in here;
        anyone else goes to the sign-in page."""
        running = auth(request)
        if await running.current(request) is not None:
            return HTMLResponse(page)
        local = await running.local_session(request)
        if local is None:
            return RedirectResponse(SIGNIN_PATH, status_code=303)
        response = HTMLResponse(page)
        running.issue(request, response, local[1])
        return response

    assets = {name: (_asset(path), kind) for name, (path, kind) in _STATIC.items()}
    # The browser keeps a copy and asks whether it is still current (FullCalendar is 280 KB).
    tags = {
        name: f'"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'
        for name, (text, _) in assets.items()
    }

    @router.get("/static/{name}", include_in_schema=False)
    async def static(name: str, request: Request) -> Response:
        found = assets.get(name)
        if found is None:
            return Response(status_code=404)
        text, kind = found
        headers = {"ETag": tags[name], "Cache-Control": "no-cache"}
        if request.headers.get("if-none-match") == tags[name]:
            return Response(status_code=304, headers=headers)
        return Response(text, media_type=kind, headers=headers)

    @router.post(
        "/api/chat",
        response_model=ChatResponse,
        tags=["web chat"],
        responses={
            **_SIGNED_IN,
            403: {"description": "missing or wrong X-CSRF-Token"},
            503: {"description": "too many messages wait: try again after Retry-After"},
        },
    )
    async def say(message: ChatRequest, request: Request) -> ChatResponse:
        """Send a message (or a button's payload) as the signed-in user; get the replies."""
        user = await auth(request).require(request)
        replies = await chat(request).say(user, message)
        return ChatResponse(replies=[reply_out(r) for r in replies])

    @router.get(
        "/api/chat/outbox", response_model=ChatResponse, tags=["web chat"], responses=_SIGNED_IN
    )
    async def outbox(request: Request) -> ChatResponse:
        """Reminders due for the signed-in user not fetched yet; each is returned once."""
        user = await auth(request).require(request)
        texts = await chat(request).take_outbox(user)
        return ChatResponse(replies=[ReplyOut(text=t) for t in texts])

    return router
