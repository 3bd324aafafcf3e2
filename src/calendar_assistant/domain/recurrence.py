"""Recurring series: RRULE validation and expansion through python-dateutil.

Expansion runs in the series' own zone with wall-clock times (dateutil keeps the zone of an
aware DTSTART and only changes the date), so a weekly 10:00 meeting stays at 10:00 when the
zone changes its offset. RRULE arithmetic itself is never written here: dateutil does it.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from calendar_assistant.domain.events import Event

_SUPPORTED_FREQS = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"}
_KNOWN_PARTS = {
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYSETPOS",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
    "WKST",
}
_MAX_COUNT = 10_000
MAX_OCCURRENCES = 100_000
# Finite series up to this many occurrences keep them all in memory (see _finite_occurrences).
_CACHED_SERIES_LENGTH = 500
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# How far a series is searched for its first occurrence when it is created: a rule with no
# occurrence within this span is refused instead of being stored as an empty series.
_FIRST_OCCURRENCE_HORIZON = timedelta(days=366 * 10)


def _parts(rule: str) -> dict[str, str]:
    """Split `KEY=VALUE;...` into a dict, refusing duplicates and unknown keys."""
    parts: dict[str, str] = {}
    for chunk in rule.split(";"):
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        key = key.strip().upper()
        if not sep or not value.strip():
            raise ValueError(f"recurrence rule part {chunk!r} is not KEY=VALUE")
        if key not in _KNOWN_PARTS:
            raise ValueError(f"recurrence rule has an unknown part {key!r}")
        if key in parts:
            raise ValueError(f"recurrence rule repeats {key}")
        parts[key] = value.strip().upper()
    return parts


def _join(parts: dict[str, str]) -> str:
    order = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL"]
    keys = [k for k in order if k in parts] + sorted(k for k in parts if k not in order)
    return ";".join(f"{k}={parts[k]}" for k in keys)


def _check_possible(parts: dict[str, str]) -> None:
    """Refuse the classic never-matching rule (e.g. Feb 31): dateutil would search to year 9999."""
    if "BYMONTHDAY" not in parts or "BYMONTH" not in parts:
        return
    try:
        days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
        months = [int(m) for m in parts["BYMONTH"].split(",")]
    except ValueError as exc:
        raise ValueError("BYMONTHDAY and BYMONTH take numbers") from exc
    longest = {m: calendar.monthrange(2024, m)[1] if 1 <= m <= 12 else 0 for m in months}
    if not any(d < 0 or d <= longest[m] for d in days for m in months):
        raise ValueError("recurrence rule never matches a real date")


def validate_rrule(rule: str) -> str:
    """Check an RRULE (with or without the `RRULE:` prefix) and return it without the prefix.

    Raises ValueError with a message a person can act on.
    """
    if not isinstance(rule, str) or not rule.strip():
        raise ValueError("recurrence rule is empty")
    text = rule.strip()
    if "\n" in text or "\r" in text:
        raise ValueError("recurrence rule must be a single RRULE line")
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = _parts(text)
    freq = parts.get("FREQ")
    if freq is None:
        raise ValueError("recurrence rule needs FREQ (e.g. FREQ=WEEKLY)")
    if freq not in _SUPPORTED_FREQS:
        raise ValueError(f"recurrence frequency {freq} is not supported")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("recurrence rule may have COUNT or UNTIL, not both")
    if "COUNT" in parts and (
        not parts["COUNT"].isdigit() or not 1 <= int(parts["COUNT"]) <= _MAX_COUNT
    ):
        raise ValueError(f"COUNT must be a whole number from 1 to {_MAX_COUNT}")
    if "INTERVAL" in parts and (
        not parts["INTERVAL"].isdigit() or not 1 <= int(parts["INTERVAL"]) <= 1000
    ):
        raise ValueError("INTERVAL must be a whole number from 1 to 1000")
    _check_possible(parts)
    normalized = _join(parts)
    try:
        _rule(normalized, datetime(2000, 1, 1, tzinfo=UTC), "UTC")
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"recurrence rule {normalized!r} is not valid: {exc}") from exc
    return normalized


def _until_utc(value: str, zone: ZoneInfo) -> str:
    """UNTIL as UTC, as dateutil wants it with an aware DTSTART (a date means its end)."""
    if value.endswith("Z"):
        return value
    if "T" in value:
        local = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
    else:
        day = datetime.strptime(value + "+0000", "%Y%m%d%z").date()
        local = datetime.combine(day, time(23, 59, 59), tzinfo=zone)
    return local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@functools.lru_cache(maxsize=1024)
def _rule(rule: str, start: datetime, tz: str) -> rrule:
    """The parsed rule (cached: a series is expanded on most reads of its window, and
    parsing costs more than the expansion; iterating an rrule does not change it)."""
    zone = ZoneInfo(tz)
    parts = _parts(rule)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_utc(parts["UNTIL"], zone)
    dtstart = start.astimezone(zone)
    parsed = rrulestr(_join(parts), dtstart=dtstart)
    if not isinstance(parsed, rrule):  # pragma: no cover - a single RRULE never gives a set
        raise ValueError("recurrence rule must be a single RRULE")
    return parsed


@functools.lru_cache(maxsize=256)
def _finite_occurrences(rule: str, start: datetime, tz: str) -> tuple[datetime, ...] | None:
    """Every occurrence, in order as dateutil gives them, of a series with COUNT or UNTIL
    and at most _CACHED_SERIES_LENGTH of them; None for any other series.

    Cached like the parse: a pure function of the series, which most reads of a window it
    touches expand again (a COUNT rule cannot be fast-forwarded, so it is walked from its
    start every time otherwise).
    """
    parts = _parts(rule)
    if "COUNT" not in parts and "UNTIL" not in parts:
        return None
    found = tuple(itertools.islice(_rule(rule, start, tz), _CACHED_SERIES_LENGTH + 1))
    return None if len(found) > _CACHED_SERIES_LENGTH else found


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants (Python subtracts wall clocks when zones are equal)."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def plus_elapsed(value: datetime, delta: timedelta) -> datetime:
    """`value` moved by real elapsed time, in its own zone."""
    return (value.astimezone(UTC) + delta).astimezone(value.tzinfo)


def _fast_forward(parsed: rrule, rrule_text: str, start: datetime, target: datetime) -> rrule:
    """Move DTSTART of an HOURLY/DAILY/WEEKLY rule without COUNT or BYSETPOS near `target`.

    Shifting by whole periods keeps every later occurrence and saves iterating years of them.
    """
    parts = _parts(rrule_text)
    freq = parts["FREQ"]
    if "COUNT" in parts or "BYSETPOS" in parts or freq not in ("HOURLY", "DAILY", "WEEKLY"):
        return parsed
    interval = int(parts.get("INTERVAL", "1"))
    if freq == "HOURLY":  # whole days that are also whole periods
        period_days = math.lcm(interval, 24) // 24
    else:
        period_days = interval * (7 if freq == "WEEKLY" else 1)
    gap = (target.astimezone(start.tzinfo).date() - start.date()).days - 7
    periods = gap // period_days
    if periods <= 0:
        return parsed
    shifted = start.replace(tzinfo=None) + timedelta(days=periods * period_days)
    return parsed.replace(dtstart=shifted.replace(tzinfo=start.tzinfo))


def _normal(value: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock datetime made real: a time skipped by DST moves forward as the zone says."""
    return value.astimezone(UTC).astimezone(zone)


def occurrence_starts(
    start: datetime,
    rrule_text: str,
    tz: str,
    *,
    after: datetime,
    before: datetime,
    exdates: Iterable[datetime] = (),
) -> list[datetime]:
    """Original starts of the series' occurrences in [after, before), minus exdates.

    At most MAX_OCCURRENCES are returned, so a decades-long window over an hourly series
    stays bounded in time and memory.
    """
    zone = ZoneInfo(tz)
    local_start = start.astimezone(zone)
    # One hour of slack: a local time skipped by DST is reported after its wall-clock value.
    floor = after.astimezone(zone) - timedelta(hours=1)
    candidates: Iterable[datetime]
    finite = _finite_occurrences(rrule_text, local_start, tz)
    if finite is not None:  # what xafter(floor, inc=True) yields: the list is in order
        candidates = finite[bisect.bisect_left(finite, floor) :]
    else:
        parsed = _fast_forward(_rule(rrule_text, local_start, tz), rrule_text, local_start, after)
        candidates = parsed.xafter(floor, inc=True)
    excluded = {d.astimezone(UTC) for d in exdates}
    result: list[datetime] = []
    for found in candidates:
        real = _normal(found, zone)
        if real >= before:
            break
        if real < after or real.astimezone(UTC) in excluded:
            continue
        result.append(real)
        if len(result) >= MAX_OCCURRENCES:
            break
    return result


def next_occurrence(
    start: datetime, rrule_text: str, tz: str, *, after: datetime
) -> datetime | None:
    """The series' first occurrence strictly after `after`, or None once it has ended: when
    a repeating reminder rings next (its wall clock read in `tz`, so DST keeps "at 9")."""
    zone = ZoneInfo(tz)
    local_start = start.astimezone(zone)
    parsed = _fast_forward(_rule(rrule_text, local_start, tz), rrule_text, local_start, after)
    floor = after.astimezone(zone) - timedelta(hours=1)  # a time skipped by DST: see above
    for found in itertools.islice(parsed.xafter(floor, inc=True), MAX_OCCURRENCES):
        real = _normal(found, zone)
        if real > after:
            return real
    return None


def first_occurrence(start: datetime, rrule_text: str, tz: str) -> datetime | None:
    """The first occurrence at or after the series' start, or None when the rule has none."""
    zone = ZoneInfo(tz)
    parsed = _rule(rrule_text, start, tz)
    limit = start + _FIRST_OCCURRENCE_HORIZON
    for found in parsed:
        real = _normal(found, zone)
        if real >= limit:
            return None
        if real >= start:
            return real
    return None


def last_occurrence(
    start: datetime, rrule_text: str, tz: str, *, limit: int = 50_000
) -> datetime | None:
    """The last occurrence's start of a COUNT/UNTIL series.

    None when the series never ends, has no occurrence, or has more than `limit` of them
    (callers treat None as "no known end", which is always safe).
    """
    parts = _parts(rrule_text)
    if "COUNT" not in parts and "UNTIL" not in parts:
        return None
    zone = ZoneInfo(tz)
    parsed = _rule(rrule_text, start, tz)
    last: datetime | None = None
    for seen, found in enumerate(parsed):
        if seen >= limit:
            return None
        last = found
    return None if last is None else _normal(last, zone)


def is_finite(rrule_text: str) -> bool:
    parts = _parts(rrule_text)
    return "COUNT" in parts or "UNTIL" in parts


def is_occurrence(start: datetime, rrule_text: str, tz: str, when: datetime) -> bool:
    """Whether `when` is one of the series' original occurrence starts."""
    found = occurrence_starts(start, rrule_text, tz, after=when, before=when + timedelta(seconds=1))
    return bool(found) and found[0].astimezone(UTC) == when.astimezone(UTC)


def count_before(start: datetime, rrule_text: str, tz: str, cut: datetime) -> int:
    """How many occurrences start before `cut` (for splitting a COUNT series)."""
    zone = ZoneInfo(tz)
    parsed = _rule(rrule_text, start, tz)
    total = 0
    for found in parsed:
        if _normal(found, zone) >= cut:
            break
        total += 1
    return total


def end_before(rrule_text: str, cut: datetime) -> str:
    """The rule ended just before `cut`: UNTIL one second earlier (UTC), COUNT dropped."""
    parts = _parts(rrule_text)
    parts.pop("COUNT", None)
    parts["UNTIL"] = (cut.astimezone(UTC) - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    return _join(parts)


def count_of(rrule_text: str) -> int | None:
    """The rule's COUNT, or None when it has none."""
    value = _parts(rrule_text).get("COUNT")
    return None if value is None else int(value)


def with_count(rrule_text: str, count: int) -> str:
    """The same rule with COUNT replaced."""
    parts = _parts(rrule_text)
    parts["COUNT"] = str(count)
    return _join(parts)


def shift_weekdays(rrule_text: str, days: int) -> str:
    """Move plain BYDAY weekdays by `days`, for a series moved to another day of the week.

    Positioned weekdays (1MO, -1FR) are left as they are; `follow_start` handles those too.
    """
    parts = _parts(rrule_text)
    if days % 7 == 0 or "BYDAY" not in parts:
        return rrule_text
    shifted: list[str] = []
    for item in parts["BYDAY"].split(","):
        if item not in _WEEKDAYS:
            return rrule_text
        shifted.append(_WEEKDAYS[(_WEEKDAYS.index(item) + days) % 7])
    parts["BYDAY"] = ",".join(shifted)
    return _join(parts)


def follow_start(rrule_text: str, old_start: datetime, new_start: datetime, tz: str) -> str:
    """The rule adjusted for a series moved to another day, so the new start still matches.

    Plain weekdays (BYDAY=MO) and positioned ones (BYDAY=1MO) move by the number of days;
    a single day of the month (BYMONTHDAY=15) becomes the new start's day.
    """
    zone = ZoneInfo(tz)
    old_day = old_start.astimezone(zone).date()
    new_day = new_start.astimezone(zone).date()
    days = (new_day - old_day).days
    if days == 0:
        return rrule_text
    parts = _parts(rrule_text)
    if "BYDAY" in parts and days % 7:
        shifted: list[str] = []
        for item in parts["BYDAY"].split(","):
            prefix, weekday = item[:-2], item[-2:]
            if weekday not in _WEEKDAYS:
                return rrule_text
            shifted.append(prefix + _WEEKDAYS[(_WEEKDAYS.index(weekday) + days) % 7])
        parts["BYDAY"] = ",".join(shifted)
    monthdays = parts.get("BYMONTHDAY", "")
    if monthdays.isdigit() and int(monthdays) == old_day.day:
        parts["BYMONTHDAY"] = str(new_day.day)
    return _join(parts)


def expand_series(
    master: Event,
    window_start: datetime,
    window_end: datetime,
    overrides: Sequence[Event] = (),
) -> list[Event]:
    """Occurrences of `master` overlapping [window_start, window_end), overrides applied.

    Each occurrence has the series id and `recurrence_id` set to its original start; an
    override (an Event with `recurrence_id`) replaces the occurrence it names and is kept
    when its own, possibly moved, time overlaps the window.
    """
    result = [
        dataclasses.replace(master, start=begin, end=finish, recurrence_id=original)
        for original, begin, finish in _plain_occurrences(
            master, window_start, window_end, overrides
        )
    ]
    result.extend(_kept_overrides(master, window_start, window_end, overrides))
    result.sort(key=lambda e: (e.start, e.end, e.title))
    return result


def series_busy(
    master: Event,
    window_start: datetime,
    window_end: datetime,
    overrides: Sequence[Event] = (),
) -> list[tuple[datetime, datetime]]:
    """Start and end of each occurrence `expand_series` gives, unsorted, without building an
    Event per occurrence: free/busy needs only the times."""
    spans = [
        (begin, finish)
        for _, begin, finish in _plain_occurrences(master, window_start, window_end, overrides)
    ]
    spans.extend(
        (o.start, o.end) for o in _kept_overrides(master, window_start, window_end, overrides)
    )
    return spans


def _plain_occurrences(
    master: Event, window_start: datetime, window_end: datetime, overrides: Sequence[Event]
) -> Iterator[tuple[datetime, datetime, datetime]]:
    """(original start, start, end) of the occurrences no override replaces, in the window."""
    if master.rrule is None:
        raise ValueError("not a recurring series")
    duration = elapsed(master.start, master.end)
    zone = ZoneInfo(master.timezone)
    replaced = {o.recurrence_id.astimezone(UTC) for o in overrides if o.recurrence_id is not None}
    starts = occurrence_starts(
        master.start,
        master.rrule,
        master.timezone,
        after=window_start - duration,
        before=window_end,
        exdates=master.exdates,
    )
    days = _days(master) if master.all_day else 0
    for original in starts:
        if replaced and original.astimezone(UTC) in replaced:
            continue
        if master.all_day:
            begin = original
            finish = _normal(
                datetime.combine(begin.date() + timedelta(days=days), time(0), tzinfo=zone),
                zone,
            )
        else:
            begin, finish = original, (original.astimezone(UTC) + duration).astimezone(zone)
        if finish <= window_start:
            continue
        yield original, begin, finish


def _kept_overrides(
    master: Event, window_start: datetime, window_end: datetime, overrides: Sequence[Event]
) -> list[Event]:
    """The overrides that stand for an occurrence (not one since deleted) in the window."""
    excluded = {d.astimezone(UTC) for d in master.exdates}
    return [
        o
        for o in overrides
        if o.recurrence_id is not None
        and o.recurrence_id.astimezone(UTC) not in excluded
        and o.start < window_end
        and o.end > window_start
    ]


def _days(event: Event) -> int:
    """Length of an all-day event in days (calendar days, DST-proof)."""
    zone = ZoneInfo(event.timezone)
    first: date = event.start.astimezone(zone).date()
    last: date = event.end.astimezone(zone).date()
    return max(1, (last - first).days)
