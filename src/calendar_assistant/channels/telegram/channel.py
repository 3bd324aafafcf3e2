"""Telegram through python-telegram-bot: long polling by default, a webhook when configured.

Updates from either source are stored in the durable inbox first (the webhook answers 200
only after that) and handled from there by the inbox worker of any replica, in order per
chat, through the FrontDoor; so polling and webhook act the same. Start-up never blocks the
server: when Telegram cannot be reached the bot keeps retrying in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import structlog
from telegram import Bot, BotCommand, Message, Update, User
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Updater
from telegram.request import HTTPXRequest

from calendar_assistant.channels.front_door import FrontDoor, busy, failed
from calendar_assistant.channels.inbox import Accepted, InboxWorker
from calendar_assistant.channels.ordering import OrderedDispatcher
from calendar_assistant.channels.questions import InProcessStore, QuestionBook, refusal
from calendar_assistant.channels.telegram.formatting import keyboard, split_message
from calendar_assistant.conversation.account_commands import MENU, MenuCommand
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Inbound, Reply, UserRef
from calendar_assistant.observability.metrics import Metrics
from calendar_assistant.replies import catalogue
from calendar_assistant.speech.preferences import (
    VOICE_COMMAND,
    VoicePreferences,
)
from calendar_assistant.speech.problems import AudioUnavailable
from calendar_assistant.speech.voice_messages import hear_voice_message, spoken_reply
from calendar_assistant.storage.database import unit_failed
from calendar_assistant.storage.errors import StorageError
from calendar_assistant.storage.inbox import InboxItem

if TYPE_CHECKING:
    from calendar_assistant.speech.voice import Voice

log = structlog.get_logger(__name__)

T = TypeVar("T")

CHANNEL = "telegram"
#: `/web`: a one-time link that signs this Telegram user in to the web app.
WEB_COMMAND = "web"


class WebLinkIssuer(Protocol):
    """Makes the answer to `/web` (channels.web.signin.WebLinks)."""

    async def answer(self, user_id: int, lang: Lang) -> str: ...


_ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
#: Updates read at intake and kept for handling and sending (`_parsed`), at most this many.
_PARSED_KEPT = 1024
_MAX_RETRY_AFTER_ATTEMPTS = 5
_INTAKE_ATTEMPTS = 4


def _language(code: str | None) -> Lang | None:
    if not code:
        return None
    return "ru" if code.lower().startswith(("ru", "uk", "be", "kk")) else "en"


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wait: Any = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _recording(message: Message) -> Any:
    """What to listen to: a voice note, an audio file, a round video, or an audio document."""
    if message.voice is not None:
        return message.voice
    if message.audio is not None:
        return message.audio
    if message.video_note is not None:
        return message.video_note
    document = message.document
    if document is not None and (document.mime_type or "").startswith("audio/"):
        return document
    return None


def _duration_seconds(media: Any) -> float | None:
    """A recording's declared length (an int or a timedelta, by PTB's setting; documents: none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        length: Any = getattr(media, "duration", None)
    if isinstance(length, timedelta):
        return length.total_seconds()
    return float(length) if length is not None else None


def _chat_key(data: dict[str, Any]) -> str:
    """Which chat an update belongs to (its order is kept per chat), from the raw JSON."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        chat = (data.get(kind) or {}).get("chat") if isinstance(data.get(kind), dict) else None
        if isinstance(chat, dict) and "id" in chat:
            return str(chat["id"])
    query = data.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return str(message["chat"].get("id"))
        sender = query.get("from")
        if isinstance(sender, dict) and "id" in sender:
            return str(sender["id"])
    return "-"


def _user_ref(user: User) -> UserRef:
    return UserRef(
        key=f"{CHANNEL}:{user.id}",
        display_name=user.full_name,
        language_hint=_language(user.language_code),
    )


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [[[b.label, b.payload] for b in row] for row in reply.buttons],
        "delete_inbound": reply.delete_inbound,
    }


def _reply_from_json(data: dict[str, Any]) -> Reply:
    buttons = tuple(
        tuple(Button(label, payload) for label, payload in row) for row in data["buttons"]
    )
    return Reply(data["text"], buttons, bool(data["delete_inbound"]))


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    """The bot's token, where the Bot API is (Telegram's, or a fake in tests), the webhook
    (none: long polling) with its secret, and the menu's language for everyone else."""

    token: str = field(repr=False)
    api_base_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    default_language: Lang = "ru"


class TelegramChannel:
    """One bot: receives updates (polling or webhook), answers, delivers reminders."""

    def __init__(
        self,
        config: TelegramConfig,
        front: FrontDoor,
        dispatcher: OrderedDispatcher,
        inbox: InboxWorker,
        metrics: Metrics,
        clock: Callable[[], datetime],
        voice: Voice | None = None,
        voice_preferences: VoicePreferences | None = None,
        questions: QuestionBook | None = None,
        web_links: WebLinkIssuer | None = None,
    ) -> None:
        base = config.api_base_url.rstrip("/")
        self.bot = Bot(
            config.token,
            base_url=f"{base}/bot",
            base_file_url=f"{base}/file/bot",
            request=HTTPXRequest(connection_pool_size=64, read_timeout=15.0),
            get_updates_request=HTTPXRequest(connection_pool_size=2, read_timeout=40.0),
        )
        self.config = config
        self.front = front
        self.dispatcher = dispatcher
        self.inbox = inbox
        self.metrics = metrics
        self.clock = clock
        self.voice = voice
        self.voice_preferences = voice_preferences
        self.web_links = web_links
        #: Buttons are bound to their open question (see channels.questions).
        self.questions = questions if questions is not None else QuestionBook(InProcessStore())
        self.ready = asyncio.Event()
        self.webhook_mode = bool(config.webhook_url)
        self._updater: Updater | None = None
        self._queue: asyncio.Queue[object] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        #: Updates as read at intake, by update id, until sent: reading one is a good part
        #: of its cost in this process, and it was read to check it already. Bounded
        #: (the oldest go first); one not here (stored by another replica, or before a
        #: restart) is read again from its payload.
        self._parsed: dict[str, Update] = {}

    # -- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Begin connecting in the background; returns at once."""
        self._tasks.append(asyncio.create_task(self._connect(), name="telegram-connect"))

    async def stop(self) -> None:
        """Stop fetching, store what was already fetched in the inbox, close the connection.

        The inbox worker is stopped before this (it may still be sending with the bot).
        """
        if self._updater is not None and self._updater.running:
            await self._updater.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        while self._queue is not None and not self._queue.empty():
            update = self._queue.get_nowait()
            if isinstance(update, Update):
                try:
                    await self.enqueue(update.to_dict())
                except StorageError as error:  # fetched but not stored: Telegram has it no more
                    log.error(
                        "telegram_update_not_stored", update=update.update_id, error=str(error)
                    )
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.bot.shutdown()

    async def _connect(self) -> None:
        """getMe until it answers (backing off to a minute), then menus and the update source."""
        delay = 1.0
        while True:
            try:
                await self.bot.initialize()
                break
            except (TelegramError, OSError) as error:
                kind = "invalid token" if isinstance(error, InvalidToken) else type(error).__name__
                log.warning("telegram_unreachable", error=kind, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
        try:
            await self.register_commands()
        except TelegramError as error:
            log.warning("telegram_commands_not_set", error=type(error).__name__)
        if self.webhook_mode:
            try:
                await self.set_webhook()
            except TelegramError as error:  # an operator can still set it with the CLI
                log.warning("telegram_webhook_not_set", error=type(error).__name__)
            self.ready.set()
            log.info("telegram_webhook_mode", bot=self.bot.username)
            return
        queue: asyncio.Queue[object] = asyncio.Queue()
        self._queue = queue
        self._updater = Updater(self.bot, queue)
        await self._updater.initialize()
        await self._updater.start_polling(
            allowed_updates=_ALLOWED_UPDATES, timeout=timedelta(seconds=10)
        )
        self.ready.set()
        log.info("telegram_polling", bot=self.bot.username)
        while True:
            update = await queue.get()
            if isinstance(update, Update):
                await self._store_fetched(update)

    async def _store_fetched(self, update: Update) -> None:
        """A polled update into the inbox, trying until the database takes it."""
        delay = 0.5
        while True:
            try:
                await self.enqueue(update.to_dict())
                return
            except StorageError as error:
                log.warning("telegram_update_store_retry", error=str(error), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def set_webhook(self, url: str | None = None) -> None:
        """Ask Telegram to send updates to `url` (default: the configured one) with the secret."""
        target = url or self.config.webhook_url
        secret = self.config.webhook_secret
        if not target or secret is None:
            raise ValueError("a webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET")
        await self._call(
            partial(
                self.bot.set_webhook,
                target,
                secret_token=secret,
                allowed_updates=_ALLOWED_UPDATES,
            )
        )

    async def register_commands(self) -> None:
        """The command menu in Russian, in English, and the default language for the rest."""
        menu = list(MENU)
        if self.web_links is not None:
            menu.insert(-1, MenuCommand(WEB_COMMAND))
        if self.voice is not None and self.voice.can_listen and self.voice_preferences:
            menu.insert(-1, MenuCommand(VOICE_COMMAND))
        for lang in ("ru", "en"):
            commands = [BotCommand(c.name, c.description(lang)) for c in menu]
            await self._call(partial(self.bot.set_my_commands, commands, language_code=lang))
        default = self.config.default_language
        commands = [BotCommand(c.name, c.description(default)) for c in menu]
        await self._call(partial(self.bot.set_my_commands, commands))

    # -- receiving -----------------------------------------------------------------------

    async def enqueue(self, data: dict[str, Any]) -> bool:
        """Store an update (webhook or polling) in the inbox; False when stored before. While
        the inbox is full it is stored as refused and answered "busy" instead (`busy`).

        Committed when this returns, so the webhook may answer 200; StorageError otherwise.
        """
        update_id = data["update_id"]
        if not isinstance(update_id, int) or not 0 <= update_id < 2**63:
            raise ValueError("update_id out of range")
        try:  # what the library cannot read would only fail in the inbox, again and again
            update = Update.de_json(data, self.bot)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ValueError("not a Telegram update") from error
        external_id = str(update_id)
        accepted = await self.inbox.accept(
            CHANNEL, external_id, _chat_key(data), json.dumps(data, ensure_ascii=False)
        )
        if accepted is not Accepted.DUPLICATE:
            self._keep_parsed(external_id, update)
        if accepted is Accepted.DUPLICATE:
            self.metrics.updates.labels(CHANNEL, "duplicate").inc()
        elif accepted is Accepted.REFUSED:
            self.metrics.updates.labels(CHANNEL, "busy").inc()
        return accepted is not Accepted.DUPLICATE

    # -- handling (the inbox worker calls these) -------------------------------------------

    async def handle_stored(self, item: InboxItem) -> str:
        """Act on a stored update in its user's turn; the replies to send, as JSON."""
        await self.ready.wait()  # after a restart the inbox may be read before getMe answers
        update = self._parsed_update(item, keep=True)
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None:
            return json.dumps({"replies": []})  # channel posts and the like: no one to answer
        key = f"{CHANNEL}:{user.id}"
        replies, alert = await self.dispatcher.run(key, partial(self._replies, update))
        kept = {"replies": [_reply_json(reply) for reply in replies], "alert": alert}
        return json.dumps(kept, ensure_ascii=False)

    async def send_stored(self, item: InboxItem, result: str) -> None:
        """Send the kept replies (again, when the process that answered died first)."""
        await self.ready.wait()
        update = self._parsed_update(item, keep=False)
        kept = json.loads(result)
        replies = [_reply_from_json(r) for r in kept["replies"]]
        alert = kept.get("alert")
        chat = update.effective_chat
        edit_target: Message | None = None
        query = update.callback_query
        if query is not None:
            # A refused press is told to the presser alone, as an alert; nothing else is sent.
            answer = partial(query.answer, text=alert, show_alert=True) if alert else query.answer
            with contextlib.suppress(BadRequest):  # too old to answer: the spinner stops anyway
                await self._call(answer)
            edit_target = query.message if isinstance(query.message, Message) else None
        if not replies or chat is None:
            return
        message = update.message
        if message is not None and any(reply.delete_inbound for reply in replies):
            await self._delete(chat.id, message.message_id)
        await self.send(chat.id, replies, edit=edit_target)
        user = update.effective_user
        recording = message is not None and _recording(message) is not None
        if recording and user is not None and not kept.get("busy"):
            await self._send_spoken(chat.id, _user_ref(user), replies)

    async def give_up(self, item: InboxItem) -> None:
        """The update was dead-lettered and its unit of work kept nothing: say so (true)."""
        await self.ready.wait()
        update = self._parsed_update(item, keep=False)
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None:
            return
        query = update.callback_query
        if query is not None:
            with contextlib.suppress(BadRequest):
                await self._call(query.answer)
        lang = _language(user.language_code) or self.config.default_language
        await self.send(chat.id, [failed(lang)])

    def _keep_parsed(self, external_id: str, update: Update) -> None:
        if len(self._parsed) >= _PARSED_KEPT:
            del self._parsed[next(iter(self._parsed))]
        self._parsed[external_id] = update

    def _parsed_update(self, item: InboxItem, *, keep: bool) -> Update:
        """The stored update as read at intake when this process took it, else read from
        its payload; kept for the next step (`keep`: sending follows) or let go (sent)."""
        update = self._parsed.pop(item.external_id, None)
        if update is None:
            update = Update.de_json(json.loads(item.payload), self.bot)
        if keep:
            self._keep_parsed(item.external_id, update)
        return update

    def busy(self, payload: str) -> str:
        """The kept answer to an update refused while the inbox was full: "busy, try again
        in a moment" in the language its sender's app reports (no database read while
        overloaded); a pressed button hears it as an alert, as a refused press does."""
        data = json.loads(payload)
        query = data.get("callback_query")
        sender = (query or data.get("message") or data.get("edited_message") or {}).get("from")
        code = sender.get("language_code") if isinstance(sender, dict) else None
        text = busy(_language(code) or self.config.default_language).text
        if isinstance(query, dict):
            return json.dumps({"replies": [], "alert": text, "busy": True}, ensure_ascii=False)
        kept = {"replies": [_reply_json(Reply(text))], "busy": True}
        return json.dumps(kept, ensure_ascii=False)

    async def _replies(self, update: Update) -> tuple[list[Reply], str | None]:
        """The FrontDoor's answer to one update (rate limit, chat link, metrics), and the
        alert for a refused button press.

        A pressed button acts only for the open question of its user in its chat
        (channels.questions); any other press gets a private alert and changes nothing.
        Buttons in the answer are bound to a new question before the answer is kept.
        """
        user = update.effective_user
        chat = update.effective_chat
        assert user is not None
        assert chat is not None
        ref = _user_ref(user)
        now = self.clock()
        pressed: str | None = None
        query = update.callback_query
        if query is not None:
            taken = await self.questions.take(ref.key, str(chat.id), query.data or "")
            if taken.payload is None:
                lang = ref.language_hint or self.config.default_language
                return [], refusal(taken.verdict, lang)
            pressed = taken.payload

        async def answer() -> list[Reply]:
            if pressed is not None:
                return await self.front.desk.handle(ref, Inbound(button=pressed), now)
            return await self._answer(update, ref, now)

        for attempt in range(_INTAKE_ATTEMPTS):
            try:
                replies = await self.front.handle(
                    channel=CHANNEL, chat_id=str(chat.id), user=ref, now=now, answer=answer
                )
                return await self.questions.bind(ref.key, str(chat.id), replies), None
            except StorageError as error:  # e.g. the database busy: nothing was done yet
                if attempt == _INTAKE_ATTEMPTS - 1 or unit_failed():
                    raise
                log.warning("telegram_intake_retry", error=str(error))
                await asyncio.sleep(0.5 * 2**attempt)
        return [], None

    async def _answer(self, update: Update, ref: UserRef, now: datetime) -> list[Reply]:
        desk = self.front.desk
        lang = ref.language_hint or (await desk.user(ref)).settings.language
        if update.edited_message is not None:
            return [Reply(catalogue.text(lang, "telegram.edited"))]
        message = update.message
        if message is None:
            return []
        if message.text is not None:
            own = await self._channel_command(
                message.text, ref, private=message.chat.type == "private"
            )
            if own is not None:
                return own
        if message.text is not None:
            return await desk.handle(ref, Inbound(text=message.text), now)
        if message.location is not None:
            where = message.location
            return await desk.location(ref, where.latitude, where.longitude, now)
        if _recording(message) is not None:
            return await self._voice(message, ref, lang, now)
        if message.photo or message.document is not None:
            return [Reply(catalogue.text(lang, "telegram.files"))]
        return [Reply(catalogue.text(lang, "telegram.unsupported"))]

    async def _channel_command(
        self, text: str, ref: UserRef, *, private: bool
    ) -> list[Reply] | None:
        """`/web` and `/voice`, which only this channel knows; None for anything else.

        A sign-in link is only ever sent in the user's private chat with the bot: in a group,
        every member could open it.
        """
        name, _, rest = text.strip().partition(" ")
        command = name.split("@", 1)[0].lower()
        desk = self.front.desk
        if command == f"/{WEB_COMMAND}" and self.web_links is not None:
            record = await desk.user(ref)
            lang = record.settings.language
            if not private:
                return [Reply(catalogue.text(lang, "telegram.web_in_private"))]
            return [Reply(await self.web_links.answer(record.id, lang))]
        if command == f"/{VOICE_COMMAND}" and self.voice_preferences is not None:
            record = await desk.user(ref)
            can_speak = self.voice is not None and self.voice.can_speak
            answer = await self.voice_preferences.command(
                record.id, rest, record.settings.language, can_speak=can_speak
            )
            return [Reply(answer)]
        return None

    async def _voice(
        self, message: Message, ref: UserRef, lang: Lang, now: datetime
    ) -> list[Reply]:
        """Show what was heard («🎤 …»), then answer it; problems get their explanation."""
        media = _recording(message)
        assert media is not None

        async def download() -> bytes:
            try:
                file = await self._call(partial(self.bot.get_file, media.file_id))
                return bytes(await file.download_as_bytearray())
            except TelegramError as error:  # e.g. over the Bot API's 20 MB download limit
                raise AudioUnavailable(f"download failed: {error}") from error

        heard = await hear_voice_message(
            self.voice,
            download,
            lang=lang,
            declared_seconds=_duration_seconds(media),
            declared_bytes=media.file_size,
        )
        if heard.text is None:
            return [Reply(heard.echo)]
        return [
            Reply(heard.echo),
            *await self.front.desk.handle(ref, Inbound(text=heard.text), now),
        ]

    async def _send_spoken(self, chat_id: int, ref: UserRef, replies: list[Reply]) -> None:
        """The answer to a voice message as a voice note too, for users who switched it on."""
        record = await self.front.desk.user(ref)
        texts = [reply.text for reply in replies]
        spoken = await spoken_reply(self.voice, self.voice_preferences, record.id, texts)
        if spoken is not None:
            seconds = max(1, round(spoken.seconds))
            await self._call(partial(self.bot.send_voice, chat_id, spoken.ogg, duration=seconds))

    # -- sending -------------------------------------------------------------------------

    async def send(
        self, chat_id: int | str, replies: list[Reply], edit: Message | None = None
    ) -> None:
        """Send replies in order; the first may replace the message whose button was pressed."""
        for reply in replies:
            pieces = split_message(reply.text)
            markup = keyboard(reply.buttons)
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                if edit is not None:
                    target = edit
                    edit = None
                    try:
                        await self._call(
                            partial(
                                target.edit_text,
                                piece,
                                parse_mode="HTML",
                                reply_markup=markup if last else None,
                            )
                        )
                        continue
                    except BadRequest as error:  # too old or unchanged: send anew instead
                        log.info("telegram_edit_refused", error=str(error))
                await self._call(
                    partial(
                        self.bot.send_message,
                        chat_id,
                        piece,
                        parse_mode="HTML",
                        reply_markup=markup if last else None,
                    )
                )

    async def _delete(self, chat_id: int, message_id: int) -> None:
        """Delete the user's message that carried a password; a refusal is logged, not fatal."""
        try:
            await self._call(partial(self.bot.delete_message, chat_id, message_id))
        except TelegramError as error:  # e.g. older than 48 hours: nothing more can be done
            log.warning("telegram_delete_refused", error=type(error).__name__)

    async def deliver(self, chat_id: str, text: str) -> None:
        """A reminder to a chat (the scheduler's delivery for this channel)."""
        if not self.ready.is_set():
            raise ConnectionError("Telegram is not connected yet")
        try:
            await self.send(chat_id, [Reply(text)])
        except Forbidden as error:  # the user blocked the bot: nothing will ever arrive
            raise PermissionError(str(error)) from error

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        """A Bot API call, waiting as long as a 429 asks before trying again; a timeout or
        a broken connection is tried again too (twice, after 0.5 s and 1 s)."""
        network_failures = 0
        for attempt in range(_MAX_RETRY_AFTER_ATTEMPTS):
            try:
                return await call()
            except RetryAfter as error:
                if attempt == _MAX_RETRY_AFTER_ATTEMPTS - 1:
                    raise
                self.metrics.telegram_retries.inc()
                wait = _seconds(error)
                log.info("telegram_retry_after", seconds=wait)
                await asyncio.sleep(wait)
            except (TimedOut, NetworkError) as error:
                if isinstance(error, BadRequest) or network_failures == 2:
                    raise
                network_failures += 1
                log.info("telegram_network_retry", error=type(error).__name__)
                await asyncio.sleep(0.5 * network_failures)
        raise AssertionError("unreachable")  # pragma: no cover
