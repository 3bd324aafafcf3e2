"""The compiled statements of the local calendar and the merging of busy times they feed.

Built once at import: a window's events and its free/busy run on almost every message, and
`tests/storage/test_query_plans.py` checks each is served by its index.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    type_coerce,
)

from calendar_assistant.domain.intervals import Interval
from calendar_assistant.storage.models import EventRow, UTCDateTime

#: The columns `event_of` and `LocalCalendar._series_of` read: a window's reads skip the rest (the row's own
#: id and user, the span end, the two stamps), each of them a conversion per row.
EVENT_COLUMNS = tuple(
    EventRow.__table__.c[name]
    for name in (
        "event_id",
        "recurrence_id_utc",
        "calendar_id",
        "title",
        "start_utc",
        "end_utc",
        "timezone",
        "all_day",
        "rrule",
        "exdates",
        "location",
        "description",
        "attendees",
        "reminders",
        "version",
    )
)


def _list_query() -> Select[Any]:
    """One statement (one consistent read) for a window: the rows in it, every override of a
    series in it, and the master of an override moved into it. Built once: it runs on
    almost every message."""
    mine = and_(
        EventRow.user_id == bindparam("user_id"),
        EventRow.calendar_id == bindparam("calendar_id"),
    )
    in_window = and_(
        EventRow.start_utc < bindparam("window_end", type_=UTCDateTime()),
        or_(
            EventRow.span_end_utc.is_(None),
            EventRow.span_end_utc > bindparam("window_start", type_=UTCDateTime()),
        ),
    )
    series_here = select(EventRow.event_id).where(
        mine, in_window, EventRow.recurrence_id_utc.is_(None), EventRow.rrule.is_not(None)
    )
    moved_here = select(EventRow.event_id).where(
        mine, in_window, EventRow.recurrence_id_utc.is_not(None)
    )
    return select(*EVENT_COLUMNS).where(
        mine,
        or_(
            in_window,
            and_(EventRow.recurrence_id_utc.is_not(None), EventRow.event_id.in_(series_here)),
            and_(EventRow.recurrence_id_utc.is_(None), EventRow.event_id.in_(moved_here)),
        ),
    )


LIST_QUERY = _list_query()


def _busy_queries() -> tuple[Select[str, str], Select[Any]]:
    """The two statements of free/busy for a window, each served by its own index (0003).

    The first gives start and end of the single events in start order, as the driver
    returns them: fixed-width UTC text on SQLite (which orders like the instants), aware
    datetimes on PostgreSQL. Skipping the per-value conversion is what makes a month of
    10,000 events cheap; only merged boundaries are converted. The second gives every row
    of the series (masters and all their overrides) that have a row in the window.
    """
    mine = and_(
        EventRow.user_id == bindparam("user_id"),
        EventRow.calendar_id == bindparam("calendar_id"),
    )
    starts_before_end = EventRow.start_utc < bindparam("window_end", type_=UTCDateTime())
    # Written as the partial indexes' conditions are, so SQLite can use them.
    single = and_(EventRow.rrule.is_(None), EventRow.recurrence_id_utc.is_(None))
    of_series = or_(EventRow.rrule.is_not(None), EventRow.recurrence_id_utc.is_not(None))
    singles = (
        select(
            type_coerce(EventRow.start_utc, String()).label("start"),
            type_coerce(EventRow.end_utc, String()).label("end"),
        )
        .where(
            mine,
            single,
            starts_before_end,
            EventRow.end_utc > bindparam("window_start", type_=UTCDateTime()),
        )
        .order_by(EventRow.start_utc)
    )
    series_here = select(EventRow.event_id).where(
        mine,
        of_series,
        starts_before_end,
        or_(
            EventRow.span_end_utc.is_(None),
            EventRow.span_end_utc > bindparam("window_start", type_=UTCDateTime()),
        ),
    )
    series = select(*EVENT_COLUMNS).where(mine, EventRow.event_id.in_(series_here))
    return singles, series


SINGLE_TIMES_QUERY, SERIES_ROWS_QUERY = _busy_queries()

#: SQLite only (migration 0009): a counter per calendar that triggers on `events` move in
#: the transaction of every change to the calendar's rows, whoever makes it.
_CALENDAR_VERSIONS = Table(
    "calendar_versions",
    MetaData(),
    Column("user_id", Integer, primary_key=True),
    Column("calendar_id", String(255), primary_key=True),
    Column("version", Integer, nullable=False),
)
VERSION_QUERY = select(_CALENDAR_VERSIONS.c.version).where(
    _CALENDAR_VERSIONS.c.user_id == bindparam("user_id"),
    _CALENDAR_VERSIONS.c.calendar_id == bindparam("calendar_id"),
)
#: SQLite only (migration 0010): the span each move of that counter changed, one row per
#: move, the last 64 of each calendar kept.
_CALENDAR_CHANGES = Table(
    "calendar_changes",
    MetaData(),
    Column("user_id", Integer, primary_key=True),
    Column("calendar_id", String(255), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("start_utc", String, nullable=False),
    Column("end_utc", String),
)
#: The spans changed after version `since`, as stored (UTC text; no end: up to any time).
CHANGES_QUERY = select(_CALENDAR_CHANGES.c.start_utc, _CALENDAR_CHANGES.c.end_utc).where(
    _CALENDAR_CHANGES.c.user_id == bindparam("user_id"),
    _CALENDAR_CHANGES.c.calendar_id == bindparam("calendar_id"),
    _CALENDAR_CHANGES.c.version > bindparam("since"),
)

_EVENTS = cast(Table, EventRow.__table__)
_KEY = and_(
    _EVENTS.c.user_id == bindparam("user_id"),
    _EVENTS.c.calendar_id == bindparam("calendar_id"),
    _EVENTS.c.event_id == bindparam("event_id"),
)
#: The row id of an event's master (or single row), if it is stored.
MASTER_ID_QUERY = select(_EVENTS.c.id).where(_KEY, _EVENTS.c.recurrence_id_utc.is_(None))
#: An event with all its rows (a series' master and overrides).
DELETE_EVENT = delete(_EVENTS).where(_KEY)
#: A new row, every column given (`LocalCalendar._values`); the stamps are the database's.
INSERT_EVENT = insert(_EVENTS).values(
    {
        column.name: bindparam(column.name, type_=column.type)
        for column in _EVENTS.columns
        if column.name not in ("created_at", "updated_at")
    }
)


def _instant(value: str | datetime) -> datetime:
    """A UTC instant from a stored time as the driver returned it (text or datetime)."""
    if isinstance(value, str):
        # Naive UTC text on SQLite; parsing it with the offset is several times cheaper
        # than parsing and then setting tzinfo.
        return datetime.fromisoformat(value + "+00:00")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def instants(pairs: list[tuple[Any, Any]]) -> list[tuple[datetime, datetime]]:
    """`_instant` of both times of every pair; inlined for the text of SQLite, which a busy
    month has thousands of."""
    if pairs and isinstance(pairs[0][0], str):
        parse = datetime.fromisoformat
        return [(parse(first + "+00:00"), parse(last + "+00:00")) for first, last in pairs]
    return [(_instant(first), _instant(last)) for first, last in pairs]


def merged_spans(rows: Sequence[Any]) -> list[tuple[Any, Any]]:
    """Start-ordered (start, end) rows merged where they overlap or touch, empty ones dropped.

    Times stay as the driver gave them (all of one kind, comparing like the instants), so
    only the merged boundaries are ever converted.
    """
    merged: list[tuple[Any, Any]] = []
    current_start: Any = None
    current_end: Any = None
    for start, end in rows:
        if end <= start:
            continue
        if current_end is not None and start <= current_end:
            if end > current_end:
                current_end = end
            continue
        if current_end is not None:
            merged.append((current_start, current_end))
        current_start, current_end = start, end
    if current_end is not None:
        merged.append((current_start, current_end))
    return merged


def touched(
    changes: Sequence[Sequence[Any]], start: datetime, end: datetime
) -> tuple[datetime, datetime] | None:
    """The part of [start, end) that the changed spans (`CHANGES_QUERY` rows) cover, from
    the first to the last (one read is cheaper than several); None when they miss it."""
    low: datetime | None = None
    high: datetime | None = None
    for first, last in changes:
        begin = max(_instant(first), start)
        finish = end if last is None else min(_instant(last), end)
        if begin >= finish:
            continue
        low = begin if low is None or begin < low else low
        high = finish if high is None or finish > high else high
    return None if low is None or high is None else (low, high)


def spliced(
    kept: Sequence[Interval], start: datetime, end: datetime, fresh: Sequence[Interval]
) -> list[Interval]:
    """Merged busy times `kept` with [start, end) replaced by `fresh` (the merged busy
    times read again for that part alone), merged again where the two meet.

    Outside [start, end) nothing changed, so the kept times hold there; an interval that
    crosses a boundary keeps its outer part and is joined again to what touches it.
    """
    first = bisect_left(kept, start, key=_end_of)  # the first ending at or after start
    after = bisect_right(kept, end, key=_start_of)  # the first starting after end
    middle: list[tuple[datetime, datetime]] = []
    if first < after and kept[first].start < start:
        middle.append((kept[first].start, start))
    middle.extend((interval.start, interval.end) for interval in fresh)
    if first < after and kept[after - 1].end > end:
        middle.append((end, kept[after - 1].end))
    joined = [Interval.ordered(begin, finish) for begin, finish in merged_spans(middle)]
    return [*kept[:first], *joined, *kept[after:]]


def _end_of(interval: Interval) -> datetime:
    return interval.end


def _start_of(interval: Interval) -> datetime:
    return interval.start
