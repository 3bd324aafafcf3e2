"""The date operations of the compositional grammar on parts of the day, clocks and bounds.

A part of `operations.py` (which imports it, so these are in OPERATIONS): "last night",
"3-4pm", «без десяти шесть», "by Friday noon".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta

from dateutil.relativedelta import relativedelta

from calendar_assistant.understanding.timeexpr.compose import Val
from calendar_assistant.understanding.timeexpr.operations import (
    Args,
    Context,
    Params,
    _day,
    _main,
    _number,
    _period,
    operation,
)
from calendar_assistant.understanding.timeexpr.pieces import Clock
from calendar_assistant.understanding.timeexpr.reading import local, to_24h

# ---------------------------------------------------------------- parts of day, clocks, bounds


@operation("part_on")
def part_on(c: Context, a: Args, p: Params) -> Val | None:
    """A part of day on a day: "last night", "the night before Saturday"."""
    part = a["part"].text if "part" in a else str(p["part"])
    if part == "tonight":
        part = "evening"
    base = _main(a, "day")
    if base is None and p.get("unbound"):  # «под вечер»: the part alone, its day said apart
        return Val("part", text=part)
    day = base.first if base is not None and base.first is not None else c.today
    return Val("part", text=part, first=day + timedelta(days=int(p.get("shift", 0))))


@operation("this_time_on")
def this_time_on(c: Context, a: Args, p: Params) -> Val | None:
    """ "this time tomorrow", «в это же время завтра»: the clock of now on another day (the
    wall clock, so across a DST change it stays 14:00)."""
    base = _main(a, "day")
    if base is None or base.first is None:
        return None
    now = Clock(c.now.hour, c.now.minute, bare=False, precise=True)
    return Val("dayclock", clock=now, first=base.first, text="this_time")


@operation("clock_on")
def clock_on(c: Context, a: Args, p: Params) -> Val | None:
    """ "0930 tomorrow", "1430 on Friday": a clock said before its day, both one piece."""
    base, found = _main(a, "day"), _main(a, "clock")
    if base is None or base.first is None or found is None or found.clock is None:
        return None
    return Val("dayclock", clock=found.clock, first=base.first)


@operation("hour_on_part")
def hour_on_part(c: Context, a: Args, p: Params) -> Val | None:
    """ "9 tomorrow morning", "8 tomorrow evening" without "at": a bare hour said before a
    day and its part of day is that hour on that day, in that half of the day."""
    hour = _number(a, "number", "wordnum")
    base = _main(a, "day")
    part = a["part"].text
    if hour is None or base is None or base.first is None or not 1 <= hour <= 12:
        return None
    if part not in ("morning", "afternoon", "evening", "night", "tonight"):
        return None
    if part == "morning" and hour == 12:
        return None  # "12 tomorrow morning": midnight or noon, not said
    h24, _ = to_24h(Clock(hour % 12 if part == "morning" else hour), part)
    return Val("dayclock", clock=Clock(h24, bare=False), first=base.first)


@operation("weekly_on")
def weekly_on(c: Context, a: Args, p: Params) -> Val | None:
    """«в будни», «в рабочие дни»: a repetition every week on those days (`days`, Monday 0)."""
    days = ",".join(str(int(d)) for d in p["days"])
    return Val("weekly", text=days)


@operation("clock")
def clock(c: Context, a: Args, p: Params) -> Val | None:
    """A clock from numbers: "15h30", "3ish", «двадцать один ноль ноль»."""
    hour = _number(a, "number", "wordnum")
    minute = _number(a, "number2", "wordnum2", "minute")
    if hour is None or not 0 <= hour <= 24 or hour < int(p.get("min_hour", 0)):
        return None
    if minute is None:
        minute = p.get("minute")
    if minute is not None and not int(p.get("min_minute", 0)) <= int(minute) <= 59:
        return None
    if p.get("not_an_hour") and minute is not None and hour < int(minute) <= hour + 4:
        return None  # «в 15-30», «в 9-15» are 15:30, 9:15; «в 15-16», «в 10-12» hours
    meridiem = a["ampm"].text if "ampm" in a else p.get("meridiem")
    bare = meridiem is None and hour <= 12 and not p.get("exact", False)
    precise = minute is not None
    return Val("clock", clock=Clock(hour % 24, int(minute or 0), meridiem, bare, precise))


@operation("clock_range")
def clock_range(c: Context, a: Args, p: Params) -> Val | None:
    """ "3-4pm": a bare first hour takes the half of the day the second says."""
    hour = _number(a, "number")
    second = _main(a, "clock")
    if hour is None or second is None or second.clock is None or second.clock.meridiem is None:
        return None
    end = second.clock
    if not 1 <= hour <= 12:
        return None
    end12 = end.hour % 12 or 12
    same_half = hour == 12 or (hour < end12 and end12 != 12)  # "3-4pm", "12-2pm"
    other = {"am": "pm", "pm": "am"}.get(end.meridiem or "", end.meridiem)
    first = Clock(hour, 0, end.meridiem if same_half else other, bare=False)  # "11-1pm"
    return Val("clockrange", clock=first, inner=second)


@operation("minutes_to")
def minutes_to(c: Context, a: Args, p: Params) -> Val | None:
    """ "twenty to six", «без десяти шесть»: minutes before an hour."""
    minutes = _number(a, "wordnum", "word1", "count", "number")
    target = _main(a, "clock")
    if minutes is None or not 1 <= minutes <= 30 or target is None or target.clock is None:
        return None
    hour = target.clock.hour - 1 if target.clock.hour > 0 else 23
    return Val("clock", clock=replace(target.clock, hour=hour, minute=60 - minutes, precise=True))


@operation("minutes_into")
def minutes_into(c: Context, a: Args, p: Params) -> Val | None:
    """«в пять минут четвёртого»: minutes into the hour the ordinal names (3:05)."""
    minutes, hour = _number(a, "count", "number"), _number(a, "ordinal")
    if minutes is None and "minute" in p:  # «в пятом часу», «в начале пятого»: the hour itself
        minutes = int(p["minute"])
    words = [v.text for v in a.values() if v.type == "word" and v.text.isdigit()]
    if hour is None and words:
        hour = int(words[0])
    if minutes is None or hour is None or not 0 <= minutes <= 59 or not 1 <= hour <= 12:
        return None
    precise = bool(p.get("precise", True))
    return Val("clock", clock=Clock(hour - 1 or 12, minutes, None, bare=True, precise=precise))


@operation("zoned")
def zoned(c: Context, a: Args, p: Params) -> Val | None:
    """A clock said in a UTC offset: "3pm UTC+3"."""
    found, zone = a.get("clock"), a.get("offset")
    if found is None or zone is None:
        return None
    return replace(found, zone=zone.zone)


@operation("bound")
def bound(c: Context, a: Args, p: Params) -> Val | None:
    """An open side: "since Monday", "by Friday", "after Christmas" (the day after it)."""
    inner = _main(a, "day", "clock", "period", "instant")
    if inner is None:
        return None
    if p.get("next_day") and inner.type == "day" and inner.first is not None:
        inner = _day(inner.first + timedelta(days=1))
    if inner.type == "period" and p.get("side") == "end" and inner.last is not None:
        inner = _period(inner.last, inner.last, str(p.get("grain", inner.grain)))
    # `deadline`: «к 5 вечера» is that clock where a request makes an event (`deadline_clock`)
    return Val("bound", text=str(p["side"]), inner=inner, named=bool(p.get("deadline")))


@operation("bound_end_of")
def bound_end_of(c: Context, a: Args, p: Params) -> Val | None:
    """Until the end of this day, week, month, year: "by EOM", "by EOD"."""
    unit = str(p["unit"])
    end = c.grammar.period_of(unit, 0)[1]
    return Val("bound", text="end", inner=_period(end, end, unit))


@operation("bound_day_end")
def bound_day_end(c: Context, a: Args, p: Params) -> Val | None:
    """Until the end of a day said: "EOD Friday", «в пятницу до конца дня», «до конца пятницы».
    The bound is the next midnight, like "by EOD" for today, so no day of an event is set."""
    day = _main(a, "day")
    if day is None or day.first is None:
        return None
    end = day.first + timedelta(days=1)
    return Val("bound", text="end", inner=_period(end, end, "day"))


@operation("month_of_year")
def month_of_year(c: Context, a: Args, p: Params) -> Val | None:
    """ "in March next year", «в декабре прошлого года»: the month of the year named."""
    steps = {"this": 0, "nearest": 0, "next": 1, "last": -1}
    if "month" not in a or "dir" not in a or a["dir"].text not in steps:
        return None
    first = date(c.today.year + steps[a["dir"].text], a["month"].num, 1)
    return _period(first, first + relativedelta(months=1), "month")


@operation("monthly_nth")
def monthly_nth(c: Context, a: Args, p: Params) -> Val | None:
    """ "every first Monday of the month", «в последнюю пятницу каждого месяца": a monthly
    repetition on that weekday of each month (RRULE BYDAY=1MO, -1FR)."""
    nth = -1 if "last" in a else _number(a, "ordinal", "number")
    if nth is None or not (1 <= nth <= 5 or nth == -1) or "weekday" not in a:
        return None
    return Val("monthly_nth", num=a["weekday"].num, text=str(nth))


@operation("bound_at")
def bound_at(c: Context, a: Args, p: Params) -> Val | None:
    """ "by Friday noon": until a clock time on a day said (the bare-hour rule applies)."""
    day, found = _main(a, "day"), _main(a, "clock")
    if day is None or day.first is None or found is None or found.clock is None:
        return None
    hour, minute = to_24h(found.clock, None)
    moment = local(day.first, hour, minute, c.now.tzinfo or UTC)
    return Val("bound", text="end", inner=Val("instant", moment=moment))


@operation("week_of")
def week_of(c: Context, a: Args, p: Params) -> Val | None:
    """ "the week of Dec 7": Monday to Monday around that day."""
    day = _main(a, "day")
    if day is None or day.first is None:
        return None
    monday = day.first - timedelta(days=day.first.weekday())
    return _period(monday, monday + timedelta(weeks=1), "week")


@operation("weekend_of")
def weekend_of(c: Context, a: Args, p: Params) -> Val | None:
    """ "the weekend of the 19th": the Saturday and Sunday that day is in, else the weekend
    nearest it (Monday and Tuesday: the one before; Wednesday to Friday: the one after)."""
    day = _main(a, "day")
    if day is None or day.first is None:
        return None
    weekday = day.first.weekday()
    if weekday == 6:
        shift = -1
    elif weekday < 2:
        shift = -(weekday + 2)  # Monday: the Saturday two days before; Tuesday: three
    else:
        shift = 5 - weekday  # Wednesday to Saturday: this week's Saturday
    saturday = day.first + timedelta(days=shift)
    return _period(saturday, saturday + timedelta(days=2), "day")


@operation("bound_clock")
def bound_clock(c: Context, a: Args, p: Params) -> Val | None:
    """An open side at a fixed clock: «к обеду» (by 12:00)."""
    hour = int(p["hour"])
    inner = Val("clock", clock=Clock(hour, 0, "pm" if hour >= 12 else "am", bare=False))
    return Val("bound", text=str(p["side"]), inner=inner)
