"""One event id as one iCalendar resource: the master VEVENT and its RECURRENCE-ID overrides.

The version is the master's SEQUENCE; all-day events keep their zone in an X- property
because a DATE value has none. Reading accepts what other clients write (UTC or floating
times, no SEQUENCE) and fills gaps from the calendar's own zone.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Component, vRecur
from icalendar import Event as VEvent

from calendar_assistant.calendars.caldav.series import Series
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.series_edits import zone_of

PRODID = "-//calendar-assistant//caldav//EN"
ZONE_PROPERTY = "X-CALENDAR-ASSISTANT-TIMEZONE"


def canonical_rrule(rule: str | None) -> str | None:
    """The rule as iCalendar writes it back, so what we return equals what we read later."""
    if rule is None:
        return None
    return str(vRecur.from_ical(rule.removeprefix("RRULE:")).to_ical().decode())


def canonical(series: Series) -> Series:
    return Series(
        dataclasses.replace(series.master, rrule=canonical_rrule(series.master.rrule)),
        series.overrides,
    )


def to_ical(series: Series) -> bytes:
    """The resource body for a series, with the VTIMEZONEs its times name."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add_component(_vevent(series.master, series.master.version))
    for override in series.overrides:
        calendar.add_component(_vevent(override, series.master.version))
    calendar.add_missing_timezones()
    body: bytes = calendar.to_ical()
    return body


def updated_ical(series: Series, base: str | bytes, *, default_zone: str) -> bytes:
    """`series` written over the resource `base`, keeping what we do not model.

    A component we read before keeps every property another client gave it (ORGANIZER,
    CATEGORIES, URL, attendees' replies, its own alarms...); only the fields that changed are
    rewritten. Components for new overrides are written from scratch.
    """
    parsed = Calendar.from_ical(base)
    found: dict[datetime | None, Component] = {}
    for component in parsed.walk("VEVENT"):
        key = None
        if "RECURRENCE-ID" in component:
            key = _instant(component.decoded("RECURRENCE-ID"), zone_of(default_zone)).astimezone(
                UTC
            )
        found.setdefault(key, component)
    calendar = Calendar()
    for name in ("PRODID", "VERSION", "CALSCALE"):
        if name in parsed:
            calendar.add(name, parsed[name])
    if "PRODID" not in calendar:
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
    version = series.master.version
    for event in (series.master, *series.overrides):
        key = None if event.recurrence_id is None else event.recurrence_id.astimezone(UTC)
        old = found.get(key)
        if old is None:
            calendar.add_component(_vevent(event, version))
            continue
        before = _event(old, event.timezone, event.calendar_id, as_master=key is None)
        calendar.add_component(_merged(old, before, event, version))
    calendar.add_missing_timezones()
    body: bytes = calendar.to_ical()
    return body


def _merged(old: Component, before: Event, after: Event, version: int) -> Component:
    """A copy of `old` with the properties of the fields that changed written anew."""
    fresh = _vevent(after, version)
    component = VEvent()
    groups = [
        (before.title != after.title, ("SUMMARY",)),
        (
            (before.start, before.end, before.all_day, before.timezone)
            != (after.start, after.end, after.all_day, after.timezone),
            ("DTSTART", "DTEND", "DURATION", ZONE_PROPERTY),
        ),
        (
            (before.rrule, before.exdates) != (after.rrule, after.exdates),
            ("RRULE", "EXDATE"),
        ),
        (before.location != after.location, ("LOCATION",)),
        (before.description != after.description, ("DESCRIPTION",)),
        (before.attendees != after.attendees, ("ATTENDEE",)),
        (True, ("SEQUENCE", "UID")),
    ]
    rewritten = {name for changed, names in groups if changed for name in names}
    if before.recurrence_id != after.recurrence_id:
        rewritten.add("RECURRENCE-ID")
    for name, value in old.property_items(recursive=False):
        if name in ("BEGIN", "END") or name in rewritten:
            continue
        component.add(name, value, encode=False)
    for name, value in fresh.property_items(recursive=False):
        if name in rewritten and name not in ("BEGIN", "END"):
            component.add(name, value, encode=False)
    alarms = old.subcomponents if before.reminders == after.reminders else fresh.subcomponents
    for alarm in alarms:
        component.add_component(alarm)
    return component


def from_ical(data: str | bytes, *, default_zone: str, calendar_id: str) -> Series | None:
    """The series in a resource (None when it holds no event)."""
    calendar = Calendar.from_ical(data)
    vevents = list(calendar.walk("VEVENT"))
    if not vevents:
        return None
    masters = [v for v in vevents if "RECURRENCE-ID" not in v]
    master_component = masters[0] if masters else vevents[0]
    master = _event(master_component, default_zone, calendar_id, as_master=True)
    overrides = tuple(
        dataclasses.replace(
            _event(v, master.timezone, calendar_id, as_master=False), version=master.version
        )
        for v in vevents
        if v is not master_component and "RECURRENCE-ID" in v
    )
    return Series(master, overrides)


def _vevent(event: Event, version: int) -> VEvent:
    component = VEvent()
    component.add("uid", event.id)
    component.add("dtstamp", datetime(2000, 1, 1, tzinfo=UTC))
    component.add("sequence", version)
    component.add("summary", event.title)
    zone = zone_of(event.timezone)
    if event.all_day:
        component.add("dtstart", event.start.astimezone(zone).date())
        component.add("dtend", event.end.astimezone(zone).date())
        component.add(ZONE_PROPERTY, event.timezone)
    else:
        component.add("dtstart", event.start.astimezone(zone))
        component.add("dtend", event.end.astimezone(zone))
    if event.recurrence_id is not None:
        rid = event.recurrence_id.astimezone(zone)
        component.add("recurrence-id", rid.date() if event.all_day else rid)
    elif event.rrule is not None:
        component.add("rrule", vRecur.from_ical(event.rrule.removeprefix("RRULE:")))
        if event.exdates:
            values = sorted(d.astimezone(zone) for d in event.exdates)
            component.add("exdate", [d.date() if event.all_day else d for d in values])
    if event.location:
        component.add("location", event.location)
    if event.description:
        component.add("description", event.description)
    for attendee in event.attendees:
        component.add("attendee", f"mailto:{attendee}")
    for minutes in event.reminders:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", timedelta(minutes=-minutes))
        component.add_component(alarm)
    return component


def _event(component: Component, default_zone: str, calendar_id: str, *, as_master: bool) -> Event:
    start_value = component.decoded("DTSTART")
    all_day = not isinstance(start_value, datetime)
    zone_name = _zone_name(component, start_value, default_zone)
    zone = zone_of(zone_name)
    start = _instant(start_value, zone)
    if "DTEND" in component:
        end = _instant(component.decoded("DTEND"), zone)
    elif "DURATION" in component:
        end = (start.astimezone(UTC) + component.decoded("DURATION")).astimezone(zone)
    else:
        end = _instant(start_value + timedelta(days=1), zone) if all_day else start
    if end <= start:  # RFC 5545: an instant event; our model needs a length
        end = start + timedelta(minutes=1)
    rrule = None
    exdates: tuple[datetime, ...] = ()
    if as_master and "RRULE" in component:
        rules = component.get("RRULE")
        first = rules[0] if isinstance(rules, list) else rules
        rrule = first.to_ical().decode()
        exdates = tuple(sorted(_exdates(component, zone)))
    recurrence_id = None
    if "RECURRENCE-ID" in component and not as_master:
        recurrence_id = _instant(component.decoded("RECURRENCE-ID"), zone)
    return Event(
        id=str(component.get("UID", "")),
        title=str(component.get("SUMMARY", "")).strip() or "(no title)",
        start=start,
        end=end,
        timezone=zone_name,
        all_day=all_day,
        rrule=rrule,
        exdates=exdates,
        location=_text(component, "LOCATION"),
        description=_text(component, "DESCRIPTION"),
        attendees=tuple(_attendees(component)),
        reminders=tuple(_reminders(component)),
        recurrence_id=recurrence_id,
        version=int(component.get("SEQUENCE", 0)),
        calendar_id=calendar_id,
    )


def _zone_name(component: Component, start: date | datetime, default_zone: str) -> str:
    if not isinstance(start, datetime):
        marked = component.get(ZONE_PROPERTY)
        return str(marked) if marked else default_zone
    tzid = component["DTSTART"].params.get("TZID")
    if tzid:
        try:
            zone_of(str(tzid))
            return str(tzid)
        except ValueError:
            pass
    if start.tzinfo is not None and start.utcoffset() == timedelta(0) and not tzid:
        return "UTC"
    return default_zone


def _instant(value: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), tzinfo=zone).astimezone(UTC).astimezone(zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return value.astimezone(zone)


def _exdates(component: Component, zone: ZoneInfo) -> list[datetime]:
    found = component.get("EXDATE")
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    return [_instant(item.dt, zone) for listed in lists for item in listed.dts]


def _text(component: Component, name: str) -> str | None:
    value = component.get(name)
    text = None if value is None else str(value).strip()
    return text or None


def _attendees(component: Component) -> list[str]:
    found = component.get("ATTENDEE")
    if found is None:
        return []
    values = found if isinstance(found, list) else [found]
    return [str(v).removeprefix("mailto:").removeprefix("MAILTO:") for v in values]


def _reminders(component: Component) -> list[int]:
    minutes: list[int] = []
    for alarm in component.walk("VALARM"):
        trigger = alarm.decoded("TRIGGER") if "TRIGGER" in alarm else None
        if isinstance(trigger, timedelta) and trigger <= timedelta(0):
            minutes.append(int(-trigger.total_seconds()) // 60)
    return minutes
