"""The local calendar: one user's events in the assistant's own database.

A recurring series is one master row (with RRULE and EXDATEs) plus override rows for the
occurrences changed on their own (RFC 5545 RECURRENCE-ID). Every method is one
transaction; every query carries the user's id, so users never see each other's events.
The compiled statements are in `queries`, the conversion between rows and events in `rows`.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from calendar_assistant.calendars.base import (
    CalendarError,
    Capabilities,
    EventNotFound,
    VersionConflict,
)
from calendar_assistant.calendars.local.queries import (
    CHANGES_QUERY,
    DELETE_EVENT,
    INSERT_EVENT,
    LIST_QUERY,
    MASTER_ID_QUERY,
    SERIES_ROWS_QUERY,
    SINGLE_TIMES_QUERY,
    VERSION_QUERY,
    instants,
    merged_spans,
    spliced,
    touched,
)
from calendar_assistant.calendars.local.rows import columns_of, event_of
from calendar_assistant.domain import recurrence
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.intervals import Interval
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
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.lanes import Work
from calendar_assistant.storage.models import EventRow

MAX_ATTENDEES = 200
#: A window's events are kept between reads only when there are at most this many (a
#: day's or a week's; a year's would hold thousands of events in memory per window).
KEPT_EVENTS_AT_MOST = 200
# Events lie in these years: far enough for any calendar, and every computation stays in
# range (a datetime near year 1 or 9999 overflows when moved between zones).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class DuplicateEvent(CalendarError):
    """An event with the requested id exists already (e.g. an ICS file imported twice)."""

    def __init__(self, event_id: str) -> None:
        super().__init__(f"an event with id {event_id!r} exists already")
        self.event_id = event_id


def _clamped(value: datetime, what: str) -> datetime:
    """A range bound inside the years events may have (datetime.min and .max included)."""
    require_aware(value, what)
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        return EARLIEST if value.year < 2000 else LATEST
    return min(max(utc, EARLIEST), LATEST)


def _in_years(value: datetime) -> datetime:
    """An event time, refused outside the years events may have."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = EARLIEST - timedelta(days=1)
    if not EARLIEST <= utc < LATEST:
        raise ValueError(f"event times must lie between {EARLIEST.year} and {LATEST.year}")
    return value


@dataclasses.dataclass(slots=True)
class _BusyRead:
    """What `LocalCalendar._read_busy` read: the calendar's version, and the rows of
    `region` (None: nothing read, the kept busy times hold)."""

    version: int
    region: tuple[datetime, datetime] | None
    singles: Sequence[Sequence[Any]] = ()
    series: Sequence[Any] = ()


class LocalCalendar:
    """The CalendarBackend kept in our database, for the user with id `user_id`."""

    def __init__(self, db: Database, user_id: int, *, calendar_id: str = "local") -> None:
        self._db = db
        self._user_id = user_id
        self._calendar_id = calendar_id

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities()

    # ----------------------------------------------------------------- reading

    async def list_events(self, start: datetime, end: datetime) -> list[Event]:
        """Events overlapping [start, end), series expanded, sorted by start."""
        start, end = _clamped(start, "range start"), _clamped(end, "range end")
        if end < start:
            raise ValueError("the range ends before it starts")
        if end == start:
            return []
        parameters = self._window(start, end)
        if self._db.dialect != "sqlite":  # no versions: always read
            return self._listed(await self._db.fetch(LIST_QUERY, parameters), start, end)
        # The same window asked again with nothing in it changed since (a day or a week
        # looked at again, the web page's week fetched again): the events found last time.
        key = ("list_events", self._user_id, self._calendar_id, start, end)
        kept: tuple[int, tuple[Event, ...]] | None = self._db.memo.get(key)

        def read(work: Work) -> tuple[int, Sequence[Any] | None]:
            version, region = self._moved_since(work, None if kept is None else kept[0], start, end)
            return version, None if region is None else work.rows(LIST_QUERY, parameters)

        keepable, (version, rows) = await self._db.read_keepable(read)
        if rows is None:
            assert kept is not None
            return list(kept[1])
        found = self._listed(rows, start, end)
        if keepable and len(found) <= KEPT_EVENTS_AT_MOST:
            self._db.remember(key, version, tuple(found))
        return found

    def _listed(self, rows: Sequence[Any], start: datetime, end: datetime) -> list[Event]:
        """The events of `rows` (a window's) in [start, end), sorted by start."""
        found = self._expanded(rows, start, end)
        found.sort(key=lambda e: (e.start, e.end, e.title, e.id))
        return found

    def _window(self, start: datetime, end: datetime) -> dict[str, Any]:
        return {
            "user_id": self._user_id,
            "calendar_id": self._calendar_id,
            "window_start": start,
            "window_end": end,
        }

    def _expanded(self, rows: Sequence[Any], start: datetime, end: datetime) -> list[Event]:
        """The events of `rows` (masters and overrides) inside [start, end), series expanded."""
        found: list[Event] = []
        for master, replaced in self._series_of(rows):
            if master.rrule is None:
                if master.start < end and master.end > start:
                    found.append(master)
                continue
            found.extend(recurrence.expand_series(master, start, end, replaced))
        return found

    def _busy_spans(
        self, rows: Sequence[Any], start: datetime, end: datetime
    ) -> list[tuple[datetime, datetime]]:
        """The times `_expanded` would give, without an Event per occurrence."""
        spans: list[tuple[datetime, datetime]] = []
        for master, replaced in self._series_of(rows):
            if master.rrule is None:
                if master.start < end and master.end > start:
                    spans.append((master.start, master.end))
                continue
            spans.extend(recurrence.series_busy(master, start, end, replaced))
        return spans

    def _series_of(self, rows: Sequence[Any]) -> Iterator[tuple[Event, list[Event]]]:
        """Each master of `rows` with its overrides (as events of the series)."""
        masters: dict[str, Any] = {}
        overrides: dict[str, list[Any]] = {}
        for row in rows:
            if row.recurrence_id_utc is None:
                masters[row.event_id] = row
            else:
                overrides.setdefault(row.event_id, []).append(row)
        for row in masters.values():
            master = event_of(row)
            if row.rrule is None:
                yield master, []
                continue
            replaced = [
                dataclasses.replace(
                    event_of(o, version=row.version), rrule=row.rrule, exdates=master.exdates
                )
                for o in overrides.get(row.event_id, [])
            ]
            yield master, replaced

    async def get_event(self, event_id: str) -> Event | None:
        """The stored event; for a series, its master (first occurrence, RRULE, EXDATEs)."""
        query = select(EventRow.__table__).where(
            self._mine(), EventRow.event_id == event_id, EventRow.recurrence_id_utc.is_(None)
        )
        async with self._db.reading() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else event_of(row)

    async def free_busy(self, start: datetime, end: datetime) -> list[Interval]:
        """Busy time inside [start, end), merged; all-day events count as busy."""
        start, end = _clamped(start, "range start"), _clamped(end, "range end")
        if end < start:
            raise ValueError("the range ends before it starts")
        if end == start:
            return []
        if self._db.dialect != "sqlite":  # no versions: always read (one snapshot)
            singles, series = await self._db.read(
                lambda work: self._busy_rows(work, start, end), snapshot=True
            )
            return self._busy(singles, series, start, end)
        # The same window asked again (a month's free slots looked at twice, another length
        # asked for): the busy times found last time, mended where this calendar changed
        # since (`_read_busy`), as they stood at the calendar's version then.
        key = ("free_busy", self._user_id, self._calendar_id, start, end)
        kept: tuple[int, tuple[Interval, ...]] | None = self._db.memo.get(key)
        keepable, read = await self._db.read_keepable(
            lambda work: self._read_busy(work, kept, start, end)
        )
        if read.region is None:
            assert kept is not None
            busy = kept[1]
        else:
            fresh = self._busy(read.singles, read.series, *read.region)
            if kept is None or read.region == (start, end):
                busy = tuple(fresh)
            else:
                busy = tuple(spliced(kept[1], *read.region, fresh))
        if keepable:
            self._db.remember(key, read.version, busy)
        return list(busy)

    def _read_busy(
        self,
        work: Work,
        kept: tuple[int, tuple[Interval, ...]] | None,
        start: datetime,
        end: datetime,
    ) -> _BusyRead:
        """In one snapshot: the calendar's version and the rows of what the busy times
        `kept` (read at their version) no longer say: nothing when the version is theirs,
        the part the changes since touched, or the whole window (nothing kept, or changes
        too many to be logged still)."""
        version, region = self._moved_since(work, None if kept is None else kept[0], start, end)
        if region is None:
            return _BusyRead(version, None)
        singles, series = self._busy_rows(work, *region)
        return _BusyRead(version, region, singles, series)

    def _moved_since(
        self, work: Work, since: int | None, start: datetime, end: datetime
    ) -> tuple[int, tuple[datetime, datetime] | None]:
        """The calendar's version, and the part of [start, end) that changed after version
        `since` (migration 0010's log): None when none of it did, the whole window when
        nothing was kept (`since` None) or the log has lost rows since."""
        ids = {"user_id": self._user_id, "calendar_id": self._calendar_id}
        rows = work.raw(VERSION_QUERY, ids)
        version = int(rows[0][0]) if rows else 0
        if since is None:
            return version, (start, end)
        if version == since:
            return version, None
        changes = work.raw(CHANGES_QUERY, ids | {"since": since})
        # One logged row per move of the counter: fewer, and older ones were pruned.
        if len(changes) != version - since:
            return version, (start, end)
        return version, touched(changes, start, end)

    def _busy_rows(
        self, work: Work, start: datetime, end: datetime
    ) -> tuple[Sequence[Sequence[Any]], Sequence[Any]]:
        """Free/busy's two statements for [start, end): single events' times, series rows."""
        parameters = self._window(start, end)
        return work.raw(SINGLE_TIMES_QUERY, parameters), work.rows(SERIES_ROWS_QUERY, parameters)

    def _busy(
        self,
        singles: Sequence[Sequence[Any]],
        series: Sequence[Any],
        start: datetime,
        end: datetime,
    ) -> list[Interval]:
        """Merged busy times of the rows `free_busy` read, clipped to [start, end)."""
        times = instants(merged_spans(singles))
        if series:
            # In UTC like the rest: equal tzinfo makes comparing cheap, and the sort merges
            # two ordered runs.
            times.extend(
                sorted(
                    (first.astimezone(UTC), last.astimezone(UTC))
                    for first, last in self._busy_spans(series, start, end)
                )
            )
            times.sort()
            times = merged_spans(times)
        # Merged spans are disjoint and ordered: only the outer two can stick out.
        if times and times[0][0] < start:
            times[0] = (start, times[0][1])
        if times and times[-1][1] > end:
            times[-1] = (times[-1][0], end)
        # Merged: aware and in order already.
        return [Interval.ordered(first, last) for first, last in times]

    async def snapshot(self, event_id: str) -> list[Event]:
        """The master and its overrides as stored (overrides without RRULE), for undo."""
        query = select(EventRow.__table__).where(self._mine(), EventRow.event_id == event_id)
        async with self._db.reading() as connection:
            rows = list((await connection.execute(query)).all())
        master = next((r for r in rows if r.recurrence_id_utc is None), None)
        if master is None:
            return []
        result = [event_of(master)]
        result.extend(
            event_of(r, version=master.version)
            for r in sorted(rows, key=lambda r: r.recurrence_id_utc or r.start_utc)
            if r.recurrence_id_utc is not None
        )
        return result

    # ----------------------------------------------------------------- writing

    async def create_event(self, new: NewEvent) -> Event:
        """Store a new event; a series starts at its first occurrence on or after `start`."""
        zone = zone_of(new.timezone)
        title = clean_text(new.title, "title", MAX_TITLE_CHARS)
        if title is None:
            raise ValueError("an event needs a title")
        if new.id is not None and not 0 < len(new.id) <= 255:
            raise ValueError("an event id is 1 to 255 characters")
        start = _in_years(new.start).astimezone(zone)
        end = _in_years(new.end).astimezone(zone)
        if new.all_day and not (is_midnight(start, zone) and is_midnight(end, zone)):
            raise ValueError("an all-day event starts and ends at local midnight")
        rule = None
        if new.rrule is not None:
            rule = recurrence.validate_rrule(new.rrule)
            first = recurrence.first_occurrence(start, rule, new.timezone)
            if first is None:
                raise ValueError("the recurrence rule has no occurrence")
            if first != start:
                start, end = self._moved(start, end, first, zone, new.all_day)
        event = Event(
            id=new.id or str(uuid.uuid4()),
            title=title,
            start=start,
            end=end,
            timezone=new.timezone,
            all_day=new.all_day,
            rrule=rule,
            location=clean_text(new.location, "location", MAX_TEXT_CHARS),
            description=clean_text(new.description, "description", MAX_TEXT_CHARS),
            attendees=_attendees(new.attendees),
            reminders=checked_reminders(new.reminders),
            version=1,
            calendar_id=self._calendar_id,
        )
        values = self._values(event)
        key = {"user_id": self._user_id, "calendar_id": self._calendar_id, "event_id": event.id}

        def create(work: Work) -> None:
            # An id given (an import, an undone delete) may be taken: looked for first, as a
            # failed insert would end the whole unit of work on PostgreSQL. One made here
            # (a new UUID) cannot be: no read.
            if new.id is not None and work.rows(MASTER_ID_QUERY, key):
                raise DuplicateEvent(event.id)
            work.execute(INSERT_EVENT, values)

        try:
            await self._db.write(create)  # one hand-off on SQLite
        except IntegrityError as error:  # the same id created concurrently
            raise DuplicateEvent(event.id) from error
        return event

    async def update_event(
        self,
        event_id: str,
        patch: EventPatch,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> Event:
        """Change an event or part of a series (THIS: an override; FOLLOWING: a split).

        A new `start` without `end` keeps the length. For ALL and FOLLOWING the series moves
        by the wall-clock difference the patch makes to the named occurrence (or to the
        first one), so "every Monday 10:00" moved to 11:00 stays at 11:00 across DST.
        Returns the changed event: the master, the override, or the new series' master.
        """
        if occurrence is not None:
            require_aware(occurrence, "occurrence")
        async with self._db.transaction() as session:
            row = await self._checked_master(session, event_id, expected_version)
            master = event_of(row)
            if master.rrule is None:
                updated = _apply(master, patch)
                updated = dataclasses.replace(updated, version=master.version + 1)
                self._write(row, updated)
                return updated
            overrides = [o for o in await self._rows(session, event_id) if o is not row]
            if scope is not Scope.ALL and occurrence is None:
                raise ValueError("changing one occurrence needs the occurrence's start")
            if scope is Scope.THIS:
                assert occurrence is not None
                return await self._update_this(session, row, master, overrides, patch, occurrence)
            if scope is Scope.FOLLOWING:
                assert occurrence is not None
                if occurrence.astimezone(UTC) > master.start.astimezone(UTC):
                    return await self._split(session, row, master, overrides, patch, occurrence)
            return self._update_all(session, row, master, overrides, patch, occurrence)

    async def delete_event(
        self,
        event_id: str,
        *,
        scope: Scope = Scope.ALL,
        occurrence: datetime | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Delete an event, one occurrence (an EXDATE), this and following (UNTIL), or all."""
        if occurrence is not None:
            require_aware(occurrence, "occurrence")
        async with self._db.transaction() as session:
            row = await self._checked_master(session, event_id, expected_version)
            master = event_of(row)
            if master.rrule is not None and scope is not Scope.ALL:
                if occurrence is None:
                    raise ValueError("deleting one occurrence needs the occurrence's start")
                cut = occurrence.astimezone(UTC)
                if scope is Scope.THIS:
                    rows = await self._rows(session, event_id)
                    _, original = self._require_occurrence(master, rows, cut)
                    exdates = tuple(sorted({*master.exdates, original}))
                    await self._delete_overrides(session, event_id, only=original)
                    updated = dataclasses.replace(
                        master, exdates=exdates, version=master.version + 1
                    )
                    others = [r for r in rows if r is not row and r.recurrence_id_utc != original]
                    if others or _has_occurrences(updated):
                        self._write(row, updated)
                        return
                    # The last occurrence went: the series goes whole, leaving no empty master.
                    await session.execute(
                        delete(EventRow).where(self._mine(), EventRow.event_id == event_id)
                    )
                    return
                if cut > master.start.astimezone(UTC):
                    await self._delete_overrides(session, event_id, from_=cut)
                    self._write(row, series_head(master, cut))
                    return
            await session.execute(
                delete(EventRow).where(self._mine(), EventRow.event_id == event_id)
            )

    async def restore(self, event_id: str, snapshot: list[Event]) -> None:
        """Make `event_id` exactly what `snapshot` holds (versions included); [] removes it."""
        masters = [e for e in snapshot if e.recurrence_id is None]
        if any(e.id != event_id for e in snapshot) or (snapshot and len(masters) != 1):
            raise ValueError("a snapshot holds one master and its overrides, all of one id")
        rows = [
            self._values(dataclasses.replace(event, version=masters[0].version))
            for event in snapshot
        ]
        key = {"user_id": self._user_id, "calendar_id": self._calendar_id, "event_id": event_id}

        def restore(work: Work) -> None:
            work.execute(DELETE_EVENT, key)
            for values in rows:
                work.execute(INSERT_EVENT, values)

        await self._db.write(restore)

    # ----------------------------------------------------------------- series changes

    async def _update_this(
        self,
        session: AsyncSession,
        row: EventRow,
        master: Event,
        overrides: list[EventRow],
        patch: EventPatch,
        occurrence: datetime,
    ) -> Event:
        existing, original = self._require_occurrence(master, overrides, occurrence.astimezone(UTC))
        base = event_of(existing) if existing is not None else plain_occurrence(master, original)
        changed = _apply(base, patch)
        changed = dataclasses.replace(changed, version=master.version + 1)
        if existing is not None:
            self._write(existing, dataclasses.replace(changed, rrule=None, exdates=()))
        else:
            session.add(self._row(dataclasses.replace(changed, rrule=None, exdates=())))
        self._write(row, dataclasses.replace(master, version=master.version + 1))
        return dataclasses.replace(changed, rrule=master.rrule, exdates=master.exdates)

    def _update_all(
        self,
        session: AsyncSession,
        row: EventRow,
        master: Event,
        overrides: list[EventRow],
        patch: EventPatch,
        occurrence: datetime | None,
    ) -> Event:
        del session
        # The patch says where the named occurrence goes; the series moves by as much.
        reference = master
        if occurrence is not None:
            _, original = self._require_occurrence(master, overrides, occurrence.astimezone(UTC))
            reference = plain_occurrence(master, original)
        edited = _apply(reference, patch)
        moved = moved_series(master, reference, edited, master.start, retimed=_retimes(patch))
        assert moved.rrule is not None
        updated = dataclasses.replace(moved, version=master.version + 1)
        delta = wall_delta(reference, edited)
        exdates = tuple(shifted(d, delta, updated.timezone) for d in master.exdates)
        updated = dataclasses.replace(updated, exdates=exdates)
        self._write(row, updated)
        for override in overrides:
            self._write(override, carried_override(event_of(override), master, updated, delta))
        return updated

    async def _split(
        self,
        session: AsyncSession,
        row: EventRow,
        master: Event,
        overrides: list[EventRow],
        patch: EventPatch,
        occurrence: datetime,
    ) -> Event:
        assert master.rrule is not None
        _, cut = self._require_occurrence(master, overrides, occurrence.astimezone(UTC))
        reference = plain_occurrence(master, cut)
        tail = series_tail(master, reference, cut)
        edited = _apply(reference, patch)
        moved = moved_series(tail, reference, edited, reference.start, retimed=_retimes(patch))
        delta = wall_delta(reference, edited)
        new_series = dataclasses.replace(
            moved,
            id=str(uuid.uuid4()),
            version=1,
            exdates=tuple(
                shifted(d, delta, master.timezone)
                for d in master.exdates
                if d.astimezone(UTC) > cut
            ),
        )
        session.add(self._row(new_series))
        for override in overrides:
            rid = override.recurrence_id_utc
            assert rid is not None
            if rid >= cut:
                carried = carried_override(event_of(override), master, new_series, delta)
                self._write(override, dataclasses.replace(carried, id=new_series.id, version=1))
        self._write(row, series_head(master, cut))
        return new_series

    def _require_occurrence(
        self, master: Event, rows: Sequence[EventRow], cut: datetime
    ) -> tuple[EventRow | None, datetime]:
        """The occurrence `cut` names: its override row (None for a plain occurrence) and its
        original start. `cut` is the original start, or the new start of a moved occurrence.

        Raises EventNotFound when the series has no such occurrence.
        """
        for r in rows:
            if r.recurrence_id_utc is not None and r.recurrence_id_utc == cut:
                return r, cut
        assert master.rrule is not None
        excluded = {d.astimezone(UTC) for d in master.exdates}
        if cut not in excluded and recurrence.is_occurrence(
            master.start, master.rrule, master.timezone, cut.astimezone(zone_of(master.timezone))
        ):
            return None, cut
        for r in rows:
            if r.recurrence_id_utc is not None and r.start_utc == cut:
                return r, r.recurrence_id_utc
        raise EventNotFound(f"{master.id} at {cut.isoformat()}")

    def _moved(
        self, start: datetime, end: datetime, first: datetime, zone: ZoneInfo, all_day: bool
    ) -> tuple[datetime, datetime]:
        if all_day:
            days = (wall(end, zone).date() - wall(start, zone).date()).days
            return first, from_wall(wall(first, zone) + timedelta(days=days), zone)
        return first, recurrence.plus_elapsed(first, recurrence.elapsed(start, end))

    # ----------------------------------------------------------------- rows

    def _mine(self) -> ColumnElement[bool]:
        """The condition on every statement: this user's rows of this calendar only."""
        return and_(EventRow.user_id == self._user_id, EventRow.calendar_id == self._calendar_id)

    async def _master(self, session: AsyncSession, event_id: str, *, lock: bool) -> EventRow | None:
        query = select(EventRow).where(
            self._mine(),
            EventRow.event_id == event_id,
            EventRow.recurrence_id_utc.is_(None),
        )
        if lock:
            query = query.with_for_update()
        row: EventRow | None = await session.scalar(query)
        return row

    async def _checked_master(
        self, session: AsyncSession, event_id: str, expected_version: int | None
    ) -> EventRow:
        row = await self._master(session, event_id, lock=True)
        if row is None:
            raise EventNotFound(event_id)
        if expected_version is not None and row.version != expected_version:
            raise VersionConflict(event_of(row))
        return row

    async def _rows(self, session: AsyncSession, event_id: str) -> list[EventRow]:
        return list(
            await session.scalars(
                select(EventRow).where(self._mine(), EventRow.event_id == event_id)
            )
        )

    async def _delete_overrides(
        self,
        session: AsyncSession,
        event_id: str,
        *,
        only: datetime | None = None,
        from_: datetime | None = None,
    ) -> None:
        query = delete(EventRow).where(
            self._mine(),
            EventRow.event_id == event_id,
            EventRow.recurrence_id_utc.is_not(None),
        )
        if only is not None:
            query = query.where(EventRow.recurrence_id_utc == only)
        if from_ is not None:
            query = query.where(EventRow.recurrence_id_utc >= from_)
        await session.execute(query)

    def _row(self, event: Event) -> EventRow:
        row = EventRow(id=str(uuid.uuid4()), user_id=self._user_id)
        self._write(row, event)
        return row

    def _write(self, row: EventRow, event: Event) -> None:
        for name, value in columns_of(event, self._calendar_id).items():
            setattr(row, name, value)

    def _values(self, event: Event) -> dict[str, Any]:
        """Every column of a new row for `event` (as `_row` makes it), for `INSERT_EVENT`."""
        return {"id": str(uuid.uuid4()), "user_id": self._user_id} | columns_of(
            event, self._calendar_id
        )


def _has_occurrences(series: Event) -> bool:
    """Whether a series still has an occurrence (one with no end always has)."""
    assert series.rrule is not None
    last = recurrence.last_occurrence(series.start, series.rrule, series.timezone)
    if last is None:  # no end, or too many to count: certainly some left
        return True
    return bool(
        recurrence.occurrence_starts(
            series.start,
            series.rrule,
            series.timezone,
            after=series.start,
            before=last + timedelta(seconds=1),
            exdates=series.exdates,
        )
    )


def _attendees(values: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(v.strip() for v in values if v.strip())
    if len(cleaned) > MAX_ATTENDEES or any(len(v) > 320 for v in cleaned):
        raise ValueError(f"an event has at most {MAX_ATTENDEES} attendees of 320 characters")
    return cleaned


def _apply(event: Event, patch: EventPatch) -> Event:
    """The shared `apply_patch` within this calendar's own bounds: stored years, attendees."""
    if patch.start is not None:
        _in_years(require_aware(patch.start, "start"))
    if patch.end is not None:
        _in_years(require_aware(patch.end, "end"))
    changed = apply_patch(event, patch)
    if patch.attendees is None:
        return changed
    return dataclasses.replace(changed, attendees=_attendees(patch.attendees))


def _retimes(patch: EventPatch) -> bool:
    return patch.start is not None or patch.end is not None
