"""Editing one event id's stored state (a master and its overrides) as pure functions.

Remote calendars keep an event as one document: CalDAV as one iCalendar resource holding the
master VEVENT and its RECURRENCE-ID overrides. Every change reads the document, computes the
new one here and writes it back in one conditional request, so the scope rules (this /
following / all) live in one tested place and match the local calendar's behaviour.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.calendars.base import EventNotFound
from calendar_assistant.domain import recurrence
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.series_edits import (
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    apply_patch,
    carried_override,
    checked_reminders,
    clean_text,
    from_wall,
    is_midnight,
    moved_series,
    plain_occurrence,
    require_aware,
    series_head,
    series_tail,
    shifted,
    wall,
    wall_delta,
    zone_of,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Series:
    """Everything stored under one event id: the master and the occurrences changed alone."""

    master: Event
    overrides: tuple[Event, ...] = ()

    def events(self) -> list[Event]:
        """The snapshot form: master first, then overrides by original start, one version."""
        ordered = sorted(self.overrides, key=lambda o: _utc(o.recurrence_id or o.start))
        return [
            self.master,
            *(dataclasses.replace(o, version=self.master.version) for o in ordered),
        ]

    def listed(self, start: datetime, end: datetime) -> list[Event]:
        """Occurrences overlapping [start, end) as a calendar lists them."""
        master = self.master
        if master.rrule is None:
            return [master] if master.start < end and master.end > start else []
        overrides = [
            dataclasses.replace(
                o, rrule=master.rrule, exdates=master.exdates, version=master.version
            )
            for o in self.overrides
        ]
        return recurrence.expand_series(master, start, end, overrides)


@dataclasses.dataclass(frozen=True, slots=True)
class Change:
    """The result of an update: the changed series, a new series split off, the event shown."""

    series: Series
    result: Event
    split_off: Series | None = None


def new_event(new: NewEvent, calendar_id: str, *, canonical_rrule: bool = True) -> Event:
    """A validated event for `new` (version 1); a series starts at its first occurrence."""
    zone = zone_of(new.timezone)
    title = clean_text(new.title, "title", MAX_TITLE_CHARS)
    if title is None:
        raise ValueError("an event needs a title")
    if new.id is not None and not (0 < len(new.id) <= 255 and new.id.isprintable()):
        raise ValueError("an event id is 1 to 255 printable characters")
    start, end = new.start.astimezone(zone), new.end.astimezone(zone)
    if new.all_day and not (is_midnight(start, zone) and is_midnight(end, zone)):
        raise ValueError("an all-day event starts and ends at local midnight")
    rule = None
    if new.rrule is not None:
        rule = recurrence.validate_rrule(new.rrule)
        first = recurrence.first_occurrence(start, rule, new.timezone)
        if first is None:
            raise ValueError("the recurrence rule has no occurrence")
        if first != start:
            start, end = first, _length_from(first, start, end, zone, new.all_day)
    return Event(
        id=new.id or str(uuid.uuid4()),
        title=title,
        start=start,
        end=end,
        timezone=new.timezone,
        all_day=new.all_day,
        rrule=rule,
        location=clean_text(new.location, "location", MAX_TEXT_CHARS),
        description=clean_text(new.description, "description", MAX_TEXT_CHARS),
        attendees=tuple(new.attendees),
        reminders=checked_reminders(new.reminders),
        version=1,
        calendar_id=calendar_id,
    )


def updated(series: Series, patch: EventPatch, scope: Scope, occurrence: datetime | None) -> Change:
    """The series after `patch` at `scope`; every change bumps the master's version."""
    master = series.master
    version = master.version + 1
    if occurrence is not None:
        require_aware(occurrence, "occurrence")
    if master.rrule is None:
        changed = dataclasses.replace(apply_patch(master, patch), version=version)
        return Change(Series(changed), changed)
    if scope is not Scope.ALL and occurrence is None:
        raise ValueError("changing one occurrence needs the occurrence's start")
    if scope is Scope.THIS:
        assert occurrence is not None
        return _update_this(series, patch, occurrence)
    if scope is Scope.FOLLOWING:
        assert occurrence is not None
        if _utc(occurrence) > _utc(master.start):
            return _split(series, patch, occurrence)
    return _update_all(series, patch, occurrence)


def deleted(series: Series, scope: Scope, occurrence: datetime | None) -> Series | None:
    """The series after deleting at `scope`; None when nothing of it remains."""
    master = series.master
    if master.rrule is None or scope is Scope.ALL:
        return None
    if occurrence is None:
        raise ValueError("deleting one occurrence needs the occurrence's start")
    cut = _utc(require_aware(occurrence, "occurrence"))
    version = master.version + 1
    if scope is Scope.THIS:
        _require_occurrence(series, cut)
        return Series(
            dataclasses.replace(
                master, exdates=tuple(sorted({*master.exdates, occurrence})), version=version
            ),
            tuple(o for o in series.overrides if _rid(o) != cut),
        )
    if cut <= _utc(master.start):
        return None
    return Series(
        series_head(master, cut),
        tuple(o for o in series.overrides if _rid(o) < cut),
    )


def from_snapshot(event_id: str, snapshot: Sequence[Event]) -> Series | None:
    """The series a snapshot describes (None for an empty one), checked for consistency."""
    masters = [e for e in snapshot if e.recurrence_id is None]
    if any(e.id != event_id for e in snapshot) or (snapshot and len(masters) != 1):
        raise ValueError("a snapshot holds one master and its overrides, all of one id")
    if not snapshot:
        return None
    master = masters[0]
    overrides = tuple(
        dataclasses.replace(e, rrule=None, exdates=(), version=master.version)
        for e in snapshot
        if e.recurrence_id is not None
    )
    return Series(master, overrides)


# ---------------------------------------------------------------- scopes


def _update_this(series: Series, patch: EventPatch, occurrence: datetime) -> Change:
    master = series.master
    version = master.version + 1
    existing = _require_occurrence(series, _utc(occurrence))
    base = existing if existing is not None else plain_occurrence(master, occurrence)
    changed = dataclasses.replace(apply_patch(base, patch), rrule=None, exdates=(), version=version)
    others = tuple(o for o in series.overrides if _rid(o) != _utc(occurrence))
    new_master = dataclasses.replace(master, version=version)
    shown = dataclasses.replace(changed, rrule=master.rrule, exdates=master.exdates)
    return Change(Series(new_master, (*others, changed)), shown)


def _update_all(series: Series, patch: EventPatch, occurrence: datetime | None) -> Change:
    master = series.master
    assert master.rrule is not None
    reference = master
    if occurrence is not None:
        _require_occurrence(series, _utc(occurrence))
        reference = plain_occurrence(master, occurrence)
    edited = apply_patch(reference, patch)
    moved = moved_series(master, reference, edited, master.start, retimed=_retimes(patch))
    delta = wall_delta(reference, edited)
    new_master = dataclasses.replace(
        moved,
        version=master.version + 1,
        exdates=tuple(shifted(d, delta, master.timezone) for d in master.exdates),
    )
    overrides = tuple(carried_override(o, master, new_master, delta) for o in series.overrides)
    return Change(Series(new_master, overrides), new_master)


def _split(series: Series, patch: EventPatch, occurrence: datetime) -> Change:
    master = series.master
    assert master.rrule is not None
    cut = _utc(occurrence)
    _require_occurrence(series, cut)
    reference = plain_occurrence(master, occurrence)
    tail = series_tail(master, reference, cut)
    edited = apply_patch(reference, patch)
    moved = moved_series(tail, reference, edited, reference.start, retimed=_retimes(patch))
    delta = wall_delta(reference, edited)
    new_master = dataclasses.replace(
        moved,
        id=str(uuid.uuid4()),
        version=1,
        exdates=tuple(shifted(d, delta, master.timezone) for d in master.exdates if _utc(d) > cut),
    )
    carried = tuple(
        dataclasses.replace(
            carried_override(o, master, new_master, delta), id=new_master.id, version=1
        )
        for o in series.overrides
        if _rid(o) >= cut
    )
    head = series_head(master, cut)
    kept = tuple(o for o in series.overrides if _rid(o) < cut)
    return Change(Series(head, kept), new_master, Series(new_master, carried))


def _require_occurrence(series: Series, cut: datetime) -> Event | None:
    """The override at `cut`, or None for a plain occurrence; EventNotFound when none is there."""
    for override in series.overrides:
        if _rid(override) == cut:
            return override
    master = series.master
    assert master.rrule is not None
    excluded = {_utc(d) for d in master.exdates}
    zone = zone_of(master.timezone)
    if cut in excluded or not recurrence.is_occurrence(
        master.start, master.rrule, master.timezone, cut.astimezone(zone)
    ):
        raise EventNotFound(f"{master.id} at {cut.isoformat()}")
    return None


# ---------------------------------------------------------------- wall clock


def _retimes(patch: EventPatch) -> bool:
    return patch.start is not None or patch.end is not None


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _rid(override: Event) -> datetime:
    assert override.recurrence_id is not None
    return _utc(override.recurrence_id)


def _length_from(
    first: datetime, start: datetime, end: datetime, zone: ZoneInfo, all_day: bool
) -> datetime:
    if all_day:
        days = (wall(end, zone).date() - wall(start, zone).date()).days
        return from_wall(wall(first, zone) + timedelta(days=days), zone)
    return recurrence.plus_elapsed(first, recurrence.elapsed(start, end))
