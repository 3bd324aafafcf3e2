"""Connecting and disconnecting calendars from the chat: /connect, /disconnect and the
CalDAV questions (server, user name, app password).

The half-finished CalDAV answers (which server, which user name) are kept in the user's
dialogue state, encrypted like account credentials (conversation.dialogue_state), so another
replica or a restarted server carries on the dialogue. The password is never kept there: it
goes straight from the message to the login check and, when the login works, into the
encrypted account store. The reply to the password message asks the channel to delete it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import structlog

from calendar_assistant.calendars.accounts.errors import ProviderUnavailable, ReconnectNeeded
from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.calendars.accounts.store import Account, AccountNotFound
from calendar_assistant.calendars.base import CalendarError
from calendar_assistant.calendars.caldav.presets import PRESETS, server_url
from calendar_assistant.conversation.dialogue_state import ConnectionAnswers, DialogueState
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Reply
from calendar_assistant.extras import needs
from calendar_assistant.replies import catalogue
from calendar_assistant.storage.dialogue_states import DialogueStore

if TYPE_CHECKING:  # the connector needs the google extra
    from calendar_assistant.calendars.google.oauth import GoogleConnector

log = structlog.get_logger(__name__)

#: Button payloads of this dialogue start with this (after the account desk's own prefix).
CONNECT_ACTIONS = ("conn:", "disc:", "disc-yes:", "disc-no")
#: How long an unanswered CalDAV question stays open.
QUESTION_LIFETIME = timedelta(minutes=10)
#: A message sent this long after the password question is still taken for a password: it is
#: deleted and not used (the question had expired), rather than read as a calendar request.
PASSWORD_GRACE = timedelta(hours=1)
_MAX_USERNAME = 255
_MAX_PASSWORD = 1000
_MAX_URL = 1000

# Only a short message that starts with the verb and names a calendar: "connect with the
# Google team tomorrow" or «подключи Петра к звонку» stay requests for the assistant.
_CALENDAR_NOUN = r"(календар\w*|calendar\w*|caldav|icloud|nextcloud|fastmail)"
_POLITE = r"^\s*(please\s+|пожалуйста,?\s+)?"
_WANTS_CONNECT = re.compile(
    _POLITE + r"(подключи\w*|подключить|connect)\b.*\b" + _CALENDAR_NOUN,
    re.IGNORECASE,
)
_WANTS_DISCONNECT = re.compile(
    _POLITE + r"(отключи\w*|отключить|disconnect)\b.*\b" + _CALENDAR_NOUN,
    re.IGNORECASE,
)
_MAX_REQUEST_WORDS = 8
_NAMED = {
    "google": "google",
    "гугл": "google",
    "yandex": "yandex",
    "яндекс": "yandex",
    "icloud": "icloud",
    "nextcloud": "nextcloud",
    "fastmail": "fastmail",
}


def server_address(preset: str | None, text: str, *, host: bool) -> str | None:
    """The CalDAV server's URL from what the user typed: a preset's host (Nextcloud) when
    `host`, else a whole https:// URL; None when it is not one address with a host."""
    try:
        if len(text) > _MAX_URL or not text or any(c.isspace() for c in text):
            raise ValueError("not one address")
        url = server_url(preset or "", host=text) if host else server_url(text)
        if not urlsplit(url).hostname:
            raise ValueError("no host")
    except ValueError:
        return None
    return url


def valid_username(text: str) -> bool:
    """A CalDAV user name is one line of at most 255 characters."""
    return bool(text) and len(text) <= _MAX_USERNAME and "\n" not in text


Problem = Literal["disabled", "address", "username", "password", "refused", "unreachable", "empty"]


@dataclass(frozen=True, slots=True)
class LoginResult:
    """What a CalDAV login came to: the account stored, or why not (`problem`); `text`
    says it to the user, ending where the chat adds how to try again."""

    text: str
    account: Account | None = None
    problem: Problem | None = None


def _failed(problem: Problem, lang: Lang) -> LoginResult:
    """Why a login stored nothing (the catalogue's `connect.login_<problem>`; the chat adds
    ": /connect")."""
    return LoginResult(catalogue.text(lang, f"connect.login_{problem}"), problem=problem)


def connect_request(text: str) -> Literal["connect", "disconnect"] | None:
    """Whether a typed message asks to connect or disconnect a calendar («подключи календарь»)."""
    if len(text) > 200 or len(text.split()) > _MAX_REQUEST_WORDS:
        return None
    if _WANTS_DISCONNECT.search(text):
        return "disconnect"
    if _WANTS_CONNECT.search(text):
        return "connect"
    return None


class ConnectDialogue:
    """The chat side of connected calendars; the account desk passes it the user's turns."""

    def __init__(
        self,
        registry: CalendarRegistry,
        google: GoogleConnector | None,
        dialogue: DialogueStore[DialogueState],
        *,
        timeout_seconds: float = 20.0,
    ) -> None:
        self._registry = registry
        self._google = google
        self._dialogue = dialogue
        self._timeout = timeout_seconds

    @property
    def registry(self) -> CalendarRegistry:
        """The registry whose store this dialogue writes (shared with /calendars)."""
        return self._registry

    # -- what the account desk calls ----------------------------------------------------

    async def asking(
        self, user_id: int, state: DialogueState, now: datetime
    ) -> ConnectionAnswers | None:
        """The CalDAV question the user's next typed message answers (`state` just loaded);
        an expired one is dropped from the stored state."""
        question = state.connection
        if question is None:
            return None
        limit = PASSWORD_GRACE if question.step == "password" else QUESTION_LIFETIME
        if now - question.asked_at > limit:
            await self._dialogue.save(user_id, replace(state, connection=None))
            return None
        return question

    async def _ask(self, user_id: int, question: ConnectionAnswers | None) -> None:
        """Keep the open question (None: there is none) in the user's stored dialogue."""
        state = await self._dialogue.load(user_id)
        if state.connection != question:
            await self._dialogue.save(user_id, replace(state, connection=question))

    async def cancel(self, user_id: int) -> bool:
        """Drop an open CalDAV question (/cancel); True when there was one."""
        had = (await self._dialogue.load(user_id)).connection is not None
        await self._ask(user_id, None)
        return had

    async def menu(self, user_id: int, lang: Lang) -> Reply:
        """/connect: what is connected, and buttons for what can be."""
        store = self._registry.store
        if store is None:
            return self._not_enabled(lang)
        accounts = await store.list(user_id)
        lines = [catalogue.text(lang, "connect.connected_calendars")]
        lines.append(
            catalogue.text(lang, "connect.local_calendar_always")
            + ("" if any(a.is_default for a in accounts) else self._default_mark(lang))
        )
        lines += [f"• {self._describe(a, lang)}" for a in accounts]
        lines.append("")
        lines.append(catalogue.text(lang, "connect.what_would_like_connect"))
        rows: list[tuple[Button, ...]] = []
        if self._google is not None:
            rows.append((Button("Google Calendar", "acct:conn:google"),))
        rows.append(
            (
                Button(catalogue.text(lang, "connect.yandex"), "acct:conn:yandex"),
                Button("iCloud", "acct:conn:icloud"),
            )
        )
        rows.append(
            (
                Button("Nextcloud", "acct:conn:nextcloud"),
                Button("Fastmail", "acct:conn:fastmail"),
            )
        )
        rows.append(
            (Button(catalogue.text(lang, "connect.other_caldav_server"), "acct:conn:other"),)
        )
        if accounts:
            rows.append((Button(catalogue.text(lang, "connect.disconnect"), "acct:disc:menu"),))
        return Reply("\n".join(lines), tuple(rows))

    async def typed_request(
        self,
        user_id: int,
        lang: Lang,
        text: str,
        kind: Literal["connect", "disconnect"],
        now: datetime,
    ) -> Reply:
        """«подключи гугл календарь»: straight to that provider; otherwise the menu."""
        if kind == "disconnect":
            return await self.disconnect_menu(user_id, lang)
        lowered = text.lower()
        for word, name in _NAMED.items():
            if word in lowered:
                return (await self.pressed(user_id, lang, f"conn:{name}", now))[0]
        return await self.menu(user_id, lang)

    async def pressed(self, user_id: int, lang: Lang, action: str, now: datetime) -> list[Reply]:
        """A button of this dialogue (its payload without the desk's prefix)."""
        if self._registry.store is None:
            return [self._not_enabled(lang)]
        if action == "conn:google":
            return [await self._google_link(user_id, lang, now)]
        if action.startswith("conn:"):
            return [await self._start_caldav(user_id, lang, action.removeprefix("conn:"), now)]
        if action == "disc:menu":
            return [await self.disconnect_menu(user_id, lang)]
        if action.startswith("disc:"):
            return [await self._confirm_disconnect(user_id, lang, action.removeprefix("disc:"))]
        if action.startswith("disc-yes:"):
            return [await self._disconnect(user_id, lang, action.removeprefix("disc-yes:"))]
        if action == "disc-no":
            return [Reply(catalogue.text(lang, "connect.all_right_nothing_changed"))]
        return [Reply(catalogue.text(lang, "connect.that_button_no_longer"))]

    async def answer(
        self, user_id: int, question: ConnectionAnswers, text: str, now: datetime
    ) -> Reply:
        """The user's typed answer to the open CalDAV `question` (what `asking` gave)."""
        lang = question.lang
        text = text.strip()
        if question.step == "password":
            # Whatever happens next, the question is over and the message is deleted.
            await self._ask(user_id, None)
            if now - question.asked_at > QUESTION_LIFETIME:
                reply = Reply(catalogue.text(lang, "connect.password_question_had_expired"))
            else:
                reply = await self._login(user_id, question, text)
            return replace(reply, delete_inbound=True)
        if question.step == "host":
            return await self._got_server(user_id, question, text, host=True, now=now)
        if question.step == "url":
            return await self._got_server(user_id, question, text, host=False, now=now)
        username = text
        if not valid_username(username):
            return Reply(catalogue.text(lang, "connect.user_name_must_be_2"))
        await self._ask(
            user_id, replace(question, step="password", username=username, asked_at=now)
        )
        return Reply(self._password_question(question.preset, lang))

    async def disconnect_menu(self, user_id: int, lang: Lang) -> Reply:
        """/disconnect: the connected accounts as buttons."""
        store = self._registry.store
        if store is None:
            return self._not_enabled(lang)
        accounts = await store.list(user_id)
        if not accounts:
            return Reply(catalogue.text(lang, "connect.no_calendars_are_connected"))
        rows = tuple(
            (Button(self._describe(a, lang, mark=False), f"acct:disc:{a.id}"),) for a in accounts
        )
        return Reply(catalogue.text(lang, "connect.which_calendar_disconnect"), rows)

    # -- Google --------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        """Whether calendars can be connected here at all (CREDENTIALS_KEYS is set)."""
        return self._registry.store is not None

    @property
    def google_enabled(self) -> bool:
        """Whether this server has a Google OAuth client (else Google cannot be offered)."""
        return self._google is not None and self.enabled

    async def accounts(self, user_id: int) -> list[Account]:
        """The user's connected accounts (none where connecting is off)."""
        store = self._registry.store
        return [] if store is None else await store.list(user_id)

    def describe(self, account: Account, lang: Lang) -> str:
        """An account as the chat names it («CalDAV: anna @ dav.example.org»)."""
        return self._describe(account, lang, mark=False)

    def not_enabled(self, lang: Lang) -> str:
        """Why nothing can be connected on this server."""
        return self._not_enabled(lang).text

    def google_missing(self, lang: Lang) -> str:
        """Why Google cannot be connected on this server."""
        return catalogue.text(lang, "connect.google_calendar_not_set")

    async def google_link(self, user_id: int, now: datetime) -> str | None:
        """The Google consent link /connect gives (valid 10 minutes); None without Google."""
        if self._google is None or not self.enabled:
            return None
        return (await self._google.start(user_id, now)).url

    async def _google_link(self, user_id: int, lang: Lang, now: datetime) -> Reply:
        url = await self.google_link(user_id, now)
        if url is None:
            return Reply(self.google_missing(lang))
        return Reply(catalogue.text(lang, "connect.open_link_sign_in", url=url))

    # -- CalDAV --------------------------------------------------------------------------

    async def _start_caldav(self, user_id: int, lang: Lang, preset: str, now: datetime) -> Reply:
        cancel = catalogue.text(lang, "connect.or_cancel")
        if preset == "other":
            await self._ask(user_id, ConnectionAnswers("url", None, lang, now))
            return Reply(catalogue.text(lang, "connect.caldav_server_s_address") + cancel)
        if preset not in PRESETS:
            return Reply(catalogue.text(lang, "connect.that_button_no_longer"))
        name = PRESETS[preset].name
        if "{host}" in PRESETS[preset].url:
            await self._ask(user_id, ConnectionAnswers("host", preset, lang, now))
            return Reply(catalogue.text(lang, "connect.name_server_s_address", name=name) + cancel)
        await self._ask(
            user_id, ConnectionAnswers("username", preset, lang, now, url=server_url(preset))
        )
        return Reply(self._username_question(name, lang) + cancel)

    async def _got_server(
        self, user_id: int, question: ConnectionAnswers, text: str, *, host: bool, now: datetime
    ) -> Reply:
        lang = question.lang
        url = server_address(question.preset, text, host=host)
        if url is None:
            return Reply(catalogue.text(lang, "connect.that_does_not_look_2"))
        await self._ask(user_id, replace(question, step="username", url=url, asked_at=now))
        name = PRESETS[question.preset].name if question.preset else urlsplit(url).hostname or ""
        return Reply(self._username_question(name, lang))

    def _username_question(self, name: str, lang: Lang) -> str:
        return catalogue.text(lang, "connect.user_name_login_at", name=name)

    def _password_question(self, preset: str | None, lang: Lang) -> str:
        where = (
            catalogue.text(
                lang,
                "connect.create_one_here_presets",
                presets_preset_app_password_help=PRESETS[preset].app_password_help,
            )
            if preset in PRESETS
            else catalogue.text(lang, "connect.create_one_in_server")
        )
        return (
            catalogue.text(lang, "connect.app_password_not_account")
            + where
            + catalogue.text(lang, "connect.will_delete_message_with")
        )

    async def _login(self, user_id: int, question: ConnectionAnswers, password: str) -> Reply:
        """The password answered: log in; a failure says how to start again."""
        assert question.url is not None
        assert question.username is not None
        result = await self.login(user_id, question.lang, question.url, question.username, password)
        return Reply(result.text if result.problem is None else result.text + ": /connect")

    async def connect_caldav(
        self, user_id: int, lang: Lang, preset: str, server: str, username: str, password: str
    ) -> LoginResult:
        """Connect a CalDAV account in one go (the web's form): the same checks as the
        chat's questions, answer by answer, then the same login."""
        if self._registry.store is None:
            return LoginResult(self._not_enabled(lang).text, problem="disabled")
        server = server.strip()
        if preset == "other":
            url = server_address(None, server, host=False)
        elif preset in PRESETS and "{host}" in PRESETS[preset].url:
            url = server_address(preset, server, host=True)
        else:
            url = server_url(preset) if preset in PRESETS else None
        if url is None:
            text = catalogue.text(lang, "connect.that_does_not_look")
            return LoginResult(text, problem="address")
        username = username.strip()
        if not valid_username(username):
            text = catalogue.text(lang, "connect.user_name_must_be")
            return LoginResult(text, problem="username")
        return await self.login(user_id, lang, url, username, password)

    async def login(
        self, user_id: int, lang: Lang, url: str, username: str, password: str
    ) -> LoginResult:
        """Check the login by finding the calendars; store the account only if it works.
        The URL goes through the registry's outbound policy (net.guard: no private hosts)."""
        store = self._registry.store
        assert store is not None
        if not password or len(password) > _MAX_PASSWORD:
            return _failed("password", lang)
        with needs("caldav"):
            from calendar_assistant.calendars.caldav import discover_calendars, open_client
        client = open_client(
            url, username, password, timeout=int(self._timeout), policy=self._registry.outbound
        )
        try:
            found = await discover_calendars(client)
        except ReconnectNeeded:
            return _failed("refused", lang)
        except (ProviderUnavailable, CalendarError) as error:
            log.info("caldav_connect_failed", error=type(error).__name__)
            return _failed("unreachable", lang)
        if not found:
            return _failed("empty", lang)
        account = await store.add(
            user_id,
            "caldav",
            label=username,
            server_url=url,
            secret={"password": password},
            calendars=[c.url for c in found],
            default_calendar=found[0].url,
            make_default=True,
        )
        log.info("caldav_account_connected", account_id=account.id, calendars=len(found))
        names = ", ".join(c.name for c in found)
        host = urlsplit(url).hostname
        text = catalogue.text(
            lang,
            "connect.connected_username_at_host",
            username=username,
            host=host,
            names=names,
            found_0_name=found[0].name,
        )
        return LoginResult(text, account=account)

    # -- disconnecting -----------------------------------------------------------------------

    async def _account(self, user_id: int, raw_id: str) -> Account | None:
        store = self._registry.store
        if store is None or not raw_id.isdigit() or len(raw_id) > 18:
            return None
        try:
            return await store.get(user_id, int(raw_id))
        except AccountNotFound:
            return None

    async def _confirm_disconnect(self, user_id: int, lang: Lang, raw_id: str) -> Reply:
        account = await self._account(user_id, raw_id)
        if account is None:
            return self._gone(lang)
        what = self._describe(account, lang, mark=False)
        return Reply(
            catalogue.text(lang, "connect.disconnect_what_its_access", what=what),
            (
                (
                    Button(
                        catalogue.text(lang, "connect.yes_disconnect"),
                        f"acct:disc-yes:{account.id}",
                    ),
                    Button(catalogue.text(lang, "connect.no"), "acct:disc-no"),
                ),
            ),
        )

    async def _disconnect(self, user_id: int, lang: Lang, raw_id: str) -> Reply:
        account = await self._account(user_id, raw_id)
        if account is None:
            return self._gone(lang)
        done = await self.disconnect(user_id, lang, account.id)
        return self._gone(lang) if done is None else done

    async def disconnect(self, user_id: int, lang: Lang, account_id: int) -> Reply | None:
        """Disconnect one of the user's accounts (Google's grant revoked too) and say where
        new events go now; None when the user has no such account (another's is not found)."""
        store = self._registry.store
        if store is None:
            return None
        try:
            account = await store.get(user_id, account_id)
        except AccountNotFound:
            return None
        try:
            if account.provider == "google" and self._google is not None:
                await self._google.disconnect(user_id, account.id)  # revokes at Google too
            else:
                await store.remove(user_id, account.id)
        except AccountNotFound:
            return None
        log.info("calendar_account_disconnected", account_id=account.id)
        rest = await store.list(user_id)
        target = next((a for a in rest if a.is_default), None)
        where = (
            catalogue.text(lang, "connect.local_calendar")
            if target is None
            else self._describe(target, lang, mark=False)
        )
        return Reply(
            catalogue.text(
                lang,
                "connect.disconnected_describe_account_lang",
                _describe_account_lang_mark_false=self._describe(account, lang, mark=False),
                where=where,
            )
        )

    # -- wording -------------------------------------------------------------------------------

    def _describe(self, account: Account, lang: Lang, *, mark: bool = True) -> str:
        if account.provider == "google":
            text = f"Google: {account.label}"
        else:
            host = urlsplit(account.server_url or "").hostname or ""
            text = f"CalDAV: {account.label} @ {host}"
        return text + (self._default_mark(lang) if mark and account.is_default else "")

    def _default_mark(self, lang: Lang) -> str:
        return catalogue.text(lang, "connect.new_events_go_here")

    def _gone(self, lang: Lang) -> Reply:
        return Reply(catalogue.text(lang, "connect.that_calendar_not_connected"))

    def _not_enabled(self, lang: Lang) -> Reply:
        return Reply(catalogue.text(lang, "connect.local_calendar_connected_working"))
