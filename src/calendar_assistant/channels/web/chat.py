"""The web chat: a page at `/` and a small JSON API, to talk to the assistant as the local
user from a browser — what a newcomer without a bot token sees first.

Reminders for the web user wait in the database (`WebOutbox`) until the page polls for them:
a restart does not lose them and, with several replicas, whichever one the page polls hands
each out exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_assistant.channels.front_door import FrontDoor
from calendar_assistant.channels.ordering import OrderedDispatcher
from calendar_assistant.channels.questions import InProcessStore, QuestionBook, refusal
from calendar_assistant.channels.web.outbox import WebOutbox
from calendar_assistant.conversation.messages import Inbound, Reply, UserRef

CHANNEL = "web"
#: The one user of the web chat: the person at this machine.
LOCAL_USER = UserRef(key="web:local", display_name="Local user")
LOCAL_CHAT = "local"


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


def _out(reply: Reply) -> ReplyOut:
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
    ) -> None:
        self._questions = questions if questions is not None else QuestionBook(InProcessStore())
        self._front = front
        self._dispatcher = dispatcher
        self._clock = clock
        self._outbox = outbox

    async def say(self, message: ChatRequest) -> list[Reply]:
        async def answer(inbound: Inbound) -> list[Reply]:
            return await self._front.desk.handle(LOCAL_USER, inbound, self._clock())

        async def turn() -> list[Reply]:
            inbound = Inbound(text=message.text)
            if message.button is not None:
                # A button acts only while its question is open (channels.questions).
                taken = await self._questions.take(LOCAL_USER.key, LOCAL_CHAT, message.button)
                if taken.payload is None:
                    lang = (await self._front.desk.user(LOCAL_USER)).settings.language
                    return [Reply(refusal(taken.verdict, lang))]
                inbound = Inbound(button=taken.payload)
            replies = await self._front.handle(
                channel=CHANNEL,
                chat_id=LOCAL_CHAT,
                user=LOCAL_USER,
                now=self._clock(),
                answer=lambda: answer(inbound),
            )
            return await self._questions.bind(LOCAL_USER.key, LOCAL_CHAT, replies)

        return await self._dispatcher.run(LOCAL_USER.key, turn)

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

    async def take_outbox(self) -> list[str]:
        """The reminders waiting for the page, each handed out once (any replica)."""
        return [f.text for f in await self._outbox.take(LOCAL_CHAT, self._clock())]


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _page() -> str:
    return _asset("page.html")


#: The page's script and style are files, so the Content-Security-Policy needs no inline.
_STATIC = {"chat.js": "text/javascript", "chat.css": "text/css"}


def web_router(chat: Callable[[Request], WebChat]) -> APIRouter:
    """Routes of the web chat; `chat` finds the running WebChat from the request's app."""
    router = APIRouter()
    page = _page()

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(page)

    assets = {name: (_asset(name), kind) for name, kind in _STATIC.items()}

    @router.get("/static/{name}", include_in_schema=False)
    async def static(name: str) -> Response:
        found = assets.get(name)
        if found is None:
            return Response(status_code=404)
        text, kind = found
        return Response(text, media_type=kind)

    @router.post("/api/chat", response_model=ChatResponse, tags=["web chat"])
    async def say(message: ChatRequest, request: Request) -> ChatResponse:
        """Send a message (or a button's payload) as the local user; get the replies."""
        replies = await chat(request).say(message)
        return ChatResponse(replies=[_out(r) for r in replies])

    @router.get("/api/chat/outbox", response_model=ChatResponse, tags=["web chat"])
    async def outbox(request: Request) -> ChatResponse:
        """Reminders due for the local user not fetched yet; each is returned once."""
        texts = await chat(request).take_outbox()
        return ChatResponse(replies=[ReplyOut(text=t) for t in texts])

    return router
