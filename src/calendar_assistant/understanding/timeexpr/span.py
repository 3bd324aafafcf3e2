"""`read_time`: the span of time a whole text denotes (SPEC.md §3b)."""

from __future__ import annotations

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
    """The span of a combined reading, by the rules of SPEC §2."""
    if r.empty or r.invalid:
        return None
    tz = res.tz
    if r.recurrence is not None:
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
    only_amount = not (
        r.has_day or r.has_time or r.end_bound or r.start_bound or r.clock_end or r.all_day
    )
    if only_amount:
        seconds = r.duration_seconds if r.duration_seconds is not None else r.lead_seconds
        if seconds is None:
            return None
        return TimeSpan(
            "duration", grain=r.duration_grain or "minute", duration_seconds=int(seconds)
        )
    if r.clock is not None and (r.clock_end is not None or r.duration_seconds is not None):
        start = res.start(r)
        if start is None:
            return None
        return TimeSpan("interval", start, res.end(r, start, 3600), "minute")
    if (r.end_bound is not None or r.start_bound is not None) and r.clock is None:
        start, end = res.open_window(r)
        if r.day is not None and r.end_bound is not None and r.end_bound.kind == Kind.CLOCK:
            start = None
        return TimeSpan("interval", start, end, _bound_grain(r))
    if r.clock is not None and r.end_bound is not None:
        start = res.start(r)
        if start is None:
            return None
        return TimeSpan("interval", start, res.end(r, start, 3600), "minute")
    if r.period is not None and r.day is None and r.clock is None:
        window = res.window(r)
        if window is None:
            return None
        grain = r.period[2] if r.part is None else "hour"
        return TimeSpan("interval", window[0], window[1], grain)
    if r.part is not None and r.clock is None and r.instant is None:
        day = r.day or res.today
        lo, hi = PART_WINDOW[r.part]
        return TimeSpan("interval", local(day, lo, 0, tz), local(day, hi, 0, tz), "hour")
    if r.instant is not None:
        start = res.start(r)
        assert start is not None
        return TimeSpan("time", start, plus(start, 60, tz), "minute")
    if r.clock is not None:
        start = res.start(r)
        if start is None:
            return None
        grain = _clock_grain(r)
        return TimeSpan("time", start, plus(start, 60 if grain == "minute" else 3600, tz), grain)
    if r.day is not None:
        return TimeSpan("time", midnight(r.day, tz), midnight(r.day + timedelta(days=1), tz), "day")
    if r.all_day:
        return None
    return None


def _bound_grain(r: Reading) -> str:
    bound = r.end_bound or r.start_bound
    if bound is None:
        return "day"
    if bound.kind == Kind.CLOCK:
        return "minute" if bound.clock is not None and bound.clock.precise else "hour"
    return "day" if bound.kind == Kind.DAY else bound.grain
