"""The web app's settings panel: the signed-in user's settings as JSON, and changes to them.

No rule lives here. Every change goes through the code the chat commands use: the account
desk's `change_settings` (the rules of `UserSettings`, as /settings), `VoicePreferences`
(as /voice), and the connect dialogue (as /connect and /disconnect: the same Google consent
link, the same CalDAV checks and login through the outbound guard, the same disconnect). So
the page and the chat can never disagree about what is allowed or what is set.

A refused value is a 400 whose `detail` is the rule in the user's language, and nothing is
changed (the settings are checked whole before anything is written; the voice switch is
written only after them). A value of the wrong type (text for minutes, an unknown field)
is the app's usual 400 listing the fields (hardening.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Literal
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from calendar_assistant.calendars.caldav.presets import PRESETS
from calendar_assistant.channels.rate_limit import RateLimiter, Verdict
from calendar_assistant.channels.web.accounts import SessionUser
from calendar_assistant.channels.web.signin import WebAuth
from calendar_assistant.conversation.account_commands import AccountDesk
from calendar_assistant.conversation.connect_dialogue import LoginResult
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import UserRef
from calendar_assistant.replies import catalogue
from calendar_assistant.speech.preferences import VoicePreferences
from calendar_assistant.storage.users import InvalidSetting, UserRecord, UserSettings

#: Zones offered in the list: the IANA areas people live in (not the old aliases).
_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def zone_names(current: str) -> list[str]:
    """The zones the page offers: every city zone of the IANA database, UTC, and the
    user's own zone whatever it is (a zone set in the chat as «UTC+3» is Etc/GMT-3)."""
    names = {z for z in available_timezones() if z.startswith(_AREAS)}
    names |= {"UTC", current}
    return sorted(names)


class Choice(BaseModel):
    value: str
    label: str


LANGUAGES = [Choice(value="ru", label="Русский"), Choice(value="en", label="English")]


class CalendarOut(BaseModel):
    """A calendar the user's events are kept in: the local one, or a connected account."""

    id: int | None = Field(description="the account's id (disconnect it by this); local: null")
    kind: Literal["local", "google", "caldav"]
    name: str
    default: bool = Field(description="new events go here")


class ProviderOut(BaseModel):
    """A kind of calendar that can be connected, and what its form asks for."""

    id: str = Field(description="google, a CalDAV preset (yandex, icloud, ...) or other")
    name: str
    asks: Literal["nothing", "host", "url"] = Field(
        description="google: nothing (a consent link); a preset: maybe its host; other: a URL"
    )
    help: str | None = Field(default=None, description="where the app password is made")


class SettingsOut(BaseModel):
    """The user's settings, what each may be, and the connected calendars."""

    language: str
    timezone: str
    working_hours_start: str = Field(description="HH:MM")
    working_hours_end: str = Field(description="HH:MM; before the start: hours past midnight")
    working_days: list[int] = Field(description="ISO weekdays, Monday = 1")
    default_duration_minutes: int
    default_reminder_minutes: int | None = Field(description="null: no reminder")
    voice_replies: bool = Field(description="answer voice messages with voice too")
    calendars: list[CalendarOut]
    can_connect: bool = Field(description="false: the server has no CREDENTIALS_KEYS")
    providers: list[ProviderOut]
    zones: list[str]
    languages: list[Choice]
    message: str = Field(default="", description="what was done, in the user's language")


class SettingsPatch(BaseModel):
    """Only the fields given change; null sets 'no default reminder' and is ignored
    elsewhere. All are checked before any is written."""

    model_config = ConfigDict(extra="forbid")

    language: str | None = Field(default=None, max_length=8)
    timezone: str | None = Field(default=None, max_length=64)
    working_hours_start: time | None = None
    working_hours_end: time | None = None
    working_days: list[int] | None = Field(default=None, max_length=7)
    default_duration_minutes: int | None = None
    default_reminder_minutes: int | None = None
    voice_replies: bool | None = None


class CaldavIn(BaseModel):
    """A CalDAV login in one form: the chat asks the same things one message at a time."""

    model_config = ConfigDict(extra="forbid")

    provider: str = Field(max_length=20, description="yandex, icloud, fastmail, nextcloud, other")
    server: str = Field(default="", max_length=1000, description="Nextcloud's host; other: URL")
    username: str = Field(max_length=1000)
    password: str = Field(max_length=2000, description="an app password; stored encrypted")


class MessageOut(BaseModel):
    message: str
    calendars: list[CalendarOut] = Field(default_factory=list)


class LinkOut(BaseModel):
    url: str = Field(description="Google's consent page for this user, valid 10 minutes")
    message: str


def _changes(patch: SettingsPatch) -> dict[str, object]:
    """The UserSettings fields the patch gives (seconds dropped: the chat sets minutes)."""
    changes: dict[str, object] = {}
    for name in patch.model_fields_set - {"voice_replies"}:
        value = getattr(patch, name)
        if value is None and name != "default_reminder_minutes":
            continue
        if isinstance(value, time):
            value = value.replace(second=0, microsecond=0, tzinfo=None)
        if name == "working_days":
            value = frozenset(value)
        changes[name] = value
    return changes


#: The status of a CalDAV login that stored nothing, by why.
_LOGIN_STATUS = {"disabled": 409, "unreachable": 502}


class WebSettings:
    """The settings panel's side of the server: reads and changes one signed-in user's own
    settings and calendars (the session says whose; nothing in a request names a user)."""

    def __init__(
        self,
        desk: AccountDesk,
        voice: VoicePreferences,
        clock: Callable[[], datetime],
        limiter: RateLimiter,
        per_minute: int,
    ) -> None:
        self._desk = desk
        self._voice = voice
        self._clock = clock
        self._limiter = limiter
        self._per_minute = per_minute

    async def _acting(self, user: SessionUser) -> UserRecord:
        """The user about to change something, counted against the same per-user limit as
        their chat messages (a change here is what a few messages would do in the chat):
        over it, 429 in their language. So the form cannot try logins faster than the chat."""
        record = await self._record(user)
        if await self._limiter.check(user.key, self._clock()) is not Verdict.ALLOWED:
            lang = record.settings.language
            detail = catalogue.text(
                lang, "settings_panel.too_many_changes_up", per_minute=self._per_minute
            )
            raise HTTPException(status_code=429, detail=detail)
        return record

    async def _record(self, user: SessionUser) -> UserRecord:
        return await self._desk.user(UserRef(key=user.key, display_name=user.display_name))

    async def _calendars(self, user_id: int, lang: Lang) -> list[CalendarOut]:
        connections = self._desk.connections
        accounts = await connections.accounts(user_id)
        local = CalendarOut(
            id=None,
            kind="local",
            name=catalogue.text(lang, "settings_panel.local_calendar"),
            default=not any(a.is_default for a in accounts),
        )
        return [local] + [
            CalendarOut(
                id=a.id,
                kind=a.provider,
                name=connections.describe(a, lang),
                default=a.is_default,
            )
            for a in accounts
        ]

    def _providers(self) -> list[ProviderOut]:
        if not self._desk.connections.enabled:
            return []
        found: list[ProviderOut] = []
        if self._desk.connections.google_enabled:
            found.append(ProviderOut(id="google", name="Google Calendar", asks="nothing"))
        for key, preset in PRESETS.items():
            asks: Literal["nothing", "host"] = "host" if "{host}" in preset.url else "nothing"
            found.append(
                ProviderOut(id=key, name=preset.name, asks=asks, help=preset.app_password_help)
            )
        found.append(ProviderOut(id="other", name="CalDAV", asks="url"))
        return found

    async def _out(self, record_id: int, settings: UserSettings, message: str) -> SettingsOut:
        return SettingsOut(
            language=settings.language,
            timezone=settings.timezone,
            working_hours_start=settings.working_hours_start.strftime("%H:%M"),
            working_hours_end=settings.working_hours_end.strftime("%H:%M"),
            working_days=sorted(settings.working_days),
            default_duration_minutes=settings.default_duration_minutes,
            default_reminder_minutes=settings.default_reminder_minutes,
            voice_replies=await self._voice.replies(record_id),
            calendars=await self._calendars(record_id, settings.language),
            can_connect=self._desk.connections.enabled,
            providers=self._providers(),
            zones=zone_names(settings.timezone),
            languages=LANGUAGES,
            message=message,
        )

    async def read(self, user: SessionUser) -> SettingsOut:
        record = await self._record(user)
        return await self._out(record.id, record.settings, "")

    async def change(self, user: SessionUser, patch: SettingsPatch) -> SettingsOut:
        """Apply the patch whole or not at all; a refused value is a 400 in their language."""
        record = await self._acting(user)
        lang = record.settings.language
        settings = record.settings
        changes = _changes(patch)
        if changes:
            try:
                settings = await self._desk.change_settings(record.id, changes)
            except InvalidSetting as error:
                raise HTTPException(
                    status_code=400,
                    detail=catalogue.text(lang, f"setting_rule.{error.field}", value=error.value),
                ) from None
        if patch.voice_replies is not None:
            await self._voice.set_replies(record.id, patch.voice_replies)
        saved = catalogue.text(settings.language, "settings_panel.saved")
        return await self._out(record.id, settings, saved)

    async def disconnect(self, user: SessionUser, account_id: int) -> MessageOut:
        """Disconnect one of the user's own accounts; anyone else's is not found (404)."""
        record = await self._acting(user)
        lang = record.settings.language
        done = await self._desk.connections.disconnect(record.id, lang, account_id)
        if done is None:
            raise HTTPException(
                status_code=404,
                detail=catalogue.text(lang, "settings_panel.no_such_calendar_connected"),
            )
        return MessageOut(message=done.text, calendars=await self._calendars(record.id, lang))

    async def google(self, user: SessionUser) -> LinkOut:
        """The consent link the chat's /connect gives; 409 where Google is not set up."""
        record = await self._acting(user)
        lang = record.settings.language
        connections = self._desk.connections
        url = await connections.google_link(record.id, self._clock())
        if url is None:
            why = connections.google_missing(lang)
            if not connections.enabled:
                why = connections.not_enabled(lang)
            raise HTTPException(status_code=409, detail=why)
        message = catalogue.text(lang, "settings_panel.open_link_sign_in")
        return LinkOut(url=url, message=message)

    async def caldav(self, user: SessionUser, form: CaldavIn) -> MessageOut:
        """Connect a CalDAV account with the chat dialogue's checks and login."""
        record = await self._acting(user)
        lang = record.settings.language
        result: LoginResult = await self._desk.connections.connect_caldav(
            record.id, lang, form.provider, form.server, form.username, form.password
        )
        if result.problem is not None:
            status = _LOGIN_STATUS.get(result.problem, 400)
            raise HTTPException(status_code=status, detail=result.text + ".")
        return MessageOut(message=result.text, calendars=await self._calendars(record.id, lang))


_SIGNED_IN: dict[int | str, dict[str, object]] = {
    401: {"description": "not signed in: see /signin"},
    403: {"description": "missing or wrong X-CSRF-Token"},
    429: {"description": "over the user's per-minute limit (shared with their messages)"},
}


def settings_router(
    panel: Callable[[Request], WebSettings], auth: Callable[[Request], WebAuth]
) -> APIRouter:
    """The settings panel's API; every route acts for the session's user only."""

    async def signed_in(request: Request) -> None:
        # The router's dependency: runs before the body and the path are read, so anyone
        # without a session gets 401 whatever they send.
        request.state.settings_user = await auth(request).require(request)

    router = APIRouter(tags=["web settings"], dependencies=[Depends(signed_in)])

    def user_of(request: Request) -> SessionUser:
        found: SessionUser = request.state.settings_user
        return found

    @router.get("/api/settings", response_model=SettingsOut, responses=_SIGNED_IN)
    async def read(request: Request) -> SettingsOut:
        """The signed-in user's settings, the allowed choices and the connected calendars."""
        return await panel(request).read(user_of(request))

    async def change(patch: SettingsPatch, request: Request) -> SettingsOut:
        """Change the given settings (all or none: a refused value is a 400 saying why)."""
        return await panel(request).change(user_of(request), patch)

    for method in ("PATCH", "POST"):
        router.add_api_route(
            "/api/settings",
            change,
            methods=[method],
            response_model=SettingsOut,
            responses={**_SIGNED_IN, 400: {"description": "a value its rule refuses"}},
        )

    @router.post(
        "/api/settings/calendars/{account_id}/disconnect",
        response_model=MessageOut,
        responses={**_SIGNED_IN, 404: {"description": "no such account of this user"}},
    )
    async def disconnect(account_id: int, request: Request) -> MessageOut:
        """Disconnect one of the user's connected calendars (its keys deleted)."""
        return await panel(request).disconnect(user_of(request), account_id)

    @router.post(
        "/api/settings/calendars/google",
        response_model=LinkOut,
        responses={**_SIGNED_IN, 409: {"description": "Google is not set up on this server"}},
    )
    async def google(request: Request) -> LinkOut:
        """Google's consent link for this user (the one /connect gives in the chat)."""
        return await panel(request).google(user_of(request))

    @router.post(
        "/api/settings/calendars/caldav",
        response_model=MessageOut,
        responses={
            **_SIGNED_IN,
            400: {"description": "the address, user name or password was refused"},
            409: {"description": "connecting calendars is off on this server"},
            502: {"description": "the CalDAV server could not be reached"},
        },
    )
    async def caldav(form: CaldavIn, request: Request) -> MessageOut:
        """Connect a CalDAV calendar: checked by logging in; the password stored encrypted."""
        return await panel(request).caldav(user_of(request), form)

    return router
