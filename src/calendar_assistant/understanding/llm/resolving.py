"""Validated tool arguments → a Command, with every time read by our own grammar.

The model hands over phrases («в пятницу вечером») or ISO strings; this module resolves
them in the user's zone by SPEC §2, so time arithmetic (weekdays, DST, "next Friday") is
done in one place for the rules and the model alike. What cannot be read becomes a
`missing` slot: the executor asks for it instead of writing a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent, Missing
from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.llm.tools import Tool
from calendar_assistant.understanding.rules.cues import cues
from calendar_assistant.understanding.rules.titles import names_a_lead
from calendar_assistant.understanding.timeexpr import TimeSpan, read_time
from calendar_assistant.understanding.timeexpr.reading import combine, midnight, plus
from calendar_assistant.understanding.timeexpr.span import read_pieces
from calendar_assistant.understanding.tokens import tokenize

#: Coarse grains: the phrase named a day or more, not a time of day.
DAY_GRAINS = frozenset({"day", "week", "month", "quarter", "year"})
#: A part of day alone starts a new event at these hours (SPEC §2), keyed by window start.
PART_STARTS = {6: 9, 12: 13, 18: 19, 22: 22}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_RRULE = re.compile(r"^(?:RRULE:)?([A-Z]+=[A-Z0-9,+\-:]+)(;[A-Z]+=[A-Z0-9,+\-:]+)*$")


@dataclass(frozen=True, slots=True)
class TimeReader:
    """Reads the model's time phrases for one user at one moment."""

    now: datetime
    tz: ZoneInfo
    lang: Lang
    default_minutes: int = 60
    #: The user's date order for a numeric date the model copies ("3/4"); None: the zone's.
    month_first: bool | None = None

    def span(self, phrase: str | None) -> TimeSpan | None:
        """What `phrase` denotes: ISO first (no offset = local time), else the time grammar."""
        if phrase is None or not phrase.strip():
            return None
        text = phrase.strip()
        if _ISO_DATE.match(text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                return None
            return TimeSpan("time", midnight(day, self.tz), self._day_end(day), "day")
        if _ISO_MOMENT.match(text):
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
            if moment.tzinfo is None:  # the user's wall clock, DST gaps moved forward
                moment = moment.replace(tzinfo=self.tz).astimezone(UTC)
            moment = moment.astimezone(self.tz)
            return TimeSpan("time", moment, plus(moment, 60, self.tz), "minute")
        return read_time(
            text, now=self.now, tz=self.tz, lang=self.lang, month_first=self.month_first
        )

    def _day_end(self, day: date) -> datetime:
        return midnight(day + timedelta(days=1), self.tz)

    def window(
        self, start_phrase: str | None, end_phrase: str | None
    ) -> tuple[datetime | None, datetime | None]:
        """A half-open window: one phrase is its own span, two are its two ends."""
        first = self.span(start_phrase)
        last = self.span(end_phrase)
        if first is None or first.kind == "duration":
            return None, None
        start = first.start
        end = first.end
        if last is not None and last.kind != "duration":
            if last.grain in DAY_GRAINS or last.kind == "interval":
                end = last.end or last.start
            else:
                end = last.start
        if start is None and end is not None:
            start = self.now
        if start is not None and end is None:
            end = self._day_end(start.astimezone(self.tz).date())
        if start is None or end is None or end <= start:
            return None, None
        return start, end

    def new_event_start(self, span: TimeSpan) -> tuple[datetime | None, datetime | None]:
        """Start and (if said) end of a new event; a part of day alone starts at SPEC §2's hour."""
        if span.start is None:
            return None, None
        if span.kind == "interval" and span.end is not None:
            local = span.start.astimezone(self.tz)
            length = span.end - span.start
            if length >= timedelta(hours=3) and local.minute == 0 and local.hour in PART_STARTS:
                begin = local.replace(hour=PART_STARTS[local.hour])
                return begin.astimezone(UTC).astimezone(self.tz), None
            return span.start, span.end
        return span.start, None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = " ".join(text.split())
    return stripped or None


def _recurrence(rule: str | None) -> str | None:
    if rule is None:
        return None
    text = rule.strip().upper()
    if not _RRULE.match(text):
        return None
    return text.removeprefix("RRULE:")


def _target(args: BaseModel | None, reader: TimeReader) -> EventTarget | None:
    if args is None:
        return None
    title = _clean(getattr(args, "title", None))
    start = None
    range_start = range_end = None
    point = reader.span(getattr(args, "start", None))
    if point is not None and point.start is not None:
        if point.grain in DAY_GRAINS or point.kind == "interval":
            range_start, range_end = point.start, point.end
        else:
            start = point.start
    said_start, said_end = reader.window(
        getattr(args, "range_start", None), getattr(args, "range_end", None)
    )
    if said_start is not None:
        range_start, range_end = said_start, said_end
    previous = getattr(args, "previous", False) is True  # "it", «её»: the conversation knows
    if title is None and start is None and range_start is None and not previous:
        return None
    return EventTarget(
        title=title, start=start, range_start=range_start, range_end=range_end, previous=previous
    )


def to_command(tool: Tool, args: BaseModel, reader: TimeReader) -> Command:
    """The Command a validated call asks for; what it lacks is listed in `missing`."""
    assert tool.intent is not None
    intent = tool.intent
    lang = reader.lang
    match intent:
        case Intent.CREATE_EVENT | Intent.CREATE_REMINDER:
            return _creation(intent, args, reader)
        case Intent.LIST_EVENTS | Intent.FIND_FREE_SLOTS:
            start, end = reader.window(
                getattr(args, "range_start", None), getattr(args, "range_end", None)
            )
            return Command(
                intent=intent,
                lang=lang,
                range_start=start,
                range_end=end,
                duration_minutes=getattr(args, "duration_minutes", None),
            )
        case Intent.SEARCH_EVENTS:
            target = _target(getattr(args, "target", None), reader)
            missing = () if target is not None else (Missing.TARGET,)
            return Command(intent=intent, lang=lang, target=target, missing=missing)
        case Intent.DELETE_EVENT:
            target = _target(getattr(args, "target", None), reader)
            start, end = reader.window(
                getattr(args, "range_start", None), getattr(args, "range_end", None)
            )
            missing = () if target is not None or start is not None else (Missing.TARGET,)
            return Command(
                intent=intent,
                lang=lang,
                target=target,
                range_start=start,
                range_end=end,
                missing=missing,
            )
        case Intent.UPDATE_EVENT:
            return _update(args, reader)
        case _:
            return Command(intent=intent, lang=lang)


def _creation(intent: Intent, args: BaseModel, reader: TimeReader) -> Command:
    title = _clean(getattr(args, "title", None))
    all_day = bool(getattr(args, "all_day", False))
    span = reader.span(getattr(args, "start", None))
    duration = getattr(args, "duration_minutes", None)
    target = _target(getattr(args, "target", None), reader)
    lead = getattr(args, "reminder_minutes_before", None)
    missing: list[Missing] = []
    start = end = None
    day = None
    if intent is Intent.CREATE_REMINDER and lead is not None and target is not None:
        return Command(intent=intent, lang=reader.lang, target=target, reminder_minutes_before=lead)
    if intent is Intent.CREATE_REMINDER and title is not None and _lead_in_title(title, reader):
        # "Before my dentist appointment" tonight: a time against an event, asked about.
        return Command(intent=intent, lang=reader.lang, missing=(Missing.TARGET,))
    if span is not None and span.kind != "duration" and span.start is not None:
        if all_day or (span.grain in DAY_GRAINS and span.kind == "time"):
            day = span.start.astimezone(reader.tz).date()
            if all_day:
                start, end = midnight(day, reader.tz), reader._day_end(day)
                last = reader.span(getattr(args, "end", None))
                if last is not None and last.start is not None and last.start > start:
                    end = reader._day_end(last.start.astimezone(reader.tz).date())
                    if last.grain in DAY_GRAINS and last.end is not None:
                        end = last.end
                day = None
            else:
                missing.append(Missing.TIME)
        else:
            start, end = reader.new_event_start(span)
    else:
        missing += [Missing.DATE, Missing.TIME]
    if start is not None and not all_day:
        last = reader.span(getattr(args, "end", None))
        if last is not None and last.start is not None and last.start > start:
            end = last.start
        elif duration is not None:
            end = plus(start, duration * 60, reader.tz)
        elif end is None and intent is Intent.CREATE_EVENT:
            end = plus(start, reader.default_minutes * 60, reader.tz)
    if title is None:
        missing.insert(0, Missing.TITLE)
    return Command(
        intent=intent,
        lang=reader.lang,
        title=title,
        start=start,
        end=end,
        all_day=all_day and start is not None,
        day=day,
        duration_minutes=None,
        recurrence=_recurrence(getattr(args, "recurrence", None)),
        reminder_minutes_before=lead,
        target=target,
        location=_clean(getattr(args, "location", None)),
        attendees=tuple(a for a in (_clean(x) for x in getattr(args, "attendees", ())) if a),
        missing=tuple(missing),
    )


def _lead_in_title(title: str, reader: TimeReader) -> bool:
    """The model's reminder title opens with "before"/«накануне» + more (`names_a_lead`)."""
    tokens = tokenize(title)
    return names_a_lead(tokens, tuple(range(len(tokens))), cues(reader.lang))


def _clock_only(phrase: str | None, reader: TimeReader) -> bool:
    """True when `phrase` names a time of day and no day («на 11», "2pm", not ISO)."""
    if phrase is None or _ISO_MOMENT.match(phrase.strip()) or _ISO_DATE.match(phrase.strip()):
        return False
    _, pieces, _ = read_pieces(
        phrase, now=reader.now, tz=reader.tz, lang=reader.lang, month_first=reader.month_first
    )
    said = combine(pieces)
    return (
        said.clock is not None
        and said.day is None
        and said.period is None
        and said.instant is None
        and said.recurrence is None
    )


def _update(args: BaseModel, reader: TimeReader) -> Command:
    target = _target(getattr(args, "target", None), reader)
    said = getattr(args, "changes", None)
    new_start = new_end = None
    day = None
    title = _clean(getattr(said, "title", None)) if said is not None else None
    duration = getattr(said, "duration_minutes", None) if said is not None else None
    span = reader.span(getattr(said, "start", None)) if said is not None else None
    if span is not None and span.start is not None and span.kind != "duration":
        if span.grain in DAY_GRAINS and span.kind == "time":
            day = span.start.astimezone(reader.tz).date()
        else:
            new_start, new_end = reader.new_event_start(span)
    last = reader.span(getattr(said, "end", None)) if said is not None else None
    if (
        last is not None
        and last.start is not None
        and (new_start is None or last.start > new_start)
    ):
        new_end = last.start
    shift = getattr(said, "shift_minutes", None) if said is not None else None
    end_shift = getattr(said, "end_shift_minutes", None) if said is not None else None
    changes = None
    if any(v is not None for v in (new_start, new_end, title, duration, shift, end_shift)):
        changes = EventChanges(
            start=new_start,
            end=new_end,
            title=title,
            duration_minutes=duration,
            # "to 2pm": a clock time with no day keeps the event's own day
            time_only=new_start is not None and _clock_only(getattr(said, "start", None), reader),
            shift_minutes=shift or None,
            end_shift_minutes=end_shift or None,
        )
    missing: list[Missing] = []
    if target is None:
        missing.append(Missing.TARGET)
    if changes is None and day is None:
        missing.append(Missing.TIME)
    return Command(
        intent=Intent.UPDATE_EVENT,
        lang=reader.lang,
        target=target,
        changes=changes,
        day=day,
        missing=tuple(missing),
    )
