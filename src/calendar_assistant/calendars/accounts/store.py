"""Connected accounts of users, secrets encrypted; every query carries the user's id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select, update

from calendar_assistant.calendars.accounts.models import CalendarAccountRow
from calendar_assistant.storage.database import Database

if TYPE_CHECKING:  # the cipher needs cryptography, installed with the caldav and google extras
    from calendar_assistant.calendars.accounts.credentials import CredentialCipher

Provider = Literal["google", "caldav"]
PROVIDERS: tuple[Provider, ...] = ("google", "caldav")


@dataclass(frozen=True, slots=True)
class Account:
    """A connected account with its secret decrypted (never logged: repr hides it)."""

    id: int
    user_id: int
    provider: Provider
    label: str
    server_url: str | None
    calendars: tuple[str, ...]
    default_calendar: str | None
    is_default: bool
    secret: dict[str, Any] = field(repr=False)


class AccountNotFound(LookupError):
    def __init__(self, account_id: int) -> None:
        super().__init__(f"no connected account {account_id}")
        self.account_id = account_id


class AccountStore:
    """Reads and writes `calendar_accounts`; secrets go through the cipher both ways."""

    def __init__(self, database: Database, cipher: CredentialCipher) -> None:
        self._db = database
        self._cipher = cipher

    async def add(
        self,
        user_id: int,
        provider: Provider,
        *,
        label: str,
        secret: dict[str, Any],
        calendars: Sequence[str],
        default_calendar: str | None = None,
        server_url: str | None = None,
        make_default: bool = False,
    ) -> Account:
        """Connect an account; the first one a user connects becomes the default."""
        if provider not in PROVIDERS:
            raise ValueError(f"unknown calendar provider {provider!r}")
        label = label.strip()[:255]
        if not label:
            raise ValueError("an account needs a label (e-mail or user name)")
        async with self._db.transaction() as session:
            existing = await session.scalar(
                select(CalendarAccountRow.id).where(CalendarAccountRow.user_id == user_id)
            )
            is_default = make_default or existing is None
            if is_default:
                await session.execute(
                    update(CalendarAccountRow)
                    .where(CalendarAccountRow.user_id == user_id)
                    .values(is_default=False)
                )
            row = CalendarAccountRow(
                user_id=user_id,
                provider=provider,
                label=label,
                server_url=server_url,
                secret=self._cipher.encrypt(secret),
                calendars=list(calendars),
                default_calendar=default_calendar,
                is_default=is_default,
            )
            session.add(row)
            await session.flush()
            return self._account(row)

    async def list(self, user_id: int) -> list[Account]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(CalendarAccountRow)
                .where(CalendarAccountRow.user_id == user_id)
                .order_by(CalendarAccountRow.id)
            )
            return [self._account(r) for r in rows]

    async def get(self, user_id: int, account_id: int) -> Account:
        async with self._db.session() as session:
            row = await self._row(session, user_id, account_id)
            return self._account(row)

    async def replace_secret(self, user_id: int, account_id: int, secret: dict[str, Any]) -> None:
        """Store refreshed tokens or a new password."""
        async with self._db.transaction() as session:
            row = await self._row(session, user_id, account_id)
            row.secret = self._cipher.encrypt(secret)

    async def choose_calendars(
        self, user_id: int, account_id: int, calendars: Sequence[str], default_calendar: str | None
    ) -> None:
        if default_calendar is not None and default_calendar not in calendars:
            raise ValueError("the default calendar must be one of the chosen calendars")
        async with self._db.transaction() as session:
            row = await self._row(session, user_id, account_id)
            row.calendars = list(calendars)
            row.default_calendar = default_calendar

    async def make_default(self, user_id: int, account_id: int | None) -> None:
        """New events go to this account (None: to the local calendar)."""
        async with self._db.transaction() as session:
            if account_id is not None:
                await self._row(session, user_id, account_id)
            await session.execute(
                update(CalendarAccountRow)
                .where(CalendarAccountRow.user_id == user_id)
                .values(is_default=CalendarAccountRow.id == account_id)
            )

    async def remove(self, user_id: int, account_id: int) -> Account:
        """Forget an account and its secrets; returns what was removed (to revoke tokens)."""
        async with self._db.transaction() as session:
            row = await self._row(session, user_id, account_id)
            account = self._account(row)
            await session.delete(row)
            return account

    async def rotate(self) -> int:
        """Re-encrypt every stored secret under the newest key; returns how many."""
        async with self._db.transaction() as session:
            rows = list(await session.scalars(select(CalendarAccountRow)))
            for row in rows:
                row.secret = self._cipher.rotate(row.secret)
            return len(rows)

    async def _row(self, session: Any, user_id: int, account_id: int) -> CalendarAccountRow:
        row: CalendarAccountRow | None = await session.scalar(
            select(CalendarAccountRow).where(
                CalendarAccountRow.user_id == user_id, CalendarAccountRow.id == account_id
            )
        )
        if row is None:
            raise AccountNotFound(account_id)
        return row

    def _account(self, row: CalendarAccountRow) -> Account:
        provider: Provider = "google" if row.provider == "google" else "caldav"
        return Account(
            id=row.id,
            user_id=row.user_id,
            provider=provider,
            label=row.label,
            server_url=row.server_url,
            calendars=tuple(str(c) for c in row.calendars),
            default_calendar=row.default_calendar,
            is_default=row.is_default,
            secret=self._cipher.decrypt(row.secret),
        )
