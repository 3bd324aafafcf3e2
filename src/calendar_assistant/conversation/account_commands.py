"""The account side of a chat: /start with the zone question, /settings, /forget, /privacy,
/connect and /disconnect (with the CalDAV questions, see connect_dialogue), /calendars (see
calendar_choice), and the menu commands that stand for a request (/today, /week, /undo,
/cancel, /help), which become a typed Command here, not a sentence to parse again.

Every channel puts messages through `AccountDesk.handle` (behind the front door); what is not
about the account goes on to `Assistant.handle` unchanged, so the assistant itself knows
nothing of slash commands.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

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
from calendar_assistant.conversation.zones import read_zone, zone_at
from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Inbound, Reply, UserRef, printable
from calendar_assistant.observability.observation import note_outcome
from calendar_assistant.replies import catalogue
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import (
    InvalidSetting,
    UserRecord,
    UserRepository,
    UserSettings,
)
from calendar_assistant.understanding.lang_detect import clear_language
from calendar_assistant.understanding.parser import account_command
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
_PREFIX = "acct:"
_ACCOUNT_SAMPLE = 300  # an account command is short; a long message is a request


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
        return await self._users.get_or_create(ref.key, ref.display_name, defaults)

    async def handle(self, ref: UserRef, inbound: Inbound, now: datetime) -> list[Reply]:
        """Answer one message: an account command, a setting being asked, or a request."""
        # Control characters never reach what is stored (titles, places, settings).
        inbound = dataclasses.replace(inbound, text=printable(inbound.text))
        if inbound.command is not None:  # already a typed request: the assistant acts on it
            return await self._assistant.handle(ref, inbound, now)
        record = await self.user(ref)
        if inbound.button is None:
            return await self._typed(ref, record, inbound, now)
        if inbound.button.startswith(_PREFIX):
            return await self._pressed(record, inbound.button.removeprefix(_PREFIX), now)
        return await self._assistant.handle(ref, inbound, now)

    async def _typed(
        self, ref: UserRef, record: UserRecord, inbound: Inbound, now: datetime
    ) -> list[Reply]:
        """A typed message: a command, an answer to the desk's open question, or a request."""
        lang = record.settings.language
        text = inbound.text.strip()
        if text.startswith("/"):
            name, _, rest = text[1:].partition(" ")
            name = name.split("@", 1)[0].lower()
            return await self._command(ref, record, name, rest.strip(), now)
        state = await self._dialogue.load(record.id)
        question = await self._connections.asking(record.id, state, now)
        if question is not None:
            # a CalDAV question is open: this message answers it (and may carry a password)
            return [await self._connections.answer(record.id, question, inbound.text, now)]
        if calendars_request(text):
            note_outcome("/calendars", "replied")
            return [await self._choice.menu(record.id, lang)]
        wants = connect_request(text)
        if wants is not None:
            return [await self._connections.typed_request(record.id, lang, text, wants, now)]
        prompt = state.settings_prompt
        if prompt is not None and prompt.field == "timezone":
            zone = read_zone(text)
            if zone is not None:
                return [await self._set_zone(record, zone, now)]
            if len(text.split()) <= 3:
                return [self._zone_not_understood(lang, record.settings.timezone)]
            await self._prompt(record.id, None)  # a request instead: the question is dropped
        if text:
            typed = account_command(
                text[:_ACCOUNT_SAMPLE], now=now, tz=record.settings.zone, lang=clear_language(text)
            )
            if typed is not None:  # «подключи календарь», "delete all my data": as the command
                return await self._command(ref, record, typed, "", now)
        return await self._assistant.handle(ref, inbound, now)

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

    # -- commands ---------------------------------------------------------------------------

    async def _command(
        self, ref: UserRef, record: UserRecord, name: str, rest: str, now: datetime
    ) -> list[Reply]:
        lang = record.settings.language
        known = name in {c.name for c in MENU}
        note_outcome(f"/{name}" if known else "/unknown", "replied")
        if name == "start":
            return [await self._start(ref, record, now)]
        if name == "cancel":
            await self._prompt(record.id, None)
            if await self._connections.cancel(record.id):
                return [Reply(catalogue.text(lang, "account.all_right_not_connecting"))]
        request = menu_request(name, lang, now, record.settings.zone)
        if request is not None:
            return await self._assistant.handle(ref, Inbound(f"/{name}", command=request), now)
        if name == "settings":
            return [await self._settings_command(record, rest, now)]
        if name == "connect":
            return [await self._connections.menu(record.id, lang)]
        if name == "disconnect":
            return [await self._connections.disconnect_menu(record.id, lang)]
        if name == "calendars":
            return [await self._choice.menu(record.id, lang)]
        if name == "privacy":
            return [self._privacy(lang)]
        if name == "forget":
            return [self._forget_question(lang)]
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

    async def _pressed(self, record: UserRecord, action: str, now: datetime) -> list[Reply]:
        lang = record.settings.language
        if action.startswith(CONNECT_ACTIONS):
            return await self._connections.pressed(record.id, lang, action, now)
        if action.startswith(CHOICE_ACTIONS):
            return [await self._choice.pressed(record.id, lang, action)]
        if action == "keep-zone":
            return [await self._set_zone(record, record.settings.zone, now)]
        if action == "ask-zone":
            await self._prompt(record.id, SettingsPrompt("timezone", now))
            return [Reply(catalogue.text(lang, "account.send_city_offset_utc"))]
        if action in ("lang-ru", "lang-en"):
            new: Lang = "ru" if action == "lang-ru" else "en"
            updated = await self._users.update_settings(record.id, language=new)
            return [self._describe(updated, now)]
        if action == "forget-yes":
            await forget_user(self._db, record.id)
            return [Reply(catalogue.text(lang, "account.done_all_data_deleted"))]
        if action == "forget-no":
            return [Reply(catalogue.text(lang, "account.all_right_nothing_deleted"))]
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
