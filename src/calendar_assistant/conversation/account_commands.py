"""The account side of a chat: /start with the zone question, /settings, /forget, /privacy,
/connect and /disconnect (with the CalDAV questions, see connect_dialogue), /calendars (see
calendar_choice), and the menu commands that stand for a request (/today, /week, /undo,
/cancel, /help), which become a typed Command here, not a sentence to parse again.

Every channel puts messages through `AccountDesk.handle` (behind the front door); what is not
about the account goes on to `Assistant.handle` unchanged, so the assistant itself knows
nothing of slash commands.

The desk routes with routers (conversation.routing), tried in this order, the first answer
wins (`ROUTERS`):

1. requests: a Command the channel built (a menu button) goes straight to the assistant;
2. buttons: a press of one of the desk's buttons (`acct:...`);
3. commands: a slash command by name (/cancel with nothing to cancel is the request);
4. connection: the answer to an open CalDAV question of /connect;
5. phrases: «мои календари», «подключи календарь» and the like;
6. prompt: the zone /start asked for;
7. account phrases: an account command typed as words («удали все мои данные»), answered
   as the command is.

What none of them answers (a request, another button) goes to the assistant.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from calendar_assistant.actions.outcomes import BackendFailed
from calendar_assistant.conversation import account_routes as on
from calendar_assistant.conversation.account_routes import PREFIX as _PREFIX
from calendar_assistant.conversation.account_routes import Incoming
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.conversation.calendar_choice import (
    CHOICE_ACTIONS,
    CalendarChoice,
    calendars_request,
)
from calendar_assistant.conversation.connect_dialogue import (
    CONNECT_ACTIONS,
    ConnectDialogue,
    connect_request,
)
from calendar_assistant.conversation.dialogue_state import SettingsPrompt
from calendar_assistant.conversation.forget import forget_user
from calendar_assistant.conversation.routing import Router, first_answer
from calendar_assistant.conversation.zones import read_zone, zone_at
from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Inbound, Reply, UserRef, printable
from calendar_assistant.observability.observation import note_outcome
from calendar_assistant.replies import catalogue
from calendar_assistant.replies.render import View, render
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.redis_dialogue_states import RedisUnavailable
from calendar_assistant.storage.users import (
    InvalidSetting,
    UserRecord,
    UserRepository,
    UserSettings,
)
from calendar_assistant.understanding.timeexpr.grammar import month_first_in
from calendar_assistant.understanding.timeexpr.reading import midnight


@dataclass(frozen=True, slots=True)
class MenuCommand:
    """A command as the chat's menu shows it; its description is the catalogue's
    `menu.<name>` in the user's language."""

    name: str

    def description(self, lang: Lang) -> str:
        return catalogue.text(lang, f"menu.{self.name}")


#: The menu registered with Telegram's setMyCommands (and shown by /help on the web).
MENU: tuple[MenuCommand, ...] = tuple(
    MenuCommand(name)
    for name in (
        "start", "today", "week", "undo", "cancel", "settings", "connect", "disconnect",
        "calendars", "privacy", "forget", "help",
    )
)  # fmt: skip

#: Menu commands that are a request: the intent each one asks for.
_REQUESTS: dict[str, Intent] = {
    "help": Intent.HELP,
    "today": Intent.LIST_EVENTS,
    "week": Intent.LIST_EVENTS,
    "undo": Intent.UNDO,
    "cancel": Intent.CANCEL,
}

_FIELDS = {
    "zone": "timezone",
    "timezone": "timezone",
    "tz": "timezone",
    "пояс": "timezone",
    "language": "language",
    "lang": "language",
    "язык": "language",
    "hours": "hours",
    "часы": "hours",
    "duration": "duration",
    "длительность": "duration",
    "reminder": "reminder",
    "напоминание": "reminder",
    "dates": "dates",
    "date": "dates",
    "даты": "dates",
    "дата": "dates",
}
#: How a numeric date such as 3/4 is read: month first (True), day first (False), by zone.
_DATE_ORDERS: dict[str, bool | None] = {
    **dict.fromkeys(("us", "mdy", "m/d", "month", "month-first", "месяц", "мд"), True),
    **dict.fromkeys(("dmy", "d/m", "day", "day-first", "день", "дм"), False),
    **dict.fromkeys(("auto", "zone", "авто", "пояс", "по", "default"), None),
}
_HOURS = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*[-–—]\s*(\d{1,2})(?::(\d{2}))?$")
_OFF = {"off", "no", "none", "нет", "выкл", "0"}
#: The desk's routers, in the order they are tried (see the module's docstring).
ROUTERS = (
    "requests", "buttons", "commands", "connection", "phrases", "prompt", "account phrases",
)  # fmt: skip


def menu_request(name: str, lang: Lang, now: datetime, zone: ZoneInfo) -> Command | None:
    """The Command a menu command stands for (/today: today's events in the user's zone,
    /week: Monday to Monday), as the grammar would read the same request in words; None for
    a command that is not a request."""
    intent = _REQUESTS.get(name)
    if intent is None:
        return None
    if intent is not Intent.LIST_EVENTS:
        return Command(intent=intent, lang=lang)
    first = now.astimezone(zone).date()
    days = 1
    if name == "week":
        first -= timedelta(days=first.weekday())
        days = 7
    return Command(
        intent=intent,
        lang=lang,
        range_start=midnight(first, zone),
        range_end=midnight(first + timedelta(days=days), zone),
    )


def _date_order(settings: UserSettings, lang: Lang) -> str:
    """How 3/4 is read for this user, and whether they chose it or the zone did: a date
    read the wrong way round is a write on the wrong day, so the settings say it plainly."""
    first = month_first_in(settings.zone) if settings.month_first is None else settings.month_first
    said = (
        catalogue.text(lang, "account.dates_month_first")
        if first
        else catalogue.text(lang, "account.dates_day_first")
    )
    how = catalogue.text(lang, "account.from_zone") if settings.month_first is None else None
    return said if how is None else f"{said} ({how})"


def _rule(error: InvalidSetting, lang: Lang) -> str:
    """The rule a refused setting broke, in the user's language."""
    return catalogue.text(lang, f"setting_rule.{error.field}", value=error.value)


class AccountDesk:
    """Front of the assistant for chat channels: account commands here, the rest passed on."""

    def __init__(
        self, database: Database, assistant: Assistant, connections: ConnectDialogue
    ) -> None:
        self._db = database
        # The registry the assistant's calendars come from: /connect and /calendars write it.
        self._connections = connections
        self._choice = CalendarChoice(connections.registry)
        self._assistant = assistant
        self._users = UserRepository(database)
        self._dialogue = assistant.dialogue  # one stored dialogue state per user, shared
        self._commands = self._command_router()
        #: Tried in this order (ROUTERS); built once, never changed.
        self.routers: tuple[Router[Incoming], ...] = self._routers()

    @property
    def connections(self) -> ConnectDialogue:
        """Connecting and disconnecting calendars (/connect), shared with the web's panel."""
        return self._connections

    async def user(self, ref: UserRef) -> UserRecord:
        """The user behind a chat account; a new one starts in the chat's language."""
        found = await self._users.get(ref.key)
        if found is not None:
            return found
        defaults = self._assistant.defaults
        if ref.language_hint is not None:
            defaults = dataclasses.replace(defaults, language=ref.language_hint)
        return await self._users.create(ref.key, ref.display_name, defaults)

    async def handle(self, ref: UserRef, inbound: Inbound, now: datetime) -> list[Reply]:
        """Answer one message: an account command, a setting being asked, or a request."""
        # Control characters never reach what is stored (titles, places, settings).
        inbound = dataclasses.replace(inbound, text=printable(inbound.text))
        message = Incoming(ref, inbound, now, self.user, self._dialogue)
        try:
            answer = await first_answer(self.routers, message)
        except RedisUnavailable:
            # The dialogue store in Redis did not answer (a database error goes on to the
            # front door, which retries it, as before): the assistant's own "try again".
            lang = ref.language_hint or self._assistant.defaults.language
            view = View(lang=lang, zone=ZoneInfo("UTC"), now=now)
            return [render(BackendFailed("storage"), view)]
        if answer is not None:
            return answer
        await message.user()  # read first, as for all the desk sees: a new user gets the hint
        return await self._assistant.handle(ref, inbound, now)

    def _routers(self) -> tuple[Router[Incoming], ...]:
        """The routers in the order of ROUTERS, each handler behind its filters."""
        requests = Router[Incoming]("requests", on.carries_request)
        requests.add(self._request)
        buttons = Router[Incoming]("buttons", on.action())
        buttons.add(self._connection_pressed, on.action(prefixes=CONNECT_ACTIONS))
        buttons.add(self._choice_pressed, on.action(prefixes=CHOICE_ACTIONS))
        buttons.add(self._keep_zone, on.action("keep-zone"))
        buttons.add(self._ask_zone, on.action("ask-zone"))
        buttons.add(self._language_pressed, on.action("lang-ru", "lang-en"))
        buttons.add(self._forget_yes, on.action("forget-yes"))
        buttons.add(self._forget_no, on.action("forget-no"))
        buttons.add(self._stale_button)
        connection = Router[Incoming]("connection", on.typed, on.connection_open)
        connection.add(self._connection_answer)
        phrases = Router[Incoming]("phrases", on.typed)
        phrases.add(self._calendars_phrase, on.phrase(calendars_request))
        phrases.add(self._connect_phrase, on.phrase(connect_request))
        asked = Router[Incoming]("prompt", on.typed, on.prompt("timezone"))
        asked.add(self._zone_answer)
        typed = Router[Incoming]("account phrases", on.typed, on.account_phrase)
        typed.add(self._account_phrase)
        return (requests, buttons, self._commands, connection, phrases, asked, typed)

    def _command_router(self) -> Router[Incoming]:
        """Slash commands by name; the last handler answers a command it does not know."""
        commands = Router[Incoming]("commands", on.command())
        commands.add(self._count_command)
        commands.add(self._start_command, on.command("start"))
        commands.add(self._cancel_command, on.command("cancel"))
        commands.add(self._menu_request, on.command(*_REQUESTS))
        commands.add(self._settings, on.command("settings"))
        commands.add(self._connect_command, on.command("connect"))
        commands.add(self._disconnect_command, on.command("disconnect"))
        commands.add(self._calendars_command, on.command("calendars"))
        commands.add(self._privacy_command, on.command("privacy"))
        commands.add(self._forget_command, on.command("forget"))
        commands.add(self._unknown_command)
        return commands

    async def _prompt(self, user_id: int, prompt: SettingsPrompt | None) -> None:
        """Ask for a setting (its answer is the next message), or drop the one asked."""
        state = await self._dialogue.load(user_id)
        if state.settings_prompt != prompt:
            await self._dialogue.save(user_id, dataclasses.replace(state, settings_prompt=prompt))

    async def location(
        self, ref: UserRef, latitude: float, longitude: float, now: datetime
    ) -> list[Reply]:
        """A shared location sets the zone (the point itself is not kept)."""
        record = await self.user(ref)
        zone = zone_at(latitude, longitude)
        if zone is None:
            lang = record.settings.language
            return [Reply(catalogue.text(lang, "account.found_no_time_zone"))]
        return [await self._set_zone(record, zone, now)]

    # -- what the routers call ----------------------------------------------------------

    async def _request(self, message: Incoming) -> list[Reply]:
        """Already a typed request: the assistant acts on it."""
        return await self._assistant.handle(message.ref, message.inbound, message.now)

    async def _connection_answer(self, message: Incoming) -> list[Reply] | None:
        """The answer to the open CalDAV question (it may carry a password); an expired
        question is dropped and the message goes on."""
        record = await message.user()
        question = await self._connections.asking(record.id, await message.state(), message.now)
        if question is None:
            return None
        answer = await self._connections.answer(
            record.id, question, message.inbound.text, message.now
        )
        return [answer]

    async def _calendars_phrase(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        note_outcome("/calendars", "replied")
        return [await self._choice.menu(record.id, record.settings.language)]

    async def _connect_phrase(self, message: Incoming) -> list[Reply] | None:
        wants = connect_request(message.text)
        if wants is None:
            return None
        record = await message.user()
        lang = record.settings.language
        return [
            await self._connections.typed_request(record.id, lang, message.text, wants, message.now)
        ]

    async def _zone_answer(self, message: Incoming) -> list[Reply] | None:
        """The zone /start asked for; a longer message is a request and drops the question."""
        record = await message.user()
        zone = read_zone(message.text)
        if zone is not None:
            return [await self._set_zone(record, zone, message.now)]
        if len(message.text.split()) <= 3:
            lang = record.settings.language
            return [self._zone_not_understood(lang, record.settings.timezone)]
        await self._prompt(record.id, None)  # a request instead: the question is dropped
        return None

    async def _account_phrase(self, message: Incoming) -> list[Reply] | None:
        """«подключи календарь», "delete all my data": answered as the command is."""
        name = await message.phrase_command()
        if name is None:
            return None
        return await self._commands.route(message.as_command(name))

    # -- commands ---------------------------------------------------------------------------

    async def _count_command(self, message: Incoming) -> None:
        """Every command is counted (unknown ones together), then handled by the next."""
        name = message.command
        note_outcome(f"/{name}" if name in {c.name for c in MENU} else "/unknown", "replied")

    async def _start_command(self, message: Incoming) -> list[Reply]:
        return [await self._start(message.ref, await message.user(), message.now)]

    async def _cancel_command(self, message: Incoming) -> list[Reply] | None:
        """/cancel drops the desk's questions; with no connection to stop, the assistant's
        own /cancel (a request) follows."""
        record = await message.user()
        await self._prompt(record.id, None)
        if await self._connections.cancel(record.id):
            lang = record.settings.language
            return [Reply(catalogue.text(lang, "account.all_right_not_connecting"))]
        return None

    async def _menu_request(self, message: Incoming) -> list[Reply] | None:
        record = await message.user()
        name = message.command or ""
        lang = record.settings.language
        request = menu_request(name, lang, message.now, record.settings.zone)
        if request is None:
            return None
        inbound = Inbound(f"/{name}", command=request)
        return await self._assistant.handle(message.ref, inbound, message.now)

    async def _settings(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        return [await self._settings_command(record, message.args, message.now)]

    async def _connect_command(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        return [await self._connections.menu(record.id, record.settings.language)]

    async def _disconnect_command(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        return [await self._connections.disconnect_menu(record.id, record.settings.language)]

    async def _calendars_command(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        return [await self._choice.menu(record.id, record.settings.language)]

    async def _privacy_command(self, message: Incoming) -> list[Reply]:
        return [self._privacy((await message.user()).settings.language)]

    async def _forget_command(self, message: Incoming) -> list[Reply]:
        return [self._forget_question((await message.user()).settings.language)]

    async def _unknown_command(self, message: Incoming) -> list[Reply]:
        lang = (await message.user()).settings.language
        name = message.command or ""
        return [Reply(catalogue.text(lang, "account.do_not_know_command", name=name))]

    async def _start(self, ref: UserRef, record: UserRecord, now: datetime) -> Reply:
        lang = ref.language_hint or record.settings.language
        if lang != record.settings.language:
            await self._users.update_settings(record.id, language=lang)
        await self._prompt(record.id, SettingsPrompt("timezone", now))
        zone = record.settings.timezone
        text = catalogue.text(lang, "account.hello_keep_calendar_write", zone=zone)
        keep = Button(catalogue.text(lang, "account.keep_zone", zone=zone), f"{_PREFIX}keep-zone")
        return Reply(text, ((keep,),))

    def _zone_not_understood(self, lang: Lang, current: str) -> Reply:
        return Reply(catalogue.text(lang, "account.do_not_know_that", current=current))

    async def _set_zone(self, record: UserRecord, zone: ZoneInfo, now: datetime) -> Reply:
        await self._users.update_settings(record.id, timezone=zone.key)
        await self._prompt(record.id, None)
        lang = record.settings.language
        offset = format_datetime(now.astimezone(zone), "xxx", locale=lang)
        return Reply(
            catalogue.text(lang, "account.time_zone_zone_key", zone_key=zone.key, offset=offset)
        )

    # -- the desk's buttons ------------------------------------------------------------

    async def _connection_pressed(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        lang = record.settings.language
        return await self._connections.pressed(record.id, lang, message.action or "", message.now)

    async def _choice_pressed(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        lang = record.settings.language
        return [await self._choice.pressed(record.id, lang, message.action or "")]

    async def _keep_zone(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        return [await self._set_zone(record, record.settings.zone, message.now)]

    async def _ask_zone(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        await self._prompt(record.id, SettingsPrompt("timezone", message.now))
        lang = record.settings.language
        return [Reply(catalogue.text(lang, "account.send_city_offset_utc"))]

    async def _language_pressed(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        new: Lang = "ru" if message.action == "lang-ru" else "en"
        updated = await self._users.update_settings(record.id, language=new)
        return [self._describe(updated, message.now)]

    async def _forget_yes(self, message: Incoming) -> list[Reply]:
        record = await message.user()
        await forget_user(self._db, record.id)
        return [Reply(catalogue.text(record.settings.language, "account.done_all_data_deleted"))]

    async def _forget_no(self, message: Incoming) -> list[Reply]:
        lang = (await message.user()).settings.language
        return [Reply(catalogue.text(lang, "account.all_right_nothing_deleted"))]

    async def _stale_button(self, message: Incoming) -> list[Reply]:
        lang = (await message.user()).settings.language
        return [Reply(catalogue.text(lang, "account.that_button_no_longer"))]

    # -- /settings -----------------------------------------------------------------------

    async def _settings_command(self, record: UserRecord, rest: str, now: datetime) -> Reply:
        if not rest:
            return self._describe(record.settings, now)
        lang = record.settings.language
        word, _, value = rest.partition(" ")
        field = _FIELDS.get(word.lower())
        value = value.strip()
        if field is None or not value:
            return Reply(self._settings_usage(lang))
        changes: dict[str, object] | None = self._read_setting(field, value)
        if changes is None:
            return Reply(
                catalogue.text(lang, "account.could_not_read_that") + self._settings_usage(lang)
            )
        try:
            updated = await self.change_settings(record.id, changes)
        except InvalidSetting as error:
            return Reply(catalogue.text(lang, "account.not_possible") + _rule(error, lang) + ".")
        return self._describe(updated, now)

    async def change_settings(self, user_id: int, changes: Mapping[str, object]) -> UserSettings:
        """Change some settings under UserSettings' rules, all or none (InvalidSetting says
        which rule refused): /settings and the web settings panel both change them here, so
        the two can never disagree. A new zone answers the open zone question of /start."""
        updated = await self._users.update_settings(user_id, **changes)
        if "timezone" in changes:
            await self._prompt(user_id, None)
        return updated

    def _read_setting(self, field: str, value: str) -> dict[str, object] | None:
        if field == "timezone":
            zone = read_zone(value)
            return None if zone is None else {"timezone": zone.key}
        if field == "language":
            lowered = value.lower()
            if lowered in ("ru", "русский", "russian"):
                return {"language": "ru"}
            if lowered in ("en", "english", "английский"):
                return {"language": "en"}
            return None
        if field == "dates":
            order = value.lower().split()[0]
            return None if order not in _DATE_ORDERS else {"month_first": _DATE_ORDERS[order]}
        if field == "hours":
            match = _HOURS.match(value)
            if not match:
                return None
            try:
                start = time(int(match[1]), int(match[2] or 0))
                end = time(int(match[3]) % 24, int(match[4] or 0))
            except ValueError:
                return None
            return {"working_hours_start": start, "working_hours_end": end}
        number = value.split()[0].lower()
        if field == "reminder" and number in _OFF:
            return {"default_reminder_minutes": None}
        if not number.isdigit():
            return None
        key = "default_duration_minutes" if field == "duration" else "default_reminder_minutes"
        return {key: int(number)}

    def _settings_usage(self, lang: Lang) -> str:
        return catalogue.text(lang, "account.change_settings_zone_berlin")

    def _describe(self, settings: UserSettings, now: datetime) -> Reply:
        lang = settings.language
        offset = format_datetime(now.astimezone(settings.zone), "xxx", locale=lang)
        start = settings.working_hours_start.strftime("%H:%M")
        end = settings.working_hours_end.strftime("%H:%M")
        names = catalogue.text(lang, "account.weekday_names").split()
        days = ", ".join(names[d - 1] for d in sorted(settings.working_days))
        reminder = (
            catalogue.text(lang, "account.no_reminder")
            if settings.default_reminder_minutes is None
            else catalogue.text(
                lang,
                "account.reminder_before",
                minutes=settings.default_reminder_minutes,
            )
        )
        text = catalogue.text(
            lang,
            "account.settings_shown",
            settings_timezone=settings.timezone,
            offset=offset,
            start=start,
            end=end,
            days=days,
            settings_default_duration_minutes=settings.default_duration_minutes,
            reminder=reminder,
            dates=_date_order(settings, lang),
        ) + self._settings_usage(lang)
        other = "en" if lang == "ru" else "ru"
        buttons = (
            (
                Button(catalogue.text(lang, "account.other_language"), f"{_PREFIX}lang-{other}"),
                Button(catalogue.text(lang, "account.change_zone"), f"{_PREFIX}ask-zone"),
            ),
        )
        return Reply(text, buttons)

    # -- information ----------------------------------------------------------------------

    def _privacy(self, lang: Lang) -> Reply:
        text = catalogue.text(lang, "account.what_keep_events_reminders")
        if self._assistant.understanding.keeps_turns:
            # With a language model configured, what it is sent and what is kept changes.
            text += catalogue.text(lang, "account.messages_can_t_read")
        return Reply(text + catalogue.text(lang, "account.forget_deletes_all_it"))

    def _forget_question(self, lang: Lang) -> Reply:
        return Reply(
            catalogue.text(lang, "account.delete_all_data_events"),
            (
                (
                    Button(catalogue.text(lang, "account.yes_delete_all"), f"{_PREFIX}forget-yes"),
                    Button(catalogue.text(lang, "account.no"), f"{_PREFIX}forget-no"),
                ),
            ),
        )
