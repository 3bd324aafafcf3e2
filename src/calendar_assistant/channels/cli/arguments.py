"""Reading command-line values at the boundary: zones, ISO times, languages, user names."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendar_assistant.domain.language import LANGS, Lang


class UsageError(ValueError):
    """A flag has a value the command cannot use; printed as one line, exit code 2."""


def zone_argument(value: str, flag: str = "--tz") -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(
            f"{flag}: unknown time zone {value!r} (use an IANA name such as Europe/Moscow)"
        ) from exc


def language_argument(value: str) -> Lang:
    for lang in LANGS:
        if value.strip().lower() == lang:
            return lang
    raise UsageError(f"--lang: unknown language {value!r} (use {' or '.join(LANGS)})")


def time_argument(value: str, zone: ZoneInfo, flag: str) -> datetime:
    """An ISO 8601 date or date-time; no offset means the user's zone, a date means midnight."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=zone)
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(
            f"{flag}: {value!r} is not an ISO 8601 date or time (e.g. 2026-11-24T14:00:00+03:00)"
        ) from exc
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def user_argument(value: str) -> str:
    """A user name on this machine; kept short and printable because it becomes a key."""
    name = value.strip()
    if not name or len(name) > 64 or not name.isprintable():
        raise UsageError("--user: give a short printable name, e.g. --user demo")
    return name


def user_key(name: str) -> str:
    """The stable key of a command-line user, shared by chat, events, export and import."""
    return f"cli:{name}"
