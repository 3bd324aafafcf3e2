"""/calendars («мои календари»): which connected calendars are read and which receives new
events, with buttons to change both.

Calendar ids (CalDAV URLs, Google ids) can be longer than a chat button's payload allows
(Telegram: 64 bytes), so buttons carry the account id and a short hash of the calendar id;
the press looks the calendar up again among the account's calendars. Changes go through the
account store, and the registry builds the user's calendar afresh for the next message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import structlog

from calendar_assistant.calendars.accounts.errors import ProviderUnavailable, ReconnectNeeded
from calendar_assistant.calendars.accounts.registry import CalendarRegistry, OfferedCalendar
from calendar_assistant.calendars.accounts.store import Account, AccountNotFound, AccountStore
from calendar_assistant.calendars.base import CalendarError
from calendar_assistant.domain.language import Lang
from calendar_assistant.domain.messages import Button, Reply
from calendar_assistant.replies import catalogue

log = structlog.get_logger(__name__)

#: Button payloads of this dialogue start with this (after the account desk's own prefix).
CHOICE_ACTIONS = ("cal:",)
_TYPED = {"мои календари", "мои календарь", "my calendars", "календари", "calendars"}


def calendars_request(text: str) -> bool:
    """Whether a typed message asks for the calendar list («мои календари», "my calendars")."""
    return len(text) <= 40 and text.strip().strip("?!.").strip().lower() in _TYPED


def calendar_tag(calendar_id: str) -> str:
    """A short, stable stand-in for a calendar id in a button payload."""
    return hashlib.sha256(calendar_id.encode()).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class _Listed:
    """One account with the calendars it offers (or only the stored ones when offline)."""

    account: Account
    calendars: tuple[OfferedCalendar, ...]
    reachable: bool


class CalendarChoice:
    """The chat side of choosing calendars; the account desk passes it /calendars and presses."""

    def __init__(self, registry: CalendarRegistry) -> None:
        self._registry = registry

    async def menu(self, user_id: int, lang: Lang) -> Reply:
        """/calendars: every calendar, marked read / not read / receives new events."""
        store = self._registry.store
        if store is None:
            return self._not_enabled(lang)
        accounts = await store.list(user_id)
        local_default = not any(a.is_default for a in accounts)
        lines = [catalogue.text(lang, "calendars.yours")]
        lines.append(
            catalogue.text(lang, "calendars.local_calendar_read")
            + (self._new_mark(lang) if local_default else "")
        )
        rows: list[tuple[Button, ...]] = []
        if not local_default:
            rows.append(
                (
                    Button(
                        catalogue.text(lang, "calendars.new_local"),
                        "acct:cal:local",
                    ),
                )
            )
        for account in accounts:
            listed = await self._listed(account)
            lines.append("")
            lines.append(self._account_name(account))
            if not listed.reachable:
                lines.append(catalogue.text(lang, "calendars.server_unreachable_now_showing"))
            for number, calendar in enumerate(listed.calendars, start=1):
                read = calendar.id in account.calendars
                receives = account.is_default and self._default_of(account) == calendar.id
                state = (
                    catalogue.text(lang, "calendars.read")
                    if read
                    else catalogue.text(lang, "calendars.not_read")
                )
                lines.append(
                    f"  {number}. {calendar.name} — {state}"
                    + (self._new_mark(lang) if receives else "")
                )
                tag = f"{account.id}:{calendar_tag(calendar.id)}"
                buttons: list[Button] = []
                if not receives:
                    buttons.append(
                        Button(
                            catalogue.text(
                                lang, "calendars.new_calendar_name", calendar_name=calendar.name
                            )[:60],
                            f"acct:cal:new:{tag}",
                        )
                    )
                if read and not receives:
                    buttons.append(
                        Button(
                            catalogue.text(
                                lang, "calendars.skip_calendar_name", calendar_name=calendar.name
                            )[:60],
                            f"acct:cal:skip:{tag}",
                        )
                    )
                if not read:
                    buttons.append(
                        Button(
                            catalogue.text(
                                lang, "calendars.read_calendar_name", calendar_name=calendar.name
                            )[:60],
                            f"acct:cal:read:{tag}",
                        )
                    )
                if buttons:
                    rows.append(tuple(buttons))
        if not accounts:
            lines.append("")
            lines.append(catalogue.text(lang, "calendars.no_other_calendars_are"))
        return Reply("\n".join(lines), tuple(rows))

    async def pressed(self, user_id: int, lang: Lang, action: str) -> Reply:
        """A button of this dialogue (its payload without the desk's prefix)."""
        store = self._registry.store
        if store is None:
            return self._not_enabled(lang)
        if action == "cal:local":
            await store.make_default(user_id, None)
            log.info("calendar_default_chosen", account_id=None)
            return await self._done(
                user_id,
                lang,
                catalogue.text(lang, "calendars.done_new_events_go_2"),
            )
        verb, _, rest = action.removeprefix("cal:").partition(":")
        raw_id, _, tag = rest.partition(":")
        if verb not in ("new", "skip", "read") or not raw_id.isdigit() or len(raw_id) > 18:
            return self._stale(lang)
        try:
            account = await store.get(user_id, int(raw_id))
        except AccountNotFound:
            return self._stale(lang)
        listed = await self._listed(account)
        calendar = next((c for c in listed.calendars if calendar_tag(c.id) == tag), None)
        if calendar is None:
            return self._stale(lang)
        try:
            if verb == "new":
                text = await self._make_default(store, account, calendar, lang)
            elif verb == "read":
                text = await self._read(store, account, calendar, lang)
            else:
                text = await self._skip(store, account, calendar, lang)
        except AccountNotFound:
            return self._stale(lang)
        return await self._done(user_id, lang, text)

    # -- changes --------------------------------------------------------------------------

    async def _make_default(
        self, store: AccountStore, account: Account, calendar: OfferedCalendar, lang: Lang
    ) -> str:
        chosen = list(account.calendars)
        if calendar.id not in chosen:
            chosen.append(calendar.id)  # the calendar that receives new events is also read
        await store.choose_calendars(account.user_id, account.id, chosen, calendar.id)
        await store.make_default(account.user_id, account.id)
        log.info("calendar_default_chosen", account_id=account.id)
        return catalogue.text(lang, "calendars.done_new_events_go", calendar_name=calendar.name)

    async def _read(
        self, store: AccountStore, account: Account, calendar: OfferedCalendar, lang: Lang
    ) -> str:
        if calendar.id not in account.calendars:
            chosen = [*account.calendars, calendar.id]
            await store.choose_calendars(
                account.user_id, account.id, chosen, self._default_of(account)
            )
        return catalogue.text(
            lang, "calendars.done_calendar_name_read", calendar_name=calendar.name
        )

    async def _skip(
        self, store: AccountStore, account: Account, calendar: OfferedCalendar, lang: Lang
    ) -> str:
        if account.is_default and self._default_of(account) == calendar.id:
            return catalogue.text(
                lang, "calendars.calendar_name_receives_new", calendar_name=calendar.name
            )
        chosen = [c for c in account.calendars if c != calendar.id]
        if not chosen:
            return catalogue.text(
                lang, "calendars.calendar_name_only_calendar", calendar_name=calendar.name
            )
        default = self._default_of(account)
        await store.choose_calendars(
            account.user_id, account.id, chosen, default if default in chosen else chosen[0]
        )
        log.info("calendar_unread", account_id=account.id, read=len(chosen))
        return catalogue.text(lang, "calendars.done_calendar_name_no", calendar_name=calendar.name)

    # -- reading --------------------------------------------------------------------------

    async def _listed(self, account: Account) -> _Listed:
        """The calendars the account offers; the stored ones (read) first, in stored order."""
        try:
            offered = await self._registry.offered_calendars(account)
        except (ProviderUnavailable, ReconnectNeeded, CalendarError) as error:
            log.info("calendar_list_failed", account_id=account.id, error=type(error).__name__)
            stored = tuple(OfferedCalendar(c, c) for c in account.calendars)
            return _Listed(account, stored, reachable=False)
        known = {c.id for c in offered}
        # a stored calendar the provider no longer lists still shows, so it can be unread
        missing = tuple(OfferedCalendar(c, c) for c in account.calendars if c not in known)
        return _Listed(account, (*offered, *missing), reachable=True)

    def _default_of(self, account: Account) -> str | None:
        if account.default_calendar in account.calendars:
            return account.default_calendar
        return account.calendars[0] if account.calendars else None

    # -- wording ----------------------------------------------------------------------------

    async def _done(self, user_id: int, lang: Lang, text: str) -> Reply:
        listing = await self.menu(user_id, lang)
        return Reply(f"{text}\n\n{listing.text}", listing.buttons)

    def _account_name(self, account: Account) -> str:
        if account.provider == "google":
            return f"Google: {account.label}"
        host = urlsplit(account.server_url or "").hostname or ""
        return f"CalDAV: {account.label} @ {host}"

    def _new_mark(self, lang: Lang) -> str:
        return catalogue.text(lang, "calendars.new_events_go_here")

    def _stale(self, lang: Lang) -> Reply:
        return Reply(catalogue.text(lang, "calendars.that_button_no_longer"))

    def _not_enabled(self, lang: Lang) -> Reply:
        return Reply(catalogue.text(lang, "calendars.there_only_local_calendar"))
