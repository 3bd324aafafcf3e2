"""The rules of editing a recurring series in wall-clock time, shared by every calendar.

A series that moves keeps its clock time across DST ("every Monday 10:00" moved to 11:00 stays
at 11:00 in summer), and the occurrences changed on their own follow it. These rules are
pure (no I/O) so the local, CalDAV and Google calendars change series the same way; each
backend only reads and writes its own storage around them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from calendar_assistant.domain import recurrence
from calendar_assistant.domain.events import Event, EventPatch

MAX_TITLE_CHARS = 1000
MAX_TEXT_CHARS = 10_000
MAX_REMINDER_MINUTES = 4 * 7 * 24 * 60


def zone_of(name: str) -> ZoneInfo:
    """The zone called `name`; a clear ValueError, not ZoneInfo's own, for a bad name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name)") from error


def is_midnight(value: datetime, zone: ZoneInfo) -> bool:
    """Whether `value` is 00:00 in `zone`: where an all-day event may start and end."""
    return value.astimezone(zone).time() == time(0)


def wall(value: datetime, zone: ZoneInfo) -> datetime:
    """Naive local wall-clock time, for shifting a series without changing its clock time."""
    return value.astimezone(zone).replace(tzinfo=None)


def from_wall(wall_time: datetime, zone: ZoneInfo) -> datetime:
    """The aware time a wall-clock time names in `zone` (normalised through UTC)."""
    return wall_time.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def require_aware(value: datetime, what: str) -> datetime:
    """`value`, refused when naive: a naive time would be read in the server's zone."""
    if value.tzinfo is None:
        raise ValueError(f"{what} must be timezone-aware")
    return value


def clean_text(value: str | None, what: str, limit: int) -> str | None:
    """Text stripped and bounded at the boundary; blank text is no text (None)."""
    if value is None:
        return None
    text = value.strip()
    if len(text) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return text or None


def checked_reminders(values: Sequence[int]) -> tuple[int, ...]:
    """Reminders between the start and four weeks before it."""
    if any(v < 0 or v > MAX_REMINDER_MINUTES for v in values):
        raise ValueError(f"a reminder is 0 to {MAX_REMINDER_MINUTES} minutes before the event")
    return tuple(values)


def apply_patch(event: Event, patch: EventPatch) -> Event:
    """`event` with the patch's fields set; a new start alone keeps the length."""
    zone = zone_of(event.timezone)
    start = event.start
    if patch.start is not None:
        start = require_aware(patch.start, "start").astimezone(zone)
    if patch.end is not None:
        end = require_aware(patch.end, "end").astimezone(zone)
    elif event.all_day and patch.start is not None and is_midnight(start, zone):
        end = from_wall(wall(start, zone) + timedelta(days=_days(event, zone)), zone)
    else:
        end = recurrence.plus_elapsed(start, recurrence.elapsed(event.start, event.end))
    if end <= start:
        raise ValueError("an event must end after it starts")
    title = event.title
    if patch.title is not None:
        title = clean_text(patch.title, "title", MAX_TITLE_CHARS) or ""
        if not title:
            raise ValueError("an event needs a title")
    return dataclasses.replace(
        event,
        title=title,
        start=start,
        end=end,
        all_day=event.all_day and is_midnight(start, zone) and is_midnight(end, zone),
        location=(
            event.location
            if patch.location is None
            else clean_text(patch.location, "location", MAX_TEXT_CHARS)
        ),
        description=(
            event.description
            if patch.description is None
            else clean_text(patch.description, "description", MAX_TEXT_CHARS)
        ),
        reminders=event.reminders
        if patch.reminders is None
        else checked_reminders(patch.reminders),
        attendees=event.attendees if patch.attendees is None else tuple(patch.attendees),
    )


def _days(event: Event, zone: ZoneInfo) -> int:
    return max(1, (wall(event.end, zone).date() - wall(event.start, zone).date()).days)


def wall_delta(before: Event, after: Event) -> timedelta:
    """How far an edit moved an event's start on the wall clock of its zone."""
    zone = zone_of(before.timezone)
    return wall(after.start, zone) - wall(before.start, zone)


def shifted(value: datetime, delta: timedelta, tz: str) -> datetime:
    """`value` moved by `delta` of wall-clock time in zone `tz`."""
    zone = zone_of(tz)
    return from_wall(wall(value, zone) + delta, zone)


def plain_occurrence(master: Event, original: datetime) -> Event:
    """The plain (not overridden) occurrence of `master` starting at `original`."""
    zone = zone_of(master.timezone)
    begin = original.astimezone(zone)
    if master.all_day:
        days = (wall(master.end, zone).date() - wall(master.start, zone).date()).days
        finish = from_wall(wall(begin, zone) + timedelta(days=max(1, days)), zone)
    else:
        finish = recurrence.plus_elapsed(begin, recurrence.elapsed(master.start, master.end))
    return dataclasses.replace(master, start=begin, end=finish, recurrence_id=begin)


def moved_series(
    series: Event, reference: Event, edited: Event, series_start: datetime, *, retimed: bool
) -> Event:
    """The series moved as an edit moved one occurrence of it.

    `reference` is that occurrence before the edit, `edited` after it (the backend applies
    the patch with its own validation); `retimed` says whether the patch set a start or an
    end, in which case the series takes the edited length. The series starts at
    `series_start` moved by the same wall-clock difference, and its rule follows the new day.
    """
    assert series.rrule is not None
    zone = zone_of(series.timezone)
    delta = wall_delta(reference, edited)
    start = from_wall(wall(series_start, zone) + delta, zone)
    if retimed:
        all_day = edited.all_day
        length = recurrence.elapsed(edited.start, edited.end)
    else:
        all_day = series.all_day
        length = recurrence.elapsed(series.start, series.end)
    if all_day:
        days = max(1, round(length / timedelta(days=1)))
        end = from_wall(wall(start, zone) + timedelta(days=days), zone)
    else:
        end = recurrence.plus_elapsed(start, length)
    rule = recurrence.follow_start(series.rrule, series_start, start, series.timezone)
    return dataclasses.replace(
        edited,
        id=series.id,
        start=start,
        end=end,
        all_day=all_day,
        rrule=rule,
        exdates=series.exdates,
        recurrence_id=None,
        version=series.version,
    )


def series_head(master: Event, cut: datetime) -> Event:
    """What stays of a series when it is edited or deleted from the occurrence at `cut` on:
    the series ended before it, its later EXDATEs dropped, its version bumped."""
    assert master.rrule is not None
    return dataclasses.replace(
        master,
        rrule=recurrence.end_before(master.rrule, cut),
        exdates=tuple(d for d in master.exdates if d.astimezone(UTC) < cut),
        version=master.version + 1,
    )


def series_tail(master: Event, reference: Event, cut: datetime) -> Event:
    """The series from occurrence `reference` (originally at `cut`) on, before the edit that
    splits it off: a COUNT rule keeps only the occurrences left."""
    assert master.rrule is not None
    rule = master.rrule
    total = recurrence.count_of(rule)
    if total is not None:
        before = recurrence.count_before(master.start, rule, master.timezone, cut)
        rule = recurrence.with_count(rule, max(1, total - before))
    return dataclasses.replace(master, start=reference.start, end=reference.end, rrule=rule)


def carried_override(override: Event, old: Event, new: Event, delta: timedelta) -> Event:
    """An override after its series changed: its occurrence id moves with the series, and
    fields it shared with the old series take the new series' values."""
    assert override.recurrence_id is not None
    rid = shifted(override.recurrence_id, delta, override.timezone)
    start, end = override.start, override.end
    if start == override.recurrence_id:  # not rescheduled on its own: it moves with the series
        own = recurrence.elapsed(override.start, override.end)
        if own == recurrence.elapsed(old.start, old.end):
            own = recurrence.elapsed(new.start, new.end)
        start, end = rid, recurrence.plus_elapsed(rid, own)
    return dataclasses.replace(
        override,
        start=start,
        end=end,
        recurrence_id=rid,
        title=new.title if override.title == old.title else override.title,
        location=new.location if override.location == old.location else override.location,
        description=(
            new.description if override.description == old.description else override.description
        ),
        attendees=new.attendees if override.attendees == old.attendees else override.attendees,
        reminders=new.reminders if override.reminders == old.reminders else override.reminders,
        version=new.version,
    )
