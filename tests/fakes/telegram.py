"""A fake Telegram Bot API: a real HTTP server on a loopback port, for the real
python-telegram-bot to talk to.

It speaks getMe, getUpdates (long polling with offsets), sendMessage, editMessageText,
answerCallbackQuery, getFile and the file download, setWebhook, deleteWebhook,
setMyCommands and sendVoice, and answers 429 with `retry_after` when told to. Tests queue
updates as a user would send them and read what the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456:TEST-token"
#: The longest the fake holds an empty getUpdates.
LONG_POLL_SECONDS = 0.25
BOT_ID = 123456
#: What tests configure as TELEGRAM_WEBHOOK_SECRET.
WEBHOOK_SECRET = "s3cret-Token_1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Call:
    """One Bot API request the bot made: method name and its parameters (JSON decoded)."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    #: What the fake answered (the sent Message for sendMessage).
    result: Any = None


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


class FakeTelegram:
    """Start with `start()` (or as a context manager); point the bot at `base_url`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.port = free_port()
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.webhook: dict[str, Any] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self._failures: dict[str, list[int]] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.down = False

    # -- running ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeTelegram:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
                Route("/_fake/sent", self._sent_counts, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake Telegram server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- what a user does -----------------------------------------------------------------

    def _user(self, user_id: int, language: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language:
            user["language_code"] = language
        return user

    def _message(self, user_id: int, language: str | None, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, language),
            **content,
        }

    def add_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates; returns it (with its update_id)."""
        with self._lock:
            update.setdefault("update_id", next(self._ids))
            self.updates.append(update)
        return update

    def text_update(self, user_id: int, text: str, language: str | None = "ru") -> dict[str, Any]:
        """An update as if the user typed `text` (not queued: see `send_text`)."""
        with self._lock:
            update_id = next(self._ids)
        return {"update_id": update_id, "message": self._message(user_id, language, text=text)}

    def send_text(self, user_id: int, text: str, language: str | None = "ru") -> dict[str, Any]:
        return self.add_update(self.text_update(user_id, text, language))

    def send_group_text(self, chat_id: int, user_id: int, text: str) -> dict[str, Any]:
        """`user_id` writes `text` in the group chat `chat_id` (a negative id)."""
        message = self._message(user_id, "ru", text=text)
        message["chat"] = {"id": chat_id, "type": "group", "title": "Team"}
        return self.add_update({"message": message})

    def send_edit(self, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        message = self._message(user_id, "ru", text=text, edit_date=int(time.time()))
        message["message_id"] = message_id
        return self.add_update({"edited_message": message})

    def press_update(
        self, user_id: int, data: str, message: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """An update as if the user pressed a button with `data` under the bot's `message`."""
        with self._lock:
            update_id = next(self._ids)
        query: dict[str, Any] = {
            "id": f"cq{update_id}",
            "from": self._user(user_id, "ru"),
            "chat_instance": f"ci{user_id}",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return {"update_id": update_id, "callback_query": query}

    def press(
        self, user_id: int, data: str, message: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return self.add_update(self.press_update(user_id, data, message))

    def send_voice(self, user_id: int, audio: bytes, duration: int = 2) -> dict[str, Any]:
        file_id = f"voice{len(self.files) + 1}"
        self.files[file_id] = audio
        voice = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(audio),
        }
        return self.add_update({"message": self._message(user_id, "ru", voice=voice)})

    def send_photo(self, user_id: int) -> dict[str, Any]:
        photo = [{"file_id": "p1", "file_unique_id": "up1", "width": 10, "height": 10}]
        return self.add_update({"message": self._message(user_id, "ru", photo=photo)})

    def send_location(self, user_id: int, latitude: float, longitude: float) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self.add_update({"message": self._message(user_id, "ru", location=location)})

    def fail_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next `times` calls of `method` get 429 Too Many Requests with `retry_after`."""
        with self._lock:
            self._failures.setdefault(method, []).extend([retry_after] * times)

    # -- what the bot did ------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[Call]:
        """sendMessage and editMessageText calls for one chat, in order."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method in ("sendMessage", "editMessageText", "sendVoice")
                and str(c.params.get("chat_id")) == str(chat_id)
            ]

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.sent_to(chat_id)]

    def wait_for(
        self, condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
    ) -> None:
        """Block the test thread until `condition()` holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; calls: {self.calls[-5:]}")
            time.sleep(0.02)

    async def until(
        self, condition: Callable[[], bool], within: float = 10.0, what: str = "condition"
    ) -> None:
        """Wait without blocking the test's event loop (where the app runs)."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; calls: {self.calls[-5:]}")
            await asyncio.sleep(0.02)

    # -- the Bot API ---------------------------------------------------------------------

    async def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: _decode(v) for k, v in request.query_params.items()}
        if request.method == "POST":
            content_type = request.headers.get("content-type", "")
            if content_type.startswith("application/json"):
                body = await request.json()
                params.update(body if isinstance(body, dict) else {})
            else:
                form = await request.form()
                for key, value in form.items():
                    if isinstance(value, str):
                        params[key] = _decode(value)
                    else:
                        params[key] = {"filename": value.filename, "size": len(await value.read())}
        return params

    async def _api(self, request: Request) -> Response:
        if self.down:
            return Response(status_code=502)
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params = await self._params(request)
        with self._lock:
            failures = self._failures.get(method)
            retry_after = failures.pop(0) if failures else None
        if retry_after is not None:
            with self._lock:
                self.calls.append(Call(method + ":429", params))
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status_code=429,
            )
        if method == "getUpdates":
            return _ok(await self._get_updates(params))
        call = Call(method, params)
        with self._lock:
            self.calls.append(call)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, f"Not Found: method {method} is not faked")
        result = handler(params)
        if isinstance(result, Response):
            return result
        call.result = result
        return _ok(result)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        # Telegram holds an empty long poll up to its timeout; answering sooner is within
        # the protocol (the client polls again), and a client that is stopping waits for
        # the poll in flight, so the fake keeps it short.
        deadline = time.monotonic() + min(timeout, LONG_POLL_SECONDS)
        while True:
            with self._lock:
                if offset:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Calendar",
            "username": "calendar_test_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _sent_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {
                "id": int(params["chat_id"]),
                "type": "group" if int(params["chat_id"]) < 0 else "private",
            },
            "from": self._bot_user(),
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_user()

    def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        if len(text) > 4096 + text.count("&") * 5:
            return _error(400, "Bad Request: message is too long")
        return self._sent_message(params, text=text)

    def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        if "chat_id" not in params:
            return True
        return self._sent_message(params, text=str(params.get("text", "")))

    def _m_sendVoice(self, params: dict[str, Any]) -> dict[str, Any]:
        voice = {"file_id": "sent-voice", "file_unique_id": "usv", "duration": 1}
        return self._sent_message(params, voice=voice)

    def _m_deleteMessage(self, params: dict[str, Any]) -> bool:
        return True

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _m_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"voice/{file_id}.oga",
        }

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        key = str(params.get("language_code") or "")
        commands = params.get("commands") or []
        self.commands[key] = list(commands)
        return True

    async def _sent_counts(self, request: Request) -> Response:
        """Messages sent per chat, for a benchmark in another process to check."""
        counts: dict[str, int] = {}
        with self._lock:
            for call in self.calls:
                if call.method == "sendMessage":
                    chat = str(call.params.get("chat_id"))
                    counts[chat] = counts.get(chat, 0) + 1
        return JSONResponse(counts)

    async def _file(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        path = request.path_params["path"]
        file_id = path.rsplit("/", 1)[-1].split(".", 1)[0]
        if file_id not in self.files:
            return Response(status_code=404)
        return Response(self.files[file_id], media_type="audio/ogg")


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": code, "description": description}, status_code=code
    )
