"""`read_time`: the span of time a whole text denotes (SPEC.md §3b)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.lang_detect import detect_language
from calendar_assistant.understanding.timeexpr.grammar import Grammar
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.timeexpr.reading import (
    PART_WINDOW,
    Reading,
    Resolver,
    combine,
    local,
    midnight,
    plus,
)
from calendar_assistant.understanding.timeexpr.vocabulary import vocabulary
from calendar_assistant.understanding.tokens import Token, clean, tokenize


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """What a time expression denotes: a point at some grain, an interval or a duration."""

    kind: str  # "time", "interval" or "duration"
    start: datetime | None = None
    end: datetime | None = None
    grain: str | None = None
    duration_seconds: int | None = None
    recurrence: str | None = None


def read_pieces(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang | None = None,
    ranges: bool = True,
    month_first: bool | None = None,
) -> tuple[list[Token], list[Piece], Lang]:
    """Tokens of `text` and the time pieces found in them (for the intent rules).

    `month_first` is the user's setting for numeric dates (11/25); None follows the zone.
    """
    cleaned = clean(text)
    language = lang or detect_language(cleaned)
    tokens = tokenize(cleaned)
    pieces = Grammar(
        tokens, vocabulary(language), now, tz, ranges=ranges, month_first=month_first
    ).scan()
    return tokens, pieces, language


def read_time(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang | None = None,
    month_first: bool | None = None,
) -> TimeSpan | None:
    """SPEC §3b: what span of time the whole text denotes; None when it holds no time."""
    try:
        _, pieces, _ = read_pieces(text, now=now, tz=tz, lang=lang, month_first=month_first)
        return span_of(combine(pieces), Resolver(now, tz))
    except (ValueError, OverflowError):
        return None


def _clock_grain(r: Reading) -> str:
    return "minute" if r.clock is not None and r.clock.precise else "hour"


def span_of(r: Reading, res: Resolver) -> TimeSpan | None:
    """The span of a combined reading, by the rules of SPEC §2: the first shape in
    `_SHAPES` the reading has decides how it is read."""
    if r.empty or r.invalid:
        return None
    for has_shape, read in _SHAPES:
        if has_shape(r):
            return read(r, res)
    return None


def _repeating(r: Reading, res: Resolver) -> TimeSpan | None:
    """A recurrence: its first occurrence (a whole day when no clock was said)."""
    tz = res.tz
    start = res.start(r)
    if start is None:
        day = res.first_day(r)
        if day is None:
            return None
        return TimeSpan(
            "time", midnight(day, tz), midnight(day + timedelta(days=1), tz), "day",
            recurrence=res.rrule_text(r),
        )  # fmt: skip
    grain = _clock_grain(r)
    step = 60 if grain == "minute" else 3600
    return TimeSpan("time", start, plus(start, step, tz), grain, recurrence=res.rrule_text(r))


def _only_amount(r: Reading) -> bool:
    return not (r.has_day or r.has_time or r.end_bound or r.start_bound or r.clock_end or r.all_day)


def _amount(r: Reading, res: Resolver) -> TimeSpan | None:
    """Only an amount of time ("for two hours", "15 minutes before")."""
    seconds = r.duration_seconds if r.duration_seconds is not None else r.lead_seconds
    if seconds is None:
        return None
    return TimeSpan("duration", grain=r.duration_grain or "minute", duration_seconds=int(seconds))


def _clock_interval(r: Reading, res: Resolver) -> TimeSpan | None:
    """A clock with an end, a length or an end bound: "10 to 12", "at 3 for an hour"."""
    start = res.start(r)
    if start is None:
        return None
    return TimeSpan("interval", start, res.end(r, start, 3600), "minute")


def _open(r: Reading, res: Resolver) -> TimeSpan | None:
    """Since, after, before, until: a window open at one end."""
    start, end = res.open_window(r)
    if r.day is not None and r.end_bound is not None and r.end_bound.kind == Kind.CLOCK:
        start = None
    return TimeSpan("interval", start, end, _bound_grain(r))


def _period(r: Reading, res: Resolver) -> TimeSpan | None:
    """A week, a month, the next three days, the end of the year."""
    window = res.window(r)
    if window is None:
        return None
    grain = r.period[2] if r.period is not None and r.part is None else "hour"
    return TimeSpan("interval", window[0], window[1], grain)


def _part(r: Reading, res: Resolver) -> TimeSpan | None:
    """A part of a day (today's if none is named): "tomorrow evening", «утром»."""
    assert r.part is not None
    day = r.day or res.today
    lo, hi = PART_WINDOW[r.part]
    return TimeSpan("interval", local(day, lo, 0, res.tz), local(day, hi, 0, res.tz), "hour")


def _instant(r: Reading, res: Resolver) -> TimeSpan | None:
    """ "Now", "right now", "in 20 minutes": one minute from that moment."""
    start = res.start(r)
    assert start is not None
    return TimeSpan("time", start, plus(start, 60, res.tz), "minute")


def _clock(r: Reading, res: Resolver) -> TimeSpan | None:
    """A clock time (on a day, or the next one): a minute, or an hour for "at 3"."""
    start = res.start(r)
    if start is None:
        return None
    grain = _clock_grain(r)
    return TimeSpan("time", start, plus(start, 60 if grain == "minute" else 3600, res.tz), grain)


def _day(r: Reading, res: Resolver) -> TimeSpan | None:
    """A day: midnight to midnight in the user's zone."""
    assert r.day is not None
    tz = res.tz
    return TimeSpan("time", midnight(r.day, tz), midnight(r.day + timedelta(days=1), tz), "day")


_SHAPES: tuple[tuple[Callable[[Reading], bool], Callable[[Reading, Resolver], TimeSpan | None]], ...] = (
    (lambda r: r.recurrence is not None, _repeating),
    (_only_amount, _amount),
    (lambda r: r.clock is not None and (r.clock_end is not None or r.duration_seconds is not None),
     _clock_interval),
    (lambda r: (r.end_bound is not None or r.start_bound is not None) and r.clock is None, _open),
    (lambda r: r.clock is not None and r.end_bound is not None, _clock_interval),
    (lambda r: r.period is not None and r.day is None and r.clock is None, _period),
    (lambda r: r.part is not None and r.clock is None and r.instant is None, _part),
    (lambda r: r.instant is not None, _instant),
    (lambda r: r.clock is not None, _clock),
    (lambda r: r.day is not None, _day),
)  # fmt: skip


def _bound_grain(r: Reading) -> str:
    bound = r.end_bound or r.start_bound
    if bound is None:
        return "day"
    if bound.kind == Kind.CLOCK:
        return "minute" if bound.clock is not None and bound.clock.precise else "hour"
    return "day" if bound.kind == Kind.DAY else bound.grain
