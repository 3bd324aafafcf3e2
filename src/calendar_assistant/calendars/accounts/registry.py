"""Which calendars a user has: the local one, plus every connected account's calendars.

`calendar(user_id)` answers at once (the assistant's factory is synchronous) with a calendar
that looks the accounts up on first use: with none connected it is the local calendar;
otherwise all calendars are read and new events go to the default account's default calendar.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from calendar_assistant.calendars.accounts.combined import CombinedCalendar
from calendar_assistant.calendars.accounts.store import Account, AccountStore
from calendar_assistant.calendars.base import CalendarBackend, Capabilities
from calendar_assistant.calendars.caldav.presets import server_url
from calendar_assistant.calendars.forwarding import ForwardingCalendar
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.extras import needs
from calendar_assistant.net.policy import OutboundPolicy
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository

if TYPE_CHECKING:  # the providers' modules import their libraries, which are extras
    from calendar_assistant.calendars.accounts.credentials import CredentialCipher
    from calendar_assistant.calendars.google import GoogleClientConfig

LOCAL = "local"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OfferedCalendar:
    """A calendar an account can see: its id (CalDAV URL or Google id) and display name."""

    id: str
    name: str


def credential_cipher(credentials_keys: str | None) -> CredentialCipher | None:
    """The cipher of CREDENTIALS_KEYS, or None when no key is set (accounts are off).

    Every secret kept at rest goes through it: connected accounts' credentials and the
    CalDAV answers of a half-finished connection (conversation.dialogue_state).
    """
    keys = credentials_keys
    if not keys or not any(key.strip() for key in keys.split(",")):
        return None
    with needs("caldav", "google", feature="Connected calendars (CREDENTIALS_KEYS)"):
        from calendar_assistant.calendars.accounts.credentials import (
            CredentialCipher,
            parse_keys,
        )
    return CredentialCipher(parse_keys(keys))


@dataclass(frozen=True, slots=True)
class CalendarsConfig:
    """What the calendars read: the keys that seal connected accounts (none: accounts are
    off and every user has the local calendar alone), Google's OAuth client (none: Google
    is off), the providers' limits, and where users' CalDAV URLs may lead."""

    credentials_keys: str | None = field(default=None, repr=False)
    google: GoogleClientConfig | None = None
    timeout_seconds: float = 20.0
    retries: int = 4
    #: The zone of a user whose settings cannot be read (a calendar still needs one).
    default_timezone: str = "Europe/Moscow"
    outbound: OutboundPolicy = field(default_factory=OutboundPolicy)


class CalendarRegistry:
    """Builds each user's calendar from their connected accounts."""

    def __init__(
        self,
        database: Database,
        store: AccountStore | None,
        *,
        google: GoogleClientConfig | None = None,
        timeout_seconds: float = 20.0,
        retries: int = 3,
        default_timezone: str = "Europe/Moscow",
        outbound: OutboundPolicy | None = None,
    ) -> None:
        #: Where users' CalDAV URLs may lead (public https by default; see net.guard).
        self.outbound = outbound if outbound is not None else OutboundPolicy()
        self._db = database
        self._store = store
        self._google = google
        self._timeout = timeout_seconds
        self._retries = retries
        self._default_timezone = default_timezone
        self._users = UserRepository(database)

    @classmethod
    def from_config(cls, database: Database, config: CalendarsConfig) -> CalendarRegistry:
        """Accounts are on when there is a key; Google when its client is set too."""
        cipher = credential_cipher(config.credentials_keys)
        store = None if cipher is None else AccountStore(database, cipher)
        return cls(
            database,
            store,
            google=config.google if store is not None else None,
            timeout_seconds=config.timeout_seconds,
            retries=config.retries,
            default_timezone=config.default_timezone,
            outbound=config.outbound,
        )

    @property
    def store(self) -> AccountStore | None:
        return self._store

    def calendar(self, user_id: int) -> CalendarBackend:
        """The user's calendar (resolved on its first call)."""
        return UserCalendar(self, user_id)

    async def resolve(self, user_id: int) -> CalendarBackend:
        """The user's calendar now: local alone, or all connected calendars combined."""
        local = LocalCalendar(self._db, user_id)
        accounts = [] if self._store is None else await self._store.list(user_id)
        if not accounts:
            return local
        user = await self._users.get_by_id(user_id)
        zone = user.settings.timezone if user is not None else self._default_timezone
        members: dict[str, CalendarBackend] = {LOCAL: local}
        default = LOCAL
        for account in accounts:
            built = self._members(account, zone)
            members.update(built)
            if account.is_default and built:
                wanted = member_key(account, account.default_calendar or account.calendars[0])
                default = wanted if wanted in built else next(iter(built))
        return CombinedCalendar(members, default)

    async def connect_caldav(
        self,
        user_id: int,
        *,
        url: str,
        username: str,
        password: str,
        host: str | None = None,
        make_default: bool = True,
    ) -> Account:
        """Check the login by discovering the calendars, then store it (password encrypted).

        `url` is a server URL or a preset name (yandex, icloud, fastmail, nextcloud + `host`).
        """
        if self._store is None:
            raise ValueError("connecting calendars needs CREDENTIALS_KEYS")
        url = server_url(url, host=host)
        username = username.strip()
        if not username or not password or len(username) > 255 or len(password) > 1000:
            raise ValueError("a CalDAV login needs a user name and an app password")
        with needs("caldav"):
            from calendar_assistant.calendars.caldav import discover_calendars, open_client
        client = open_client(
            url, username, password, timeout=int(self._timeout), policy=self.outbound
        )
        found = await discover_calendars(client)
        if not found:
            raise ValueError("the server has no calendar for this login")
        return await self._store.add(
            user_id,
            "caldav",
            label=username,
            server_url=url,
            secret={"password": password},
            calendars=[c.url for c in found],
            default_calendar=found[0].url,
            make_default=make_default,
        )

    async def offered_calendars(self, account: Account) -> list[OfferedCalendar]:
        """Every calendar the account sees now, asked of its provider (so the user can pick
        ones not read yet). Raises the provider's errors (ProviderUnavailable, ...)."""
        if account.provider == "caldav" and account.server_url:
            with needs("caldav"):
                from calendar_assistant.calendars.caldav import discover_calendars, open_client
            client = open_client(
                account.server_url,
                account.label,
                str(account.secret.get("password", "")),
                timeout=int(self._timeout),
                policy=self.outbound,
            )
            return [OfferedCalendar(c.url, c.name) for c in await discover_calendars(client)]
        if account.provider == "google" and self._google is not None:
            with needs("google"):
                from calendar_assistant.calendars.google import GoogleApi, list_calendars
            api = GoogleApi(self._google, account.secret, on_tokens=self._saver(account))
            return [OfferedCalendar(c.id, c.summary) for c in await list_calendars(api)]
        return [OfferedCalendar(c, c) for c in account.calendars]

    def _members(self, account: Account, zone: str) -> dict[str, CalendarBackend]:
        members: dict[str, CalendarBackend] = {}
        if account.provider == "caldav" and account.server_url:
            with needs("caldav"):
                from calendar_assistant.calendars.caldav import CalDavCalendar, open_client
            for url in account.calendars:
                # one client per calendar: calendars are read concurrently, in threads
                client = open_client(
                    account.server_url,
                    account.label,
                    str(account.secret.get("password", "")),
                    timeout=int(self._timeout),
                    policy=self.outbound,
                )
                key = member_key(account, url)
                members[key] = CalDavCalendar.at_url(
                    client, url, timezone=zone, calendar_id=key, retries=self._retries
                )
        elif account.provider == "google" and self._google is not None:
            with needs("google"):
                from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar
            api = GoogleApi(self._google, account.secret, on_tokens=self._saver(account))
            for gid in account.calendars:
                key = member_key(account, gid)
                members[key] = GoogleCalendar(api, gid, timezone=zone, calendar_id=key)
        return members

    def _saver(self, account: Account) -> Any:
        store = self._store
        assert store is not None

        async def save(tokens: dict[str, Any]) -> None:
            await store.replace_secret(account.user_id, account.id, tokens)

        return save


def member_key(account: Account, calendar: str) -> str:
    """The `calendar_id` of a connected calendar's events: provider, account and calendar."""
    return f"{account.provider}:{account.id}:{calendar}"


class UserCalendar(ForwardingCalendar):
    """One user's calendar, resolved from their accounts at the first call and then kept."""

    def __init__(self, registry: CalendarRegistry, user_id: int) -> None:
        self._registry = registry
        self._user_id = user_id
        self._resolved: CalendarBackend | None = None

    @property
    def current(self) -> CalendarBackend | None:
        """The backend behind this user's calendar once the first call has resolved it."""
        return self._resolved

    async def resolved(self) -> CalendarBackend:
        if self._resolved is None:
            self._resolved = await self._registry.resolve(self._user_id)
        return self._resolved

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities() if self._resolved is None else self._resolved.capabilities

    async def _forward(self, operation: str, call: Callable[[CalendarBackend], Awaitable[T]]) -> T:
        del operation  # resolving is the same for every operation
        return await call(await self.resolved())
