"""iCalendar (RFC 5545) files in and out of any calendar backend, through the icalendar library.

Export writes each series once, with its RRULE, EXDATEs and changed occurrences (RECURRENCE-ID),
so other calendar programs see the same series. Import reads and checks the whole file before
anything is written, and takes back what it wrote if the backend fails half-way: a file is
imported entirely or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events
from dateutil.rrule import rrulestr
from icalendar.timezone import tzid_from_dt
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from calendar_assistant.calendars.base import CalendarBackend, CalendarError
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope

PRODID = "-//calendar-assistant//calendar-assistant//EN"
#: Files larger than this are refused before parsing: a calendar is not a dump of the world.
MAX_ICS_BYTES = 20 * 1024 * 1024
#: How many occurrences an RDATE-style event may expand into on import.
MAX_EXPANDED_OCCURRENCES = 5000
UNTITLED = "Untitled"


class IcsError(ValueError):
    """A calendar file cannot be read or imported; the message names the file and the event."""


@dataclass(frozen=True, slots=True)
class ImportedOccurrence:
    """A changed occurrence of an imported series: its original start and what differs."""

    recurrence_id: datetime
    patch: EventPatch


@dataclass(frozen=True, slots=True)
class ImportedEvent:
    """One event or series read from a file, checked and ready to write."""

    uid: str
    new: NewEvent
    exdates: tuple[datetime, ...] = ()
    occurrences: tuple[ImportedOccurrence, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: how many were written and how many were already in the calendar."""

    imported: int
    skipped_duplicates: int
    event_ids: tuple[str, ...] = field(default=())


# --- export -----------------------------------------------------------------------------------


def events_to_ics(series: Iterable[Sequence[Event]], *, stamp: datetime) -> bytes:
    """Write stored events as one VCALENDAR; each item is a master and its overrides.

    `stamp` is the DTSTAMP every VEVENT must carry (the time of export; passed in, never read
    from the clock here).
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for stored in series:
        for event in sorted(stored, key=lambda e: e.recurrence_id is not None):
            calendar.add_component(_to_vevent(event, stamp.astimezone(UTC)))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


async def export_calendar(
    backend: CalendarBackend, start: datetime, end: datetime, *, stamp: datetime
) -> bytes:
    """ICS of every event or series with an occurrence in [start, end), each written once."""
    seen: dict[str, None] = {}
    for occurrence in await backend.list_events(start, end):
        seen.setdefault(occurrence.id, None)
    return await export_events(backend, seen, stamp=stamp)


async def export_events(
    backend: CalendarBackend, event_ids: Iterable[str], *, stamp: datetime
) -> bytes:
    """ICS of the named events or series, each with its changed occurrences.

    Exporting by id never expands a series, so an endless hourly one costs as much as one event.
    """
    stored = [await backend.snapshot(event_id) for event_id in event_ids]
    return events_to_ics([s for s in stored if s], stamp=stamp)


def _to_vevent(event: Event, stamp: datetime) -> icalendar.Event:
    zone = ZoneInfo(event.timezone)
    vevent = icalendar.Event()
    vevent.add("uid", event.id)
    vevent.add("dtstamp", stamp)
    vevent.add("summary", event.title)
    vevent.add("dtstart", _ics_time(event.start, zone, event.all_day))
    vevent.add("dtend", _ics_time(event.end, zone, event.all_day))
    if event.recurrence_id is not None:
        vevent.add("recurrence-id", _ics_time(event.recurrence_id, zone, event.all_day))
    if event.rrule:
        vevent.add("rrule", icalendar.vRecur.from_ical(event.rrule))
    if event.exdates:
        vevent.add("exdate", [_ics_time(d, zone, event.all_day) for d in sorted(event.exdates)])
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    for attendee in event.attendees:
        vevent.add("attendee", _attendee_address(attendee))
    if event.version > 1:
        vevent.add("sequence", event.version - 1)
    for minutes in event.reminders:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", timedelta(minutes=-minutes))
        vevent.add_component(alarm)
    return vevent


def _ics_time(moment: datetime, zone: ZoneInfo, all_day: bool) -> date | datetime:
    local = moment.astimezone(zone)
    return local.date() if all_day else local


def _attendee_address(attendee: str) -> icalendar.vCalAddress:
    """A name becomes a CN with no address (ICS wants a URI); an e-mail becomes mailto:."""
    if "@" in attendee and " " not in attendee:
        return icalendar.vCalAddress(f"mailto:{attendee}")
    address = icalendar.vCalAddress("mailto:")
    address.params["CN"] = attendee
    return address


# --- import -----------------------------------------------------------------------------------


def read_ics(
    data: bytes,
    *,
    source: str,
    default_zone: str,
    default_duration: timedelta = timedelta(hours=1),
) -> list[ImportedEvent]:
    """Read and check a whole file; raise IcsError naming `source` at the first problem.

    Times without a zone (floating) are read in `default_zone`; an event with neither an end
    nor a duration lasts a day when it is all-day, else `default_duration`.
    """
    if len(data) > MAX_ICS_BYTES:
        raise IcsError(f"{source}: the file is larger than {MAX_ICS_BYTES // (1024 * 1024)} MB")
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, UnicodeDecodeError) as exc:
        raise IcsError(f"{source}: not a readable iCalendar file ({_first_line(exc)})") from exc
    if not isinstance(parsed, icalendar.Calendar) or parsed.name != "VCALENDAR":
        raise IcsError(f"{source}: not an iCalendar file (no VCALENDAR at the top)")
    for component in parsed.walk():
        if component.errors:
            prop, problem = component.errors[0]
            raise IcsError(f"{source}: {_describe(component)}: broken {prop} ({problem})")
    return _Reader(parsed, source, ZoneInfo(default_zone), default_duration).read()


class _Reader:
    """Turns the VEVENTs of a parsed calendar into ImportedEvents, series with their changes."""

    def __init__(
        self,
        calendar: icalendar.Calendar,
        source: str,
        zone: ZoneInfo,
        default_duration: timedelta,
    ) -> None:
        self.calendar = calendar
        self.source = source
        self.zone = zone
        self.default_duration = default_duration

    def read(self) -> list[ImportedEvent]:
        masters: dict[str, icalendar.Component] = {}
        changed: dict[str, list[icalendar.Component]] = {}
        order: list[str] = []
        for index, vevent in enumerate(self.calendar.walk("VEVENT")):
            uid = _text(vevent, "uid") or f"no-uid-{index}"
            if self.one(vevent, "recurrence-id") is None:
                if uid in masters:
                    raise self.error(vevent, f"UID {uid!r} is used by two events")
                masters[uid] = vevent
                order.append(uid)
            else:
                changed.setdefault(uid, []).append(vevent)
        imported: list[ImportedEvent] = []
        for uid, overrides in changed.items():
            if uid not in masters:  # changed occurrences of a series that is not in the file
                imported.extend(
                    self.single(uid, vevent) for vevent in overrides if not _is_cancelled(vevent)
                )
        for uid in order:
            master = masters[uid]
            if master.get("rdate") is not None or master.get("exrule") is not None:
                imported.extend(self.expanded(uid, master, changed.get(uid, [])))
            else:
                imported.extend(self.series(uid, master, changed.get(uid, [])))
        return imported

    def error(self, vevent: icalendar.Component, problem: str) -> IcsError:
        return IcsError(f"{self.source}: {_describe(vevent)}: {problem}")

    def one(self, vevent: icalendar.Component, name: str) -> Any:
        """A property that may appear at most once (DTSTART, DTEND, …), or None."""
        value = vevent.get(name)
        if isinstance(value, list):
            raise self.error(vevent, f"{name.upper()} appears more than once")
        return value

    def when(self, vevent: icalendar.Component, name: str) -> date | None:
        """A date or date-time property (a datetime is a date too), or None when absent."""
        prop = self.one(vevent, name)
        if prop is None:
            return None
        value = getattr(prop, "dt", None)
        if not isinstance(value, date):
            raise self.error(vevent, f"{name.upper()} is not a date or a time")
        return value

    def exdates(self, vevent: icalendar.Component) -> list[date]:
        value = vevent.get("exdate")
        found: list[date] = []
        for dates in value if isinstance(value, list) else [] if value is None else [value]:
            for item in getattr(dates, "dts", []):
                if not isinstance(item.dt, date):
                    raise self.error(vevent, "EXDATE is not a list of dates or times")
                found.append(item.dt)
        return found

    def single(self, uid: str, vevent: icalendar.Component) -> ImportedEvent:
        start, end, all_day, zone = self.span(vevent)
        return ImportedEvent(uid, self.new_event(vevent, start, end, all_day, zone, None))

    def series(
        self, uid: str, master: icalendar.Component, overrides: list[icalendar.Component]
    ) -> list[ImportedEvent]:
        if _is_cancelled(master):
            return []
        start, end, all_day, zone = self.span(master)
        rrule = self.rrule(master, start)
        new = self.new_event(master, start, end, all_day, zone, rrule)
        if rrule is None:
            if overrides:
                raise self.error(overrides[0], "RECURRENCE-ID on an event that does not repeat")
            return [ImportedEvent(uid, new)]
        exdates = [self.moment(d, zone, all_day) for d in self.exdates(master)]
        occurrences: list[ImportedOccurrence] = []
        for vevent in overrides:
            recurrence_id = self.when(vevent, "recurrence-id")
            if recurrence_id is None:  # pragma: no cover - grouped by having one
                continue
            original = self.moment(recurrence_id, zone, all_day)
            if _is_cancelled(vevent):
                exdates.append(original)
                continue
            o_start, o_end, _, _ = self.span(vevent)
            patch = EventPatch(
                title=_text(vevent, "summary") or new.title,
                start=o_start,
                end=o_end,
                location=_text(vevent, "location"),
                description=_text(vevent, "description"),
            )
            occurrences.append(ImportedOccurrence(original, patch))
        return [ImportedEvent(uid, new, tuple(sorted(set(exdates))), tuple(occurrences))]

    def expanded(
        self, uid: str, master: icalendar.Component, overrides: list[icalendar.Component]
    ) -> list[ImportedEvent]:
        """RDATE/EXRULE cannot be stored as one series: import each occurrence on its own."""
        start, _, _, _ = self.span(master)
        rules = master.get("rrule")
        if rules is not None and not all(
            "COUNT" in r or "UNTIL" in r for r in (rules if isinstance(rules, list) else [rules])
        ):
            raise self.error(master, "RDATE or EXRULE together with an endless RRULE")
        one = icalendar.Calendar()
        for vtimezone in self.calendar.walk("VTIMEZONE"):
            one.add_component(vtimezone)
        one.add_component(master)
        for vevent in overrides:
            one.add_component(vevent)
        try:
            occurrences = list(
                recurring_ical_events.of(one).between(
                    _as_datetime(start, self.zone) - timedelta(days=1),
                    datetime(9999, 1, 1, tzinfo=UTC),
                )
            )
        except Exception as exc:  # the library's own errors vary; any of them means "cannot"
            raise self.error(master, f"cannot expand its dates ({_first_line(exc)})") from exc
        if len(occurrences) > MAX_EXPANDED_OCCURRENCES:
            raise self.error(master, f"more than {MAX_EXPANDED_OCCURRENCES} occurrences")
        return [self.single(uid, o) for o in occurrences if not _is_cancelled(o)]

    def span(self, vevent: icalendar.Component) -> tuple[datetime, datetime, bool, ZoneInfo]:
        """Start, exclusive end, all-day flag and zone; an end before the start is an error."""
        raw_start = self.when(vevent, "dtstart")
        if raw_start is None:
            raise self.error(vevent, "no DTSTART")
        all_day = not isinstance(raw_start, datetime)
        zone = self.zone_of(raw_start) if isinstance(raw_start, datetime) else self.zone
        start = self.moment(raw_start, zone, all_day)
        raw_end, duration = self.when(vevent, "dtend"), self.one(vevent, "duration")
        if raw_end is not None:
            if isinstance(raw_end, datetime) == all_day:
                raise self.error(vevent, "DTSTART and DTEND are not both dates or both times")
            end = self.moment(raw_end, zone, all_day)
        elif duration is not None:
            length = getattr(duration, "dt", None)
            if not isinstance(length, timedelta):
                raise self.error(vevent, "DURATION is not a duration")
            end = _add_wall_time(start, length, zone) if all_day else _add_exact(start, length)
        elif all_day:
            end = _add_wall_time(start, timedelta(days=1), zone)
        else:
            end = _add_exact(start, self.default_duration)
        if end < start:
            raise self.error(vevent, "it ends before it starts")
        if end == start:  # an instant (RFC 5545 allows it); calendars here need a length
            end = _add_exact(start, timedelta(minutes=1))
        return start, end, all_day, zone

    def zone_of(self, moment: datetime) -> ZoneInfo:
        """The IANA zone of a time from the file: its TZID, a Windows name mapped, else ours."""
        tz = moment.tzinfo
        if tz is None:
            return self.zone
        if isinstance(tz, ZoneInfo):
            return tz
        for candidate in (_vtimezone_id(tz), tzid_from_dt(moment)):
            if candidate is None:
                continue
            for name in (WINDOWS_TO_OLSON.get(candidate), candidate):
                if name:
                    try:
                        return ZoneInfo(name)
                    except (ZoneInfoNotFoundError, ValueError):
                        continue
        return self.zone

    def moment(self, value: date | datetime, zone: ZoneInfo, all_day: bool) -> datetime:
        """An aware time in `zone`: dates become local midnight, floating times get `zone`."""
        if not isinstance(value, datetime):
            return datetime.combine(value, time(0), tzinfo=zone)
        if all_day:
            return datetime.combine(value.date(), time(0), tzinfo=zone)
        if value.tzinfo is None:
            return value.replace(tzinfo=zone)
        return value.astimezone(zone)

    def rrule(self, vevent: icalendar.Component, start: datetime) -> str | None:
        rules = vevent.get("rrule")
        if rules is None:
            return None
        if isinstance(rules, list):
            if len(rules) != 1:
                raise self.error(vevent, "more than one RRULE")
            rules = rules[0]
        text = bytes(rules.to_ical()).decode()
        try:
            rrulestr(text, dtstart=start)
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise self.error(vevent, f"invalid RRULE {text!r} ({_first_line(exc)})") from exc
        return text

    def new_event(
        self,
        vevent: icalendar.Component,
        start: datetime,
        end: datetime,
        all_day: bool,
        zone: ZoneInfo,
        rrule: str | None,
    ) -> NewEvent:
        return NewEvent(
            title=_text(vevent, "summary") or UNTITLED,
            start=start,
            end=end,
            timezone=zone.key,
            all_day=all_day,
            rrule=rrule,
            location=_text(vevent, "location"),
            description=_text(vevent, "description"),
            attendees=_attendees(vevent),
            reminders=_reminders(vevent),
        )


def _vtimezone_id(tz: tzinfo) -> str | None:
    """The TZID a custom VTIMEZONE was declared with (dateutil keeps it privately)."""
    value = getattr(tz, "_tzid", None)
    return value if isinstance(value, str) else None


def _add_wall_time(start: datetime, length: timedelta, zone: ZoneInfo) -> datetime:
    """Whole days added on the wall clock, so an all-day event on a DST day still ends at 0:00."""
    return (start.replace(tzinfo=None) + length).replace(tzinfo=zone)


def _add_exact(start: datetime, length: timedelta) -> datetime:
    """Elapsed time, as RFC 5545 means for hours and minutes (Python adds wall-clock time)."""
    return (start.astimezone(UTC) + length).astimezone(start.tzinfo)


def _as_datetime(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return datetime.combine(value, time(0), tzinfo=zone)


def _is_cancelled(vevent: icalendar.Component) -> bool:
    return (_text(vevent, "status") or "").upper() == "CANCELLED"


def _text(vevent: icalendar.Component, name: str) -> str | None:
    """A text property, the first one when a file repeats it."""
    value = vevent.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _attendees(vevent: icalendar.Component) -> tuple[str, ...]:
    value = vevent.get("attendee")
    if value is None:
        return ()
    names: list[str] = []
    for address in value if isinstance(value, list) else [value]:
        name = getattr(address, "params", {}).get("CN") or str(address).removeprefix("mailto:")
        if str(name).strip():
            names.append(str(name).strip())
    return tuple(names)


def _reminders(vevent: icalendar.Component) -> tuple[int, ...]:
    """Minutes before the start of each display or audio alarm triggered relative to it."""
    minutes: list[int] = []
    for alarm in vevent.walk("VALARM"):
        trigger = alarm.get("trigger")
        if trigger is None or not isinstance(getattr(trigger, "dt", None), timedelta):
            continue
        if str(trigger.params.get("RELATED", "START")).upper() != "START":
            continue
        before = -trigger.dt
        if before >= timedelta(0):
            minutes.append(int(before.total_seconds() // 60))
    return tuple(sorted(set(minutes)))


def _describe(component: icalendar.Component) -> str:
    summary = _text(component, "summary")
    uid = _text(component, "uid")
    if component.name != "VEVENT":
        return component.name or "a component"
    if summary and uid:
        return f"event {summary!r} (UID {uid})"
    if summary or uid:
        return f"event {summary or uid!r}"
    return "an event"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


# --- writing into a backend -------------------------------------------------------------------


async def import_events(backend: CalendarBackend, items: Sequence[ImportedEvent]) -> ImportResult:
    """Write checked events; skip ones already there; on a failure remove what was written."""
    created: list[str] = []
    skipped = 0
    try:
        for item in items:
            if await _already_there(backend, item.new):
                skipped += 1
                continue
            event = await backend.create_event(item.new)
            created.append(event.id)
            for exdate in item.exdates:
                await backend.delete_event(event.id, scope=Scope.THIS, occurrence=exdate)
            for occurrence in item.occurrences:
                await backend.update_event(
                    event.id,
                    occurrence.patch,
                    scope=Scope.THIS,
                    occurrence=occurrence.recurrence_id,
                )
    except Exception as exc:
        left = await _take_back(backend, created)
        if left:
            raise IcsError(
                f"import failed ({_first_line(exc)}) and {left} imported event(s) could not "
                "be removed again"
            ) from exc
        if isinstance(exc, CalendarError | ValueError):
            raise IcsError(f"import failed, nothing was imported: {_first_line(exc)}") from exc
        raise
    return ImportResult(imported=len(created), skipped_duplicates=skipped, event_ids=tuple(created))


async def _take_back(backend: CalendarBackend, created: list[str]) -> int:
    """Remove what an interrupted import wrote; returns how many could not be removed."""
    left = 0
    for event_id in reversed(created):
        try:
            await backend.restore(event_id, [])
        except Exception:  # the store itself is failing: count it, report it, go on
            left += 1
    return left


async def _already_there(backend: CalendarBackend, new: NewEvent) -> bool:
    """An event with the same title, start, end and repetition: importing a file twice is safe."""
    for event in await backend.list_events(new.start, new.end):
        if (
            event.title == new.title
            and event.start == new.start
            and event.end == new.end
            and event.all_day == new.all_day
            and (event.rrule is not None or event.recurrence_id is not None)
            == (new.rrule is not None)
        ):
            return True
    return False
