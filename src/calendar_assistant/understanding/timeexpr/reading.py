"""From pieces to meaning: combine the pieces of one expression and resolve them (SPEC §2).

The grammar finds pieces («в пятницу», «в 3», «дня»); a Reading puts them together («в
пятницу в 3 часа дня» is Friday 15:00) and answers the questions the rules ask: the start
of a new event, the window a question is about, the recurrence rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, HOURLY, MONTHLY, WEEKLY, YEARLY, rrule, weekday

from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece, Recurrence
from calendar_assistant.understanding.timeexpr.zones import ZONE_KEY

# SPEC §2: a part of the day alone, for a new event, and as a window.
PART_POINT = {"morning": 9, "afternoon": 13, "evening": 19, "night": 22, "noon": 12}
PART_WINDOW = {
    "morning": (6, 12),
    "afternoon": (12, 18),
    "evening": (18, 24),
    "night": (22, 30),
    "noon": (12, 14),
}
# A reminder said against an event's day ("the night before", «утром в день вылета»): the
# clock it rings at, inside the part's window above but early enough to act on (the
# evening before: 20:00, not the 22:00 of "tonight"; the morning of: 08:00).
LEAD_PART_POINT = {"morning": 8, "afternoon": 13, "evening": 20, "night": 20, "noon": 12}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQ = {"HOURLY": HOURLY, "DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY, "YEARLY": YEARLY}


def local(day: date, hour: int, minute: int, tz: tzinfo) -> datetime:
    """A wall-clock time in `tz`; a time that does not exist (DST gap) moves forward."""
    extra_days, hour = divmod(hour, 24)
    naive = datetime.combine(day + timedelta(days=extra_days), time(hour, minute))
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz)


def midnight(day: date, tz: ZoneInfo) -> datetime:
    return local(day, 0, 0, tz)


def plus(moment: datetime, seconds: float, tz: ZoneInfo) -> datetime:
    """Elapsed-time arithmetic: 60 minutes are 60 real minutes, across a DST change too."""
    return (moment.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(tz)


def to_24h(clock: Clock, part: str | None) -> tuple[int, int]:
    """The hour on a 24-hour clock, by the word said, the part of day, or SPEC §2's rule."""
    hour, minute = clock.hour, clock.minute
    if clock.meridiem == "am":
        return (0 if hour == 12 else hour), minute
    if clock.meridiem == "pm":
        return (hour + 12 if hour < 12 else hour), minute
    if clock.meridiem == "night":
        if hour == 12:
            return 0, minute
        return (hour + 12 if 6 <= hour < 12 else hour), minute
    if part in ("evening", "afternoon") and hour < 12:
        return hour + 12, minute
    if part == "night" and 6 <= hour < 12:
        return hour + 12, minute
    if part == "morning":
        return (0 if hour == 12 else hour), minute
    if clock.bare and 1 <= hour <= 7:
        return hour + 12, minute
    return hour, minute


@dataclass(slots=True)
class Reading:
    """One time expression, combined from its pieces."""

    pieces: list[Piece] = field(default_factory=list)
    day: date | None = None
    from_weekday: bool = False
    period: tuple[date, date, str] | None = None
    clock: Clock | None = None
    clock_end: Clock | None = None
    part: str | None = None
    instant: datetime | None = None
    duration_seconds: float | None = None
    duration_grain: str | None = None
    recurrence: Recurrence | None = None
    count: int | None = None
    until: date | None = None
    end_bound: Piece | None = None
    start_bound: Piece | None = None
    lead_seconds: float | None = None
    lead_days: int | None = None  # "the night before <event>": days before the event's day
    lead_part: str | None = None  # … and the part of that day (None: the event's own clock)
    all_day: bool = False
    span: bool = False  # the period is a range of days said as such («с 20 по 30 декабря»)
    invalid: bool = False
    monthday: int | None = None
    period_from: datetime | None = None  # "the rest of the day": the period starts now
    period_until: datetime | None = None  # "the next 2 hours": and ends at this moment
    zone: tzinfo | None = None  # the clock was said in this zone («в 16:00 по Москве», UTC+3)

    @property
    def empty(self) -> bool:
        return not self.pieces

    @property
    def has_day(self) -> bool:
        return self.day is not None or self.period is not None or self.instant is not None

    @property
    def has_time(self) -> bool:
        return self.clock is not None or self.instant is not None or self.part is not None


def combine(pieces: list[Piece]) -> Reading:
    """Put pieces together; the first of each kind wins, later ones refine."""
    merge = _Merge(pieces)
    for p in pieces:
        merge.add(p)
    r = merge.reading
    _deadline_day(r)
    _start_day(r)
    if r.period is not None and r.day is not None and r.from_weekday and r.period[2] == "week":
        # «на следующей неделе в среду»: that weekday of the week named
        r.day = r.period[0] + timedelta(days=r.day.weekday())
        r.period = None
    if r.recurrence is not None:
        _refine_recurrence(r, r.recurrence)
    return r


class _Merge:
    """The pieces of one expression folded into a Reading, one kind of piece per method.

    Two facts carry from piece to piece: the weeks a first day was put ahead («через неделю в
    понедельник») and whether the clock so far is only a weak guess («на 8»).
    """

    def __init__(self, pieces: list[Piece]) -> None:
        self.reading = Reading(pieces=list(pieces))
        self.weeks_ahead = 0
        self.weak_clock = False
        self._by_kind: dict[Kind, Callable[[Piece], None]] = {
            Kind.DAY: self._day,
            Kind.PERIOD: self._period,
            Kind.PART: self._part,
            Kind.CLOCK: self._clock,
            Kind.CLOCK_RANGE: self._clock_range,
            Kind.INSTANT: self._instant,
            Kind.DURATION: self._duration,
            Kind.LEAD: self._lead,
            Kind.RECURRENCE: self._recurrence,
            Kind.COUNT: self._count,
            Kind.ALL_DAY: self._all_day,
            Kind.INVALID: self._invalid,
            Kind.BOUND: self._bound,
        }

    def add(self, p: Piece) -> None:
        """Fold one piece in; a kind with no say in the reading is passed over."""
        step = self._by_kind.get(p.kind)
        if step is not None:
            step(p)

    def _day(self, p: Piece) -> None:
        """The first day wins; a later one moves it a week on, or a date beats a weekday."""
        r = self.reading
        if p.monthday is not None and r.monthday is None:
            r.monthday = p.monthday
        if r.day is not None and p.from_weekday and p.day and self.weeks_ahead:
            # «через неделю в понедельник»: the nearest Monday, a week later
            r.day = p.day + timedelta(weeks=self.weeks_ahead)
            r.from_weekday = True
            return
        offset = p.extra.get("week_offset")
        if r.day is not None and r.from_weekday and isinstance(offset, int) and offset:
            r.day = r.day + timedelta(weeks=offset)  # «в пятницу через неделю»
            return
        if r.day is not None and r.from_weekday and not p.from_weekday and p.day:
            r.day, r.from_weekday = p.day, False  # «в среду, 2 декабря»: the date decides
            return
        if r.day is None:
            offset = p.extra.get("week_offset")
            if isinstance(offset, int):
                self.weeks_ahead = offset
            r.day = p.day
            r.from_weekday = p.from_weekday
        if p.part and r.part is None:
            r.part = p.part

    def _period(self, p: Piece) -> None:
        """The first whole period, with the open ends a span may carry."""
        r = self.reading
        if r.period is not None or not p.day or not p.day_end:
            return
        r.period = (p.day, p.day_end, p.grain)
        r.span = bool(p.extra.get("span"))
        since = p.extra.get("from")
        r.period_from = since if isinstance(since, datetime) else None
        until = p.extra.get("until")
        r.period_until = until if isinstance(until, datetime) else None

    def _part(self, p: Piece) -> None:
        """«утром»: the part of the day, and the day it names («завтра утром» in one word)."""
        r = self.reading
        if r.part is None:
            r.part = p.part
        if p.day is not None and r.day is None:
            r.day = p.day

    def _clock(self, p: Piece) -> None:
        """The first clock, unless it was weak and a firm one follows; «до» a clock ends it."""
        r = self.reading
        if p.clock is None:
            return
        if p.day is not None and r.day is None:  # "9 tomorrow morning" carries its day
            r.day = p.day
        if r.clock is None or (self.weak_clock and not _weak(p)):
            r.clock, self.weak_clock = p.clock, _weak(p)  # "for two … at 8pm": 8pm is the time
            r.zone = _zone(p) or r.zone
        elif r.clock_end is None and p.prep in ("до", "по", "to", "till", "until"):
            r.clock_end = p.clock

    def _clock_range(self, p: Piece) -> None:
        """«с 10 до 12», unless a clock was said first."""
        r = self.reading
        if r.clock is None:
            r.clock, r.clock_end = p.clock, p.clock_end
            r.zone = _zone(p) or r.zone

    def _instant(self, p: Piece) -> None:
        """«через 2 часа»: the first moment said."""
        if self.reading.instant is None:
            self.reading.instant = p.instant

    def _duration(self, p: Piece) -> None:
        """«на час»: the first length said."""
        r = self.reading
        if r.duration_seconds is None:
            r.duration_seconds, r.duration_grain = p.seconds, p.grain

    def _lead(self, p: Piece) -> None:
        """«за час»: the first lead said; "the night before <event>": the first lead in days
        (and the part of that day)."""
        r = self.reading
        if "days" in p.extra and r.lead_days is None:
            r.lead_days, r.lead_part = int(str(p.extra["days"])), p.part
        elif r.lead_seconds is None:
            r.lead_seconds = p.seconds

    def _recurrence(self, p: Piece) -> None:
        """The first repeat rule; weekdays said later complete it («раз в неделю по средам»)."""
        r = self.reading
        if p.recurrence is None:
            return
        if p.part and r.part is None:
            r.part = p.part
        if r.recurrence is None:
            r.recurrence = p.recurrence
        elif not r.recurrence.byday and p.recurrence.byday:  # «раз в неделю по средам»
            rec = r.recurrence
            r.recurrence = Recurrence("WEEKLY", rec.interval, p.recurrence.byday)

    def _count(self, p: Piece) -> None:
        """«3 раза»: the last count said."""
        self.reading.count = p.count

    def _all_day(self, p: Piece) -> None:
        """«на весь день»."""
        self.reading.all_day = True

    def _invalid(self, p: Piece) -> None:
        """A date that does not exist («30 февраля»): the reading says so."""
        self.reading.invalid = True

    def _bound(self, p: Piece) -> None:
        """«с понедельника», «до пятницы»: the open ends, the last said of each."""
        if p.inner is None:
            return
        if p.side == "end":
            self.reading.end_bound = p.inner
        else:
            self.reading.start_bound = p.inner


def _refine_recurrence(r: Reading, rec: Recurrence) -> None:
    """A repeat rule takes what was said beside it: «до пятницы» is its last day, «15 числа»
    its day of the month, «каждую неделю в среду» its weekday (no longer a single day)."""
    if r.end_bound is not None and r.end_bound.kind == Kind.DAY and r.end_bound.day:
        r.until, r.end_bound = r.end_bound.day, None
    elif r.end_bound is not None and r.end_bound.kind == Kind.PERIOD and r.end_bound.day:
        r.until, r.end_bound = r.end_bound.day - timedelta(days=1), None
    if rec.freq == "MONTHLY" and r.monthday and rec.bymonthday is None:
        rec = r.recurrence = Recurrence(rec.freq, rec.interval, rec.byday, r.monthday)
        r.day = None
    if rec.freq == "WEEKLY" and not rec.byday and r.from_weekday and r.day:
        r.recurrence = Recurrence(rec.freq, rec.interval, (r.day.weekday(),), rec.bymonthday)
        r.day = None


DEADLINE_PREPS = frozenset({"by", "к", "ко"})


def _deadline_day(r: Reading) -> None:
    """ "remind me to pay by Friday", «сделать к пятнице»: the open interval ends at Friday,
    and a new reminder or event said this way falls on that day (its time is asked)."""
    bound = r.end_bound
    if (
        r.day is None
        and r.period is None
        and r.recurrence is None
        and bound is not None
        and bound.kind == Kind.DAY
        and bound.day is not None
        and bound.prep in DEADLINE_PREPS
    ):
        r.day = bound.day


def deadline_clock(p: Piece) -> Piece | None:
    """«к 8 утра», «не позже 5»: an open interval ending at that clock is what `read_time`
    answers, but in a request it is the time of the event («разбуди меня к 8 утра», «не
    успеваю к 10, передвинь …»), so the parsers read it as that clock (rules with `deadline`)."""
    inner = p.inner
    if p.kind != Kind.BOUND or not p.extra.get("deadline") or inner is None:
        return None
    return replace(inner, start=p.start, end=p.end) if inner.kind == Kind.CLOCK else None


def _start_day(r: Reading) -> None:
    """«с понедельника встреча в 10», «с понедельника каждый день в 8»: a day said as the
    start of an open interval is the day of a time or the first of a repetition."""
    bound = r.start_bound
    if (
        r.day is None
        and r.period is None
        and (r.clock is not None or r.recurrence is not None)
        and bound is not None
        and bound.kind == Kind.DAY
        and bound.day is not None
    ):
        r.day, r.start_bound = bound.day, None


def _zone(p: Piece) -> tzinfo | None:
    zone = p.extra.get(ZONE_KEY)
    return zone if isinstance(zone, tzinfo) else None


def _weak(p: Piece) -> bool:
    """A bare number after «на»/"for" is a time only when nothing better is said."""
    clock = p.clock
    return (
        clock is not None
        and p.prep in ("на", "for", "to")
        and clock.meridiem is None
        and not clock.precise
    )


def _range_start(clock: Clock, end: Clock | None, part: str | None) -> tuple[int, int]:
    """A range's first clock: "7 to 3" (a shift) starts at 7 in the morning, not at 19:00
    running into the next afternoon; a bare hour read as p.m. that would end before it
    began is read as a.m. when that ends the same day."""
    hm = to_24h(clock, part)
    if end is None or not clock.bare or clock.meridiem is not None or part is not None:
        return hm
    end_hour = to_24h(end, part)[0]
    wraps = end.hour % 12 < clock.hour  # "7 to 3"; "7 to 9" stays 19:00 to 21:00
    if wraps and hm[0] >= 12 and clock.hour < 12 and clock.hour < end_hour < hm[0]:
        return clock.hour, hm[1]
    return hm


class Resolver:
    """Answers in datetimes for one reading, given `now` and the zone."""

    def __init__(self, now: datetime, tz: ZoneInfo):
        self.tz = tz
        self.now = now.astimezone(tz)
        self.today = self.now.date()

    def clock_time(self, r: Reading) -> tuple[int, int] | None:
        if r.clock is not None:
            return _range_start(r.clock, r.clock_end, r.part)
        if r.part is not None:
            return PART_POINT[r.part], 0
        return None

    def start(self, r: Reading) -> datetime | None:
        """When a new event or reminder said this way starts (None: the time is missing)."""
        if r.instant is not None:
            moment = r.instant.astimezone(self.tz)
            return moment.replace(second=0, microsecond=0)
        hm = self.clock_time(r)
        if r.recurrence is not None:
            return self.first_occurrence(r, hm)
        if hm is None:
            return None
        said_in = r.zone or self.tz  # «в 16:00 по Москве»: that wall clock, then ours
        if r.day is not None:
            return local(r.day, hm[0], hm[1], said_in).astimezone(self.tz)
        if r.period is not None and r.period[1] - r.period[0] == timedelta(days=1):
            return local(r.period[0], hm[0], hm[1], said_in).astimezone(self.tz)
        today = self.now.astimezone(said_in).date()
        candidate = local(today, hm[0], hm[1], said_in).astimezone(self.tz)
        if candidate <= self.now:
            candidate = local(today + timedelta(days=1), hm[0], hm[1], said_in)
        return candidate.astimezone(self.tz)

    def end(self, r: Reading, start: datetime, default_seconds: float) -> datetime:
        """The end of a new event starting at `start`: a stated end, duration, or the default."""
        if r.clock_end is not None and r.clock is not None:
            said_in = r.zone or self.tz
            there = start.astimezone(said_in)
            h, m = to_24h(r.clock_end, r.part)
            sh = there.hour * 60 + there.minute
            if h * 60 + m <= sh and h < 12:
                h += 12
            end = local(there.date(), h, m, said_in)
            if end <= start:
                end = local(there.date() + timedelta(days=1), h % 24, m, said_in)
            return end.astimezone(self.tz)
        if r.end_bound is not None and r.end_bound.kind == Kind.CLOCK and r.end_bound.clock:
            h, m = to_24h(r.end_bound.clock, r.part)
            end = local(start.date(), h, m, self.tz)
            if end > start:
                return end
        seconds = r.duration_seconds or default_seconds
        return plus(start, seconds, self.tz)

    def first_occurrence(self, r: Reading, hm: tuple[int, int] | None) -> datetime | None:
        rec = r.recurrence
        if rec is None or hm is None:
            return None
        base_day = r.day or self.today
        dtstart = datetime.combine(base_day, time(hm[0] % 24, hm[1]))
        rule = rrule(
            _FREQ[rec.freq],  # type: ignore[arg-type]
            dtstart=dtstart,
            interval=1,  # the first occurrence anchors the series (its DTSTART)
            byweekday=[weekday(d, rec.setpos or None) for d in rec.byday] or None,
            bymonthday=rec.bymonthday,
            count=50,
        )
        now_naive = self.now.replace(tzinfo=None)
        for occurrence in rule:
            candidate = local(occurrence.date(), occurrence.hour, occurrence.minute, self.tz)
            if candidate > self.now or occurrence > now_naive:
                return candidate
        return None

    def first_day(self, r: Reading) -> date | None:
        """The first day of a recurring series said without a time."""
        start = self.first_occurrence(r, (23, 59))
        return start.date() if start else None

    def rrule_text(self, r: Reading, all_day: bool = False) -> str | None:
        rec = r.recurrence
        if rec is None:
            return None
        parts = [f"FREQ={rec.freq}"]
        if rec.interval > 1:
            parts.append(f"INTERVAL={rec.interval}")
        if rec.byday:
            position = str(rec.setpos) if rec.setpos else ""
            parts.append("BYDAY=" + ",".join(position + WEEKDAY_CODES[d] for d in rec.byday))
        if rec.bymonthday:
            parts.append(f"BYMONTHDAY={rec.bymonthday}")
        if r.count:
            parts.append(f"COUNT={r.count}")
        if r.until is not None:
            if all_day:
                parts.append(f"UNTIL={r.until:%Y%m%d}")
            else:
                last = local(r.until, 23, 59, self.tz).replace(second=59).astimezone(UTC)
                parts.append(f"UNTIL={last:%Y%m%dT%H%M%SZ}")
        return ";".join(parts)

    def day_of(self, r: Reading) -> date | None:
        if r.day is not None:
            return r.day
        if r.period is not None and r.period[1] - r.period[0] == timedelta(days=1):
            return r.period[0]
        if r.instant is not None:
            return r.instant.astimezone(self.tz).date()
        return None

    def window(self, r: Reading) -> tuple[datetime | None, datetime | None] | None:
        """The half-open window a question names (a day, part of day, range), as said."""
        if r.clock is not None and r.clock_end is not None:
            day = self.day_of(r)
            start = self.start(Reading(day=day, clock=r.clock, part=r.part, pieces=r.pieces))
            if start is None:
                return None
            return start, self.end(r, start, 3600)
        if r.period is not None and r.day is None:
            start_day, end_day, _ = r.period
            if r.period_from is not None and r.part is None:
                return r.period_from, r.period_until or midnight(end_day, self.tz)
            if r.part is not None:
                lo, hi = PART_WINDOW[r.part]
                if end_day - start_day == timedelta(days=1):
                    return local(start_day, lo, 0, self.tz), local(start_day, hi, 0, self.tz)
            return midnight(start_day, self.tz), midnight(end_day, self.tz)
        if r.part is not None and r.clock is None:
            day = r.day or self.today
            lo, hi = PART_WINDOW[r.part]
            return local(day, lo, 0, self.tz), local(day, hi, 0, self.tz)
        if r.day is not None and r.clock is None:
            day_start = midnight(r.day, self.tz)
            day_end = midnight(r.day + timedelta(days=1), self.tz)
            if r.end_bound is not None or r.start_bound is not None:
                after, before = self.open_window(r)  # «в пятницу после обеда»: rest of the day
                return after or day_start, before or day_end
            return day_start, day_end
        if r.instant is not None:
            return r.instant, plus(r.instant, 60, self.tz)
        if r.clock is not None:
            start = self.start(r)
            if start is None:
                return None
            return start, plus(start, 3600 if not r.clock.precise else 60, self.tz)
        if r.end_bound is not None or r.start_bound is not None:
            return self.open_window(r)
        return None

    def bound_moment(self, piece: Piece, r: Reading) -> datetime | None:
        if piece.kind == Kind.PERIOD and piece.day is not None:
            return midnight(piece.day, self.tz)
        if piece.kind == Kind.DAY and piece.day is not None:
            return midnight(piece.day, self.tz)
        if piece.kind == Kind.INSTANT and piece.instant is not None:
            return piece.instant  # "by Friday noon"
        if piece.kind == Kind.CLOCK and piece.clock is not None:
            h, m = to_24h(piece.clock, r.part)
            day = r.day or self.today
            moment = local(day, h, m, self.tz)
            if r.day is None and moment <= self.now:
                moment = local(day + timedelta(days=1), h, m, self.tz)
            return moment
        return None

    def open_window(self, r: Reading) -> tuple[datetime | None, datetime | None]:
        start = self.bound_moment(r.start_bound, r) if r.start_bound else None
        end = self.bound_moment(r.end_bound, r) if r.end_bound else None
        return start, end
