"""Tables of connected accounts and pending OAuth grants (migration 0002_accounts).

Secrets (passwords, tokens, PKCE verifiers) are stored only as MultiFernet tokens: a copy of
the database without the key reveals none of them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from calendar_assistant.storage.models import Base


class CalendarAccountRow(Base):
    """One connected account (a Google login, a CalDAV server login) of one user."""

    __tablename__ = "calendar_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(255))
    server_url: Mapped[str | None] = mapped_column(String(1000))
    secret: Mapped[str] = mapped_column(Text)
    calendars: Mapped[list[Any]] = mapped_column(JSON)
    default_calendar: Mapped[str | None] = mapped_column(String(1000))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.current_timestamp())

    __table_args__ = (Index("ix_calendar_accounts_user", "user_id"),)


class OAuthGrantRow(Base):
    """A started OAuth flow: consumed (deleted) by the first callback that names it."""

    __tablename__ = "oauth_grants"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(16))
    secret: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column()
