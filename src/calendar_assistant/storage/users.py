"""Users and their settings (language, zone, working hours, default duration and reminder)."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import String, and_, bindparam, cast, column, exc, insert, select, table

from calendar_assistant.domain.language import LANGS, Lang
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.lanes import Work
from calendar_assistant.storage.models import DialogueStateRow, UserRow, UserSettingsRow


class InvalidSetting(ValueError):
    """A setting its rules refuse. The chat (/settings) and the web settings panel word the
    rule for the user from the message catalogue (`setting_rule.<field>`, filled with the
    refused `value`), so both show the same rule in the user's language."""

    def __init__(self, field: str, value: object = None) -> None:
        super().__init__(f"{field} refused: {value!r}")
        self.field = field
        self.value = value


@dataclass(frozen=True, slots=True)
class UserSettings:
    """One user's preferences; a new user starts with the defaults the composition root reads
    from DEFAULT_LANGUAGE, DEFAULT_TIMEZONE, the working hours and the default duration."""

    language: Lang = "ru"
    timezone: str = "Europe/Moscow"
    working_hours_start: time = time(9, 0)
    working_hours_end: time = time(18, 0)
    working_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    default_duration_minutes: int = 60
    default_reminder_minutes: int | None = None
    #: Numeric dates month first (3/4 is March 4, as in the US) or day first (3 April);
    #: None: as the user's zone writes them (`understanding.timeexpr.grammar.month_first_in`).
    month_first: bool | None = None

    def __post_init__(self) -> None:
        if self.language not in LANGS:
            raise InvalidSetting("language", self.language)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise InvalidSetting("timezone", self.timezone) from error
        if not self.working_days or not self.working_days <= frozenset(range(1, 8)):
            raise InvalidSetting("working_days")
        if self.working_hours_start == self.working_hours_end:
            raise InvalidSetting("working_hours")
        if not 1 <= self.default_duration_minutes <= 24 * 60:
            raise InvalidSetting("default_duration_minutes")
        if self.default_reminder_minutes is not None and not (
            0 <= self.default_reminder_minutes <= 7 * 24 * 60
        ):
            raise InvalidSetting("default_reminder_minutes")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def working_hours(self) -> tuple[time, time]:
        return (self.working_hours_start, self.working_hours_end)


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A stored user: `id` is what every other table and LocalCalendar take."""

    id: int
    key: str
    display_name: str | None
    created_at: datetime
    settings: UserSettings


def _settings(row: Any) -> UserSettings:
    """Settings from an ORM row or a Core row of user_settings."""
    language: Lang = "en" if row.language == "en" else "ru"
    return UserSettings(
        language=language,
        timezone=row.timezone,
        working_hours_start=row.working_hours_start,
        working_hours_end=row.working_hours_end,
        working_days=frozenset(int(d) for d in row.working_days.split(",") if d),
        default_duration_minutes=row.default_duration_minutes,
        default_reminder_minutes=row.default_reminder_minutes,
        month_first=row.month_first,
    )


def _state(row: Any) -> dict[str, Any] | None:
    """The dialogue document of an arrival row (None: there is none)."""
    return None if row.state is None else dict(row.state)


def _record(row: Any) -> UserRecord:
    """A UserRecord from a Core row of users joined with user_settings."""
    return UserRecord(
        id=row.id,
        key=row.key,
        display_name=row.display_name,
        created_at=row.created_at,
        settings=UserSettings() if row.language is None else _settings(row),
    )


#: A user by key with settings and dialogue state (one statement, built once).
_ARRIVAL_QUERY = (
    select(UserRow.__table__, UserSettingsRow.__table__, DialogueStateRow.__table__.c.state)
    .outerjoin(UserSettingsRow.__table__, UserSettingsRow.user_id == UserRow.id)
    .outerjoin(DialogueStateRow.__table__, DialogueStateRow.user_id == UserRow.id)
    .where(UserRow.key == bindparam("key"))
)


@dataclass(slots=True)
class _Seen:
    """A user as read during the message being answered, with their dialogue document."""

    record: UserRecord
    state: dict[str, Any] | None
    #: False while a write of the document is under way (or failed): read it again.
    state_known: bool = True
    #: The chat the user is linked to on a channel, as read with them (None: none).
    links: dict[str, str | None] = field(default_factory=dict)


#: The users read during the message this task answers (`remembering`), by database and
#: key; None outside one.
_SEEN: ContextVar[dict[tuple[int, str], _Seen] | None] = ContextVar(
    "calendar_assistant_users_seen", default=None
)
#: The channel the message came by (`remembering`): its chat link is read with the user.
_CHANNEL: ContextVar[str | None] = ContextVar("calendar_assistant_users_channel", default=None)

#: chat_links (storage/channel_records.py, which reads what is remembered here) as far as
#: the arrival read joins it.
_LINKS = table("chat_links", column("user_id"), column("channel"), column("chat_id", String(64)))
#: The arrival read of a message that came by a channel: its chat link too.
_ARRIVAL_WITH_LINK = (
    select(
        UserRow.__table__,
        UserSettingsRow.__table__,
        DialogueStateRow.__table__.c.state,
        _LINKS.c.chat_id.label("linked_chat"),
    )
    .outerjoin(UserSettingsRow.__table__, UserSettingsRow.user_id == UserRow.id)
    .outerjoin(DialogueStateRow.__table__, DialogueStateRow.user_id == UserRow.id)
    .outerjoin(
        _LINKS, and_(_LINKS.c.user_id == UserRow.id, _LINKS.c.channel == bindparam("channel"))
    )
    .where(UserRow.key == bindparam("key"))
)


@contextlib.contextmanager
def remembering(channel: str | None = None) -> Iterator[None]:
    """Read each user (with settings and dialogue document) once for the block, however
    many parts of the answer ask: the front door, the account desk and the assistant each
    asked the database again, three to four reads a message.

    What this process changes meanwhile through `UserRepository` or
    `DialogueStateRepository` is kept up to date (or forgotten, then read again); a change
    another process commits during the block is seen by the next message, as a read at
    the block's start would have. With `channel`, the user's chat link on it is read in
    the same statement (`seen_link`). A block inside one shares the outer one's.
    """
    if _SEEN.get() is not None:
        yield
        return
    token = _SEEN.set({})
    channel_token = _CHANNEL.set(channel)
    try:
        yield
    finally:
        _CHANNEL.reset(channel_token)
        _SEEN.reset(token)


def _seen_by_key(db: Database, key: str) -> _Seen | None:
    seen = _SEEN.get()
    return None if seen is None else seen.get((id(db), key))


def _seen_by_id(db: Database, user_id: int) -> _Seen | None:
    seen = _SEEN.get()
    if seen is None:
        return None
    for (database, _), found in seen.items():
        if database == id(db) and found.record.id == user_id:
            return found
    return None


def _remember(
    db: Database,
    record: UserRecord,
    state: dict[str, Any] | None,
    links: dict[str, str | None] | None = None,
) -> None:
    seen = _SEEN.get()
    if seen is not None:
        seen[(id(db), record.key)] = _Seen(record, copy.deepcopy(state), links=links or {})


def seen_link(db: Database, user_id: int, channel: str) -> tuple[bool, str | None]:
    """The chat `remembering` read for a user on a channel: (False, None) when not read."""
    found = _seen_by_id(db, user_id)
    if found is None or channel not in found.links:
        return False, None
    return True, found.links[channel]


def see_link(db: Database, user_id: int, channel: str, chat_id: str) -> None:
    """A user's chat link on a channel as just written, if `remembering` holds the user."""
    found = _seen_by_id(db, user_id)
    if found is not None:
        found.links[channel] = chat_id


def forget_seen(db: Database, user_id: int) -> None:
    """Drop what `remembering` holds of a user (changed in a way it does not follow)."""
    seen = _SEEN.get()
    if seen is None:
        return
    for key in [k for k, found in seen.items() if k[0] == id(db) and found.record.id == user_id]:
        del seen[key]


def seen_state(db: Database, user_id: int) -> tuple[bool, dict[str, Any] | None]:
    """The dialogue document `remembering` holds for a user: (False, None) when none."""
    found = _seen_by_id(db, user_id)
    if found is None or not found.state_known:
        return False, None
    return True, copy.deepcopy(found.state)


def see_state(db: Database, user_id: int, state: dict[str, Any] | None) -> None:
    """A user's dialogue document as just written (None: deleted), if `remembering` holds
    the user."""
    found = _seen_by_id(db, user_id)
    if found is not None:
        found.state = copy.deepcopy(state)
        found.state_known = True


def state_unknown(db: Database, user_id: int) -> None:
    """A write of a user's dialogue document is under way: not known until it is done."""
    found = _seen_by_id(db, user_id)
    if found is not None:
        found.state_known = False


#: A user with settings, by key or by id (built once: every message reads its user).
_BY_KEY = (
    select(UserRow.__table__, UserSettingsRow.__table__)
    .outerjoin(UserSettingsRow.__table__, UserSettingsRow.user_id == UserRow.id)
    .where(UserRow.key == bindparam("key"))
)
_BY_ID = (
    select(UserRow.__table__, UserSettingsRow.__table__)
    .outerjoin(UserSettingsRow.__table__, UserSettingsRow.user_id == UserRow.id)
    .where(UserRow.id == bindparam("user_id"))
)
#: A first contact: the user, then their settings, in one write.
_NEW_USER = (
    insert(UserRow)
    .values(key=bindparam("key"), display_name=bindparam("display_name"))
    .returning(UserRow.id, UserRow.created_at)
)
_NEW_SETTINGS = insert(UserSettingsRow).values(
    user_id=bindparam("user_id"),
    language=bindparam("language"),
    timezone=bindparam("timezone"),
    working_hours_start=bindparam("working_hours_start"),
    working_hours_end=bindparam("working_hours_end"),
    working_days=bindparam("working_days"),
    default_duration_minutes=bindparam("default_duration_minutes"),
    default_reminder_minutes=bindparam("default_reminder_minutes"),
    month_first=bindparam("month_first"),
)


_SETTING_COLUMNS = (
    "language",
    "timezone",
    "working_hours_start",
    "working_hours_end",
    "working_days",
    "default_duration_minutes",
    "default_reminder_minutes",
    "month_first",
)


def _new_user_with_settings() -> Any:
    """PostgreSQL: `_NEW_USER` and `_NEW_SETTINGS` as one statement (one round trip)."""
    user = _NEW_USER.cte("new_user")
    settings_columns = UserSettingsRow.__table__.c
    # Cast: a parameter in a SELECT list has no type of its own (a NULL month_first would
    # be text for the boolean column).
    values = [cast(bindparam(name), settings_columns[name].type) for name in _SETTING_COLUMNS]
    settings = (
        insert(UserSettingsRow)
        .from_select(["user_id", *_SETTING_COLUMNS], select(user.c.id, *values))
        .cte("new_settings")
    )
    return select(user.c.id, user.c.created_at).add_cte(settings)


_NEW_USER_WITH_SETTINGS = _new_user_with_settings()


def _settings_values(settings: UserSettings) -> dict[str, object]:
    """The columns of user_settings for `settings` (as `_write_settings` writes them)."""
    return {
        "language": settings.language,
        "timezone": settings.timezone,
        "working_hours_start": settings.working_hours_start,
        "working_hours_end": settings.working_hours_end,
        "working_days": ",".join(str(d) for d in sorted(settings.working_days)),
        "default_duration_minutes": settings.default_duration_minutes,
        "default_reminder_minutes": settings.default_reminder_minutes,
        "month_first": settings.month_first,
    }


def _write_settings(row: UserSettingsRow, settings: UserSettings) -> None:
    for name, value in _settings_values(settings).items():
        setattr(row, name, value)


class UserRepository:
    """Users by their channel key (e.g. `telegram:42`, `cli:demo`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> UserRecord | None:
        seen = _seen_by_key(self._db, key)
        if seen is not None:
            return seen.record
        if _SEEN.get() is None:
            rows = await self._db.fetch(_BY_KEY, {"key": key})
            return _record(rows[0]) if rows else None
        # Answering a message: the dialogue document and the chat link too (the same
        # read), for what follows.
        channel = _CHANNEL.get()
        if channel is None:
            rows = await self._db.fetch(_ARRIVAL_QUERY, {"key": key})
        else:
            rows = await self._db.fetch(_ARRIVAL_WITH_LINK, {"key": key, "channel": channel})
        if not rows:
            return None
        record, state = _record(rows[0]), _state(rows[0])
        links = {} if channel is None else {channel: rows[0].linked_chat}
        _remember(self._db, record, state, links)
        return record

    async def get_by_id(self, user_id: int) -> UserRecord | None:
        rows = await self._db.fetch(_BY_ID, {"user_id": user_id})
        return _record(rows[0]) if rows else None

    async def get_or_create_with_state(
        self, key: str, display_name: str | None = None, defaults: UserSettings | None = None
    ) -> tuple[UserRecord, dict[str, Any] | None]:
        """The user as `get_or_create` gives it, and their stored dialogue state (None when
        there is none), read in one statement: this runs first on every message."""
        if not key or len(key) > 255:
            raise ValueError("a user key is 1 to 255 characters")
        seen = _seen_by_key(self._db, key)
        if seen is not None and seen.state_known:
            return seen.record, copy.deepcopy(seen.state)
        rows = await self._db.fetch(_ARRIVAL_QUERY, {"key": key})
        row = rows[0] if rows else None
        if row is None:
            return await self.get_or_create(key, display_name, defaults), None
        record, state = _record(row), _state(row)
        _remember(self._db, record, state)
        return record, copy.deepcopy(state)

    async def get_or_create(
        self, key: str, display_name: str | None = None, defaults: UserSettings | None = None
    ) -> UserRecord:
        """The user with this key, created with `defaults` on first contact (race-safe)."""
        if not key or len(key) > 255:
            raise ValueError("a user key is 1 to 255 characters")
        found = await self.get(key)
        if found is not None:
            return found
        return await self.create(key, display_name, defaults)

    async def create(
        self, key: str, display_name: str | None = None, defaults: UserSettings | None = None
    ) -> UserRecord:
        """A first contact: the user created with `defaults`, after a `get` found none. One
        write, and no read after it; a user created meanwhile by a concurrent first message
        is read instead."""
        if not key or len(key) > 255:
            raise ValueError("a user key is 1 to 255 characters")
        settings = defaults or UserSettings()
        if display_name is not None:
            display_name = display_name.strip()[:255] or None  # a channel's name, kept short
        values = _settings_values(settings)

        def create(work: Work) -> tuple[int, datetime]:
            named = {"key": key, "display_name": display_name}
            if self._db.dialect == "postgresql":
                (row,) = work.rows(_NEW_USER_WITH_SETTINGS, {**named, **values})
                return int(row[0]), row[1]
            (row,) = work.rows(_NEW_USER, named)  # inline on SQLite: no round trip
            work.execute(_NEW_SETTINGS, {"user_id": row[0], **values})
            return int(row[0]), row[1]

        try:
            user_id, created_at = await self._db.write(create)
        except exc.IntegrityError:  # created meanwhile by a concurrent first message
            found = await self.get(key)
            if found is None:  # pragma: no cover - only if deleted in between
                raise LookupError(f"user {key!r} vanished while being created") from None
            return found
        record = UserRecord(user_id, key, display_name, created_at, settings)
        channel = _CHANNEL.get()
        links: dict[str, str | None] = {} if channel is None else {channel: None}
        _remember(self._db, record, None, links)  # no dialogue document nor chat yet
        return record

    async def update_settings(self, user_id: int, **changes: object) -> UserSettings:
        """Change some settings (field names of UserSettings); returns the new settings."""
        async with self._db.transaction() as session:
            row = await session.get(UserSettingsRow, user_id, with_for_update=True)
            if row is None:
                raise LookupError(f"no user with id {user_id}")
            current = _settings(row)
            try:
                updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
            except TypeError as error:
                raise ValueError(f"unknown setting: {error}") from error
            _write_settings(row, updated)
        forget_seen(self._db, user_id)
        return updated
