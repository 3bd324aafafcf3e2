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

log = structlog.get_logger(__name__)

#: Button payloads of this dialogue start with this (after the account desk's own prefix).
CHOICE_ACTIONS = ("cal:",)
_TYPED = {"мои календари", "мои календарь", "my calendars", "календари", "calendars"}


def _t(lang: Lang, ru: str, en: str) -> str:
    return ru if lang == "ru" else en


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
        lines = [_t(lang, "Ваши календари:", "Your calendars:")]
        lines.append(
            _t(lang, "• Локальный календарь — читается", "• The local calendar — read")
            + (self._new_mark(lang) if local_default else "")
        )
        rows: list[tuple[Button, ...]] = []
        if not local_default:
            rows.append(
                (
                    Button(
                        _t(lang, "Новые → локальный", "New → local"),
                        "acct:cal:local",
                    ),
                )
            )
        for account in accounts:
            listed = await self._listed(account)
            lines.append("")
            lines.append(self._account_name(account))
            if not listed.reachable:
                lines.append(
                    _t(
                        lang,
                        "  (сервер сейчас недоступен — показаны сохранённые календари)",
                        "  (the server is unreachable now — showing the stored calendars)",
                    )
                )
            for number, calendar in enumerate(listed.calendars, start=1):
                read = calendar.id in account.calendars
                receives = account.is_default and self._default_of(account) == calendar.id
                state = (
                    _t(lang, "читается", "read") if read else _t(lang, "не читается", "not read")
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
                            _t(lang, f"Новые → {calendar.name}", f"New → {calendar.name}")[:60],
                            f"acct:cal:new:{tag}",
                        )
                    )
                if read and not receives:
                    buttons.append(
                        Button(
                            _t(lang, f"Не читать {calendar.name}", f"Skip {calendar.name}")[:60],
                            f"acct:cal:skip:{tag}",
                        )
                    )
                if not read:
                    buttons.append(
                        Button(
                            _t(lang, f"Читать {calendar.name}", f"Read {calendar.name}")[:60],
                            f"acct:cal:read:{tag}",
                        )
                    )
                if buttons:
                    rows.append(tuple(buttons))
        if not accounts:
            lines.append("")
            lines.append(
                _t(
                    lang,
                    "Других календарей не подключено. Подключить: /connect",
                    "No other calendars are connected. To connect one: /connect",
                )
            )
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
                _t(
                    lang,
                    "Готово: новые события попадают в локальный календарь.",
                    "Done: new events go to the local calendar.",
                ),
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
        return _t(
            lang,
            f"Готово: новые события попадают в «{calendar.name}».",
            f"Done: new events go to “{calendar.name}”.",
        )

    async def _read(
        self, store: AccountStore, account: Account, calendar: OfferedCalendar, lang: Lang
    ) -> str:
        if calendar.id not in account.calendars:
            chosen = [*account.calendars, calendar.id]
            await store.choose_calendars(
                account.user_id, account.id, chosen, self._default_of(account)
            )
        return _t(
            lang,
            f"Готово: «{calendar.name}» читается для расписания и свободного времени.",
            f"Done: “{calendar.name}” is read for the agenda and free time.",
        )

    async def _skip(
        self, store: AccountStore, account: Account, calendar: OfferedCalendar, lang: Lang
    ) -> str:
        if account.is_default and self._default_of(account) == calendar.id:
            return _t(
                lang,
                f"«{calendar.name}» получает новые события, поэтому читается. Сначала выберите "
                "другой календарь для новых событий.",
                f"“{calendar.name}” receives new events, so it stays read. First choose another "
                "calendar for new events.",
            )
        chosen = [c for c in account.calendars if c != calendar.id]
        if not chosen:
            return _t(
                lang,
                f"«{calendar.name}» — единственный читаемый календарь этого аккаунта. Чтобы "
                "не читать аккаунт совсем, отключите его: /disconnect",
                f"“{calendar.name}” is the only calendar read from this account. To stop "
                "reading the account at all, disconnect it: /disconnect",
            )
        default = self._default_of(account)
        await store.choose_calendars(
            account.user_id, account.id, chosen, default if default in chosen else chosen[0]
        )
        log.info("calendar_unread", account_id=account.id, read=len(chosen))
        return _t(
            lang,
            f"Готово: «{calendar.name}» больше не читается — его события не попадут в "
            "расписание и не займут свободное время.",
            f"Done: “{calendar.name}” is no longer read — its events leave the agenda and "
            "free time.",
        )

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
        return _t(lang, ", сюда идут новые события", ", new events go here")

    def _stale(self, lang: Lang) -> Reply:
        return Reply(
            _t(
                lang,
                "Эта кнопка уже неактуальна. Список: /calendars",
                "That button is no longer valid. The list: /calendars",
            )
        )

    def _not_enabled(self, lang: Lang) -> Reply:
        return Reply(
            _t(
                lang,
                "Сейчас есть только локальный календарь: он читается, и в него идут новые "
                "события. Подключать и выбирать календари Google и CalDAV на этом сервере "
                "пока нельзя: администратору нужно задать ключ шифрования CREDENTIALS_KEYS "
                "(см. docs/calendars.md).",
                "There is only the local calendar now: it is read and receives new events. "
                "Google and CalDAV calendars cannot be connected or chosen on this server "
                "yet: the administrator needs to set the encryption key CREDENTIALS_KEYS "
                "(see docs/calendars.md).",
            )
        )
