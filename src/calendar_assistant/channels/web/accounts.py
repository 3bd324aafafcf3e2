"""What web sign-in keeps in the database: one-time sign-in links and each user's session
epoch. Tables from migration `0005_web_sign_in`.

A person is one user whichever channel they write from: the web has no accounts of its own.
A web session names the `users.id` of the user the link or the Login Widget vouched for
(`telegram:<id>` for a Telegram user), so the web chat talks to the same calendar, settings
and dialogue as the Telegram chat.

- Links: the bot's `/web` answer carries a random token; only its SHA-256 is stored, so a
  copy of the database signs no one in. Redeeming is one conditional UPDATE (unused and
  not expired), so a link works once, on whichever replica it is opened.
- Epochs: every session cookie carries the user's epoch at sign-in; "sign out everywhere"
  raises it, and every cookie with an older epoch is refused from then on, on any replica.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, Integer, String, delete, exc, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import Base, UserRow

#: Links are kept a day past their expiry (for the logs' sake), then pruned.
_PRUNE_AFTER = timedelta(days=1)


class SignInLinkRow(Base):
    __tablename__ = "web_sign_in_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (Index("ix_web_sign_in_links_expires", "expires_at"),)


class SessionEpochRow(Base):
    __tablename__ = "web_session_epochs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    epoch: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column()


@dataclass(frozen=True, slots=True)
class SessionUser:
    """The user a session speaks for, as the web chat needs them."""

    id: int
    key: str
    display_name: str | None
    epoch: int


def _aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")


def token_hash(token: str) -> str:
    """What is stored of a link's token: a random 256-bit token needs no slow hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class WebAccounts:
    """One-time links and session epochs, shared by every replica through the database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def issue_link(self, user_id: int, now: datetime, lifetime: timedelta) -> str:
        """A new one-time token for `user_id`, valid for `lifetime` (the token itself is
        returned once and never stored)."""
        _aware(now)
        token = secrets.token_urlsafe(32)
        async with self._db.transaction() as session:
            await session.execute(
                delete(SignInLinkRow).where(SignInLinkRow.expires_at < now - _PRUNE_AFTER)
            )
            session.add(
                SignInLinkRow(
                    token_hash=token_hash(token),
                    user_id=user_id,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        return token

    async def redeem_link(self, token: str, now: datetime) -> int | None:
        """The user a fresh, unused link is for, marking it used; None for a link that is
        unknown, expired or used before (also when two replicas race for it)."""
        _aware(now)
        if not token or len(token) > 128:
            return None
        async with self._db.transaction() as session:
            found = (
                await session.execute(
                    update(SignInLinkRow)
                    .where(
                        SignInLinkRow.token_hash == token_hash(token),
                        SignInLinkRow.used_at.is_(None),
                        SignInLinkRow.expires_at > now,
                    )
                    .values(used_at=now)
                    .returning(SignInLinkRow.user_id)
                    .execution_options(synchronize_session=False)
                )
            ).scalar_one_or_none()
        return None if found is None else int(found)

    async def session_user(self, user_id: int) -> SessionUser | None:
        """The user with their current epoch (0 before any "sign out everywhere")."""
        query = (
            select(
                UserRow.id,
                UserRow.key,
                UserRow.display_name,
                func.coalesce(SessionEpochRow.epoch, 0),
            )
            .outerjoin(SessionEpochRow, SessionEpochRow.user_id == UserRow.id)
            .where(UserRow.id == user_id)
        )
        async with self._db.reading() as connection:
            row = (await connection.execute(query)).first()
        if row is None:
            return None
        return SessionUser(id=row[0], key=row[1], display_name=row[2], epoch=int(row[3]))

    async def end_all_sessions(self, user_id: int, now: datetime) -> int:
        """Raise the user's epoch: every session signed in before is refused. The new epoch."""
        for _ in range(3):  # two first bumps at once: one inserts, the other updates
            try:
                async with self._db.transaction() as session:
                    row = await session.get(SessionEpochRow, user_id, with_for_update=True)
                    if row is None:
                        session.add(SessionEpochRow(user_id=user_id, epoch=1, changed_at=now))
                        return 1
                    row.epoch += 1
                    row.changed_at = now
                    return row.epoch
            except exc.IntegrityError:
                continue
        raise RuntimeError("the session epoch could not be raised")
