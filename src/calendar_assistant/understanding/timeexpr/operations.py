"""The date operations of the compositional grammar: language-neutral calendar arithmetic.

Each operation takes the values a rule matched (by symbol name) and the rule's `params`, and
returns a value or None when the pieces make no date (the 5th Monday of a short month). The
words never reach here: a rule in `data/rules_<lang>.toml` names the operation.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from dateutil.relativedelta import relativedelta

from calendar_assistant.understanding.timeexpr.compose import Val
from calendar_assistant.understanding.timeexpr.pieces import Clock

if TYPE_CHECKING:
    from calendar_assistant.understanding.timeexpr.grammar import Grammar

Args = dict[str, Val]
Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Context:
    now: datetime
    today: date
    grammar: Grammar


Operation = Callable[[Context, Args, Params], Val | None]
OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    def register(fn: Operation) -> Operation:
        OPERATIONS[name] = fn
        return fn

    return register


@lru_cache(maxsize=1)
def calendar_data() -> dict[str, Any]:
    """Holidays, seasons and edges of periods (`data/calendar.toml`)."""
    text = (
        resources.files("calendar_assistant.understanding.timeexpr")
        .joinpath("data", "calendar.toml")
        .read_text(encoding="utf-8")
    )
    return tomllib.loads(text)


def _main(a: Args, *types: str) -> Val | None:
    """The first matched value of one of `types` (any non-word when none are given)."""
    for val in a.values():
        if (val.type in types) if types else val.type != "word":
            return val
    return None


def _number(a: Args, *names: str) -> int | None:
    for name in names:
        if name in a:
            return a[name].num
    return None


def _year(a: Args) -> int | None:
    return _number(a, "year", "year2", "year_said")


def _day(d: date) -> Val:
    return Val("day", first=d)


def _period(first: date, last: date, grain: str, *, text: str = "", named: bool = False) -> Val:
    return Val("period", first=first, last=last, grain=grain, text=text, named=named)


def _month_start(d: date) -> date:
    return d.replace(day=1)


# ---------------------------------------------------------------- values passed on


@operation("same")
def same(c: Context, a: Args, p: Params) -> Val | None:
    """A construction that only wraps another («в» + a day): its value unchanged."""
    return _main(a)


@operation("relday")
def relday(c: Context, a: Args, p: Params) -> Val | None:
    shift = int(a["relday"].text) if "relday" in a else int(p.get("days", 0))
    return _day(c.today + timedelta(days=shift))


@operation("weekday")
def weekday(c: Context, a: Args, p: Params) -> Val | None:
    """A weekday resolved in the direction the rule says ("since Monday": the last one)."""
    direction = a["dir"].text if "dir" in a else p.get("dir")
    found = c.grammar.resolve_weekday(a["weekday"].num, direction)
    return _day(found + timedelta(weeks=int(p.get("weeks", 0))))


# ---------------------------------------------------------------- months and their days


@operation("month_named")
def month_named(c: Context, a: Args, p: Params) -> Val | None:
    month = a["month"].num
    year = _year(a)
    named = year is None
    if year is None:
        year = c.today.year + (1 if month < c.today.month else 0)
    first = date(year, month, 1)
    return _period(first, first + relativedelta(months=1), "month", named=named)


@operation("period_rel")
def period_rel(c: Context, a: Args, p: Params) -> Val | None:
    """This/next/last week, month, quarter, year; a unit alone is the current one."""
    unit = a["unit"].text if "unit" in a else str(p["unit"])
    if unit not in p.get("units", ("week", "month", "quarter", "year", "day")):
        return None  # «на весь день» is an all-day event, not today's period
    steps = {"this": 0, "nearest": 0, "next": 1, "last": -1}
    step = steps.get(a["dir"].text, 0) if "dir" in a else int(p.get("step", 0))
    first, last = c.grammar.period_of(unit, step)
    bare = "dir" not in a and "step" not in p  # «месяца», "the month": no this/next said
    grain = "day" if unit == "weekend" else unit  # a weekend is two days, as elsewhere
    return _period(first, last, grain, text="bare" if bare else "")


@operation("spoken_year")
def spoken_year(c: Context, a: Args, p: Params) -> Val | None:
    """A year said in words: "twenty twenty seven", "nineteen ninety", "twenty oh five",
    "two thousand and six", «две тысячи двадцать седьмого». The century word's value is
    its first two digits; after it come two more digits (10–99), or 1–9 after "oh", or
    0–99 after a thousand."""
    century = int((a.get("century") or a["thousand"]).text)
    said = a.get("number") or a.get("wordnum") or a.get("anynum")
    n = said.num if said is not None else 0
    low, high = (0, 99) if p.get("thousand") else ((1, 9) if p.get("oh") else (10, 99))
    if said is None and not p.get("thousand"):
        return None
    if not low <= n <= high:
        return None
    return Val("number", century * 100 + n)


@operation("year_period")
def year_period(c: Context, a: Args, p: Params) -> Val | None:
    year = _year(a)
    if year is None:
        return None
    return _period(date(year, 1, 1), date(year + 1, 1, 1), "year")


def _ahead(c: Context, month: Val, pick: Callable[[date, date], date | None]) -> Val | None:
    """The day `pick` chooses in the month; a month said by name moves a year on if past."""
    if month.first is None or month.last is None:
        return None
    if month.grain not in ("week", "month", "quarter", "year"):
        return None
    found = pick(month.first, month.last)
    if found is not None and found < c.today and month.named:
        first = month.first + relativedelta(years=1)
        found = pick(first, first + relativedelta(months=1))
    elif found is not None and found < c.today and month.text == "bare" and month.grain == "month":
        first = month.last  # «в первый понедельник месяца» after it: next month's
        found = pick(first, first + relativedelta(months=1))
    return None if found is None else _day(found)


@operation("nth_weekday")
def nth_weekday(c: Context, a: Args, p: Params) -> Val | None:
    """The first/second/.../last Monday of a month."""
    wd = a["weekday"].num
    nth = -1 if "last" in a else _number(a, "ordinal", "number")
    if nth is None or nth == 0 or nth > 5:
        return None

    def pick(first: date, after: date) -> date | None:
        return _nth_weekday_in(first, after, wd, nth)

    return _ahead(c, a["month_ref"], pick)


@operation("nth_week")
def nth_week(c: Context, a: Args, p: Params) -> Val | None:
    """The first/second/last week or weekend of a month. A month's first week is the one
    (Monday to Sunday) holding its 1st, its last the one holding its last day."""
    kind = next((v.text for v in a.values() if v.text in ("week", "weekend")), "")
    nth = -1 if "last" in a else _number(a, "ordinal", "number")
    if not kind or nth is None or nth == 0 or nth > 5:
        return None

    def pick(first: date, after: date) -> date | None:
        if kind == "weekend":
            return _nth_weekday_in(first, after, 5, nth)
        anchor = after - timedelta(days=1) if nth < 0 else first
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=max(nth - 1, 0))
        return monday if monday < after else None

    found = _ahead(c, a["month_ref"], pick)
    if found is None or found.first is None:
        return None
    length = 2 if kind == "weekend" else 7
    grain = "day" if kind == "weekend" else "week"
    return _period(found.first, found.first + timedelta(days=length), grain)


def _nth_weekday_in(first: date, after: date, wd: int, nth: int) -> date | None:
    if nth < 0:
        last = after - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - wd) % 7)
    found = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (nth - 1))
    return found if found < after else None


@operation("nth_day")
def nth_day(c: Context, a: Args, p: Params) -> Val | None:
    """The Nth day of a month; `last` is its last day."""
    n = -1 if "last" in a else _number(a, "ordinal", "daynum", "number")
    if n is None:
        n = int(p.get("day", 1))

    def pick(first: date, after: date) -> date | None:
        if n < 0:
            return after - timedelta(days=1)
        found = first + timedelta(days=n - 1)
        return found if found < after else None

    return _ahead(c, a["month_ref"], pick)


@operation("nth_workday")
def nth_workday(c: Context, a: Args, p: Params) -> Val | None:
    """The Nth (or last) working day of a month or other period: Monday to Friday (public
    holidays are not known here, so 1 January 2027, a Friday, is the first one)."""
    n = -1 if "last" in a else _number(a, "ordinal", "number")
    period = a.get("month_ref") or a.get("period_ref")
    if n is None or n == 0 or period is None:
        return None

    def pick(first: date, after: date) -> date | None:
        days = [first + timedelta(days=k) for k in range((after - first).days)]
        workdays = [d for d in days if d.weekday() < 5]
        if n < 0:
            return workdays[-1] if workdays else None
        return workdays[n - 1] if n <= len(workdays) else None

    return _ahead(c, period, pick)


@operation("date")
def full_date(c: Context, a: Args, p: Params) -> Val | None:
    """Day, month and maybe a year («5 дек. 2027», "Dec 5 '27")."""
    found = c.grammar.resolve_date(a["month"].num, a["daynum"].num, _year(a))
    return None if found is None else _day(found)


# ---------------------------------------------------------------- ranges and windows


@operation("span")
def span(c: Context, a: Args, p: Params) -> Val | None:
    """From one day to another, both included: «с 5.12 по 7.12»."""
    days = [v for v in a.values() if v.type in ("day", "period")]
    if len(days) != 2:
        return None
    first, last = days
    if first.first is None or last.first is None:
        return None
    end = last.last if last.type == "period" and last.last else last.first + timedelta(days=1)
    if end <= first.first and last.text == "weekday":  # "Friday to Monday": the one after
        end += timedelta(weeks=1 + (first.first - end).days // 7)
    if end <= first.first:
        return None
    return _period(first.first, end, "day", text="span")


@operation("day_range")
def day_range(c: Context, a: Args, p: Params) -> Val | None:
    """Days of one month or across two: "5-7 dec", «с 30 декабря по 2 января»."""
    month_b = a.get("month2", a["month"]).num
    month_a = a["month"].num
    year = _year(a)
    last = c.grammar.resolve_date(month_b, a["daynum2"].num, year)
    if last is None:
        return None
    first = date(last.year, month_a, a["daynum"].num)
    if first > last:
        first = first.replace(year=first.year - 1)
    return _period(first, last + timedelta(days=1), "day", text="span")


@operation("monthday_range")
def monthday_range(c: Context, a: Args, p: Params) -> Val | None:
    """«с 20 по 25 число», "from the 20th to the 25th": the next such days ahead."""
    days = [v.num for v in a.values() if v.type == "number"]
    if len(days) != 2:
        return None
    first_day, last_day = days
    first = c.grammar.next_monthday(first_day)
    if first is None or last_day <= first_day:
        return None
    last = first.replace(day=1) + timedelta(days=last_day - 1)
    if last.month != first.month:
        return None
    return _period(first, last + timedelta(days=1), "day", text="span")


def _units(n: int, unit: str) -> relativedelta:
    sizes = {
        "day": relativedelta(days=n),
        "week": relativedelta(weeks=n),
        "fortnight": relativedelta(weeks=2 * n),
        "month": relativedelta(months=n),
        "quarter": relativedelta(months=3 * n),
        "year": relativedelta(years=n),
    }
    if unit not in sizes:
        raise ValueError(unit)
    return sizes[unit]


@operation("rolling")
def rolling(c: Context, a: Args, p: Params) -> Val | None:
    """The next / last N days, weeks, months, years: whole days from or up to today."""
    n = _number(a, "count", "number") or int(p.get("count", 1))
    unit = a["unit"].text if "unit" in a else str(p["unit"])
    within = "ahead" in a or p.get("within")  # «в ближайший час», «в течение часа»: from now
    if unit in ("minute", "hour") and within and n <= 1000:
        coming = _coming(c, n * (60 if unit == "minute" else 3600))
        return replace(coming, text="within") if p.get("within") else coming
    if p.get("small_only"):  # "the next hour" here; "the next week" is the calendar week
        return None
    if unit not in ("day", "week", "fortnight", "month", "quarter", "year") or n > 1000:
        return None
    size = _units(n, unit)
    if p.get("dir") == "back":
        return _period(c.today - size, c.today, "day")
    return _period(c.today, c.today + size, "day")


def _coming(c: Context, seconds: int) -> Val:
    """ "the next 2 hours", «в ближайший час»: from now for that many real seconds."""
    start = c.now.replace(second=0, microsecond=0)
    end = (start.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(c.now.tzinfo)
    last = end.date() + timedelta(days=1)
    until = Val("instant", moment=end)
    return Val("period", first=c.today, last=last, grain="minute", moment=start, inner=until)


@operation("rest")
def rest(c: Context, a: Args, p: Params) -> Val | None:
    """The rest of the week, month, year: today to its end."""
    unit = a["unit"].text
    if unit == "day":  # from now to midnight
        moment = c.now.replace(second=0, microsecond=0)
        return replace(_period(c.today, c.today + timedelta(days=1), "minute"), moment=moment)
    if unit not in ("week", "month", "quarter", "year"):
        return None
    return _period(c.today, c.grammar.period_of(unit, 0)[1], "day")


@operation("edge")
def edge(c: Context, a: Args, p: Params) -> Val | None:
    """The beginning, middle or end of a week, month or year (`[edges]` in calendar.toml)."""
    edges = calendar_data()["edges"]
    words = (v.text for v in a.values() if v.type == "word" and v.text in edges["week"])
    which = next(words, str(p.get("edge", "")))
    period = _main(a, "period")
    if period is None:
        first, last = c.grammar.period_of(str(p["unit"]), 0)
        period = _period(first, last, str(p["unit"]))
    if period.first is None or period.last is None:
        return None
    grain = "season" if period.text == "season" else period.grain
    if grain not in ("week", "month", "quarter", "year", "season"):
        return None
    if which not in edges[grain]:  # halves are only of a week, month or year
        return None
    lo, hi = edges[grain][which]
    if grain in ("year", "quarter", "season"):  # months counted from the period's first
        start = period.first + relativedelta(months=lo - 1)
        return _period(start, start + relativedelta(months=hi - lo), "month")
    start = period.first + timedelta(days=lo - 1)
    end = min(period.first + timedelta(days=hi - 1), period.last)
    return _period(start, end, "day")


@operation("quarter")
def quarter(c: Context, a: Args, p: Params) -> Val | None:
    """Q1–Q4: of the year said, else the next one not yet over."""
    n = _number(a, "ordinal", "number")
    if n is None or not 1 <= n <= 4 or ("unit" in a and a["unit"].text != "quarter"):
        return None
    year = _year(a)
    first = date(year or c.today.year, 3 * n - 2, 1)
    if year is None and first + relativedelta(months=3) <= c.today:
        first = first.replace(year=first.year + 1)
    return _period(first, first + relativedelta(months=3), "quarter")


@operation("season")
def season(c: Context, a: Args, p: Params) -> Val | None:
    """A season: the current or next one; this/next/last; of a year."""
    start_month = int(calendar_data()["seasons"][a["season"].text])
    year = _year(a)

    def starting(y: int) -> date:
        return date(y, start_month, 1)

    if year is not None:
        first = starting(year - 1 if start_month == 12 else year)
    else:
        first = _season_around(c.today, starting, a["dir"].text if "dir" in a else "")
    return _period(first, first + relativedelta(months=3), "month", text="season")


def _season_around(today: date, starting: Callable[[int], date], direction: str) -> date:
    candidates = [starting(y) for y in range(today.year - 2, today.year + 2)]
    current = next((s for s in candidates if s <= today < s + relativedelta(months=3)), None)
    upcoming = next(s for s in candidates if s > today)
    past = [s for s in candidates if s + relativedelta(months=3) <= today][-1]
    if direction == "last":
        return past
    if direction == "next":
        return upcoming
    return current or upcoming  # "this summer" said in November: the one to come


# ---------------------------------------------------------------- days relative to others


@operation("weekday_ahead")
def weekday_ahead(c: Context, a: Args, p: Params) -> Val | None:
    """ "2 Fridays from now", «через две пятницы»: the nearest one, then weeks on."""
    n = _number(a, "count", "number") or 1
    nearest = c.grammar.resolve_weekday(a["weekday"].num, None)
    return _day(nearest + timedelta(weeks=n - 1))


@operation("shift")
def shift(c: Context, a: Args, p: Params) -> Val | None:
    """N units after or before a day: "a year from Dec 5", «через неделю после пятницы»."""
    n = _number(a, "count", "number") or 1
    unit = a["unit"].text if "unit" in a else str(p["unit"])
    base = _main(a, "day")
    start = base.first if base is not None and base.first is not None else c.today
    sign = int(p.get("sign", 1))
    return _day(start + sign * _units(n, unit))


@operation("later")
def later(c: Context, a: Args, p: Params) -> Val | None:
    """A day a whole number of days, weeks, months or years from today («через неделю», "next
    week", "last month"), where only the day counts: «через неделю в это же время»."""
    n = _number(a, "count", "number") or 1
    unit = a["unit"].text if "unit" in a else ""
    steps = {"": 1, "next": 1, "last": -1}
    step = steps.get(a["dir"].text if "dir" in a else "")
    if step is None or unit not in ("day", "week", "fortnight", "month", "year") or n > 1000:
        return None
    return _day(c.today + step * _units(n, unit))


@operation("lead_day")
def lead_day(c: Context, a: Args, p: Params) -> Val | None:
    """A reminder's lead counted in days from an event named after it: "the night before",
    «утром в день …». `num` is how many days before the event's day (0: that day), `text`
    the part of day (empty: the event's own clock). No date yet: the event gives it."""
    part = a["part"].text if "part" in a else str(p.get("part", ""))
    if part == "tonight":
        part = "evening"
    return Val("leadday", num=int(p.get("days", 0)), text=part)


@operation("from_now")
def from_now(c: Context, a: Args, p: Params) -> Val | None:
    """ "five minutes from now", "3 days from now": a moment, or a day for days and longer."""
    n = _number(a, "count", "number") or int(p.get("count", 1))  # "in a few minutes": 3
    unit = a["unit"].text
    sizes = {"second": 1, "minute": 60, "hour": 3600}
    sign = int(p.get("sign", 1))
    if unit in sizes:
        moment = c.now.astimezone(UTC) + timedelta(seconds=sign * n * sizes[unit])
        return Val("instant", moment=moment.astimezone(c.now.tzinfo).replace(microsecond=0))
    return _day(c.today + sign * _units(n, unit))


@operation("hour_span")
def hour_span(c: Context, a: Args, p: Params) -> Val | None:
    """ "between eight ten": from the first hour to the second, on the bare-hour rule."""
    hours = [v.num for v in a.values() if v.type == "number"]
    if len(hours) != 2 or not 1 <= hours[0] < hours[1] <= 24:
        return None
    if hours[0] <= 12 < hours[1]:  # «между 11 и 14»: a 24-hour end, the start as said
        first = Clock(hours[0], bare=False)
    else:  # «между 14 и 16 часами» is on the 24-hour clock; "between 2 and 4" bare
        first = Clock(hours[0], bare=hours[0] <= 12)
    end = Val("clock", clock=Clock(hours[1] % 24, bare=hours[1] <= 12))
    return Val("clockrange", clock=first, inner=end)


@operation("in_seconds")
def in_seconds(c: Context, a: Args, p: Params) -> Val | None:
    """A moment a fixed time from now: "in a quarter of an hour"."""
    return Val("instant", moment=c.now + timedelta(seconds=float(p["seconds"])))


@operation("in_amount")
def in_amount(c: Context, a: Args, p: Params) -> Val | None:
    """«через 1,5 часа»: a moment a fractional amount of minutes or hours from now."""
    sizes = {"second": 1, "minute": 60, "hour": 3600}
    unit = a["unit"].text
    if unit not in sizes:
        return None
    seconds = float(a["decimal"].text) * sizes[unit]
    moment = (c.now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(c.now.tzinfo)
    return Val("instant", moment=moment.replace(second=0, microsecond=0))


@operation("now")
def now(c: Context, a: Args, p: Params) -> Val | None:
    return Val("instant", moment=c.now.replace(second=0, microsecond=0))


@operation("holiday")
def holiday(c: Context, a: Args, p: Params) -> Val | None:
    """A holiday's day: the next one ahead (today counts) or that of the year said."""
    name = a.get("holiday") or a.get("holiday_adj")
    if name is None:
        return None
    rule = calendar_data()["holidays"][name.text]
    days = int(rule.get("days", 1))  # «на майские»: 1–10 May, a period
    year = _year(a)
    found = _holiday_in(rule, c.today.year if year is None else year)
    if year is None and found + timedelta(days=days - 1) < c.today:
        found = _holiday_in(rule, c.today.year + 1)
    if days > 1:
        return _period(found, found + timedelta(days=days), "day", text="holiday")
    return Val("day", first=found, text="holiday")


def _holiday_in(rule: dict[str, Any], year: int) -> date:
    if "easter" in rule:
        day = easter(year, EASTER_ORTHODOX if rule["easter"] == "orthodox" else EASTER_WESTERN)
        return day + timedelta(days=int(rule["offset"]))
    month = int(rule["month"])
    if "day" in rule:
        return date(year, month, int(rule["day"]))
    wd, nth = int(rule["weekday"]), int(rule["nth"])
    after = timedelta(days=int(rule.get("offset", 0)))  # Black Friday: Thanksgiving + 1
    if nth < 0:
        last = date(year, month, 1) + relativedelta(months=1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - wd) % 7) + after
    first = date(year, month, 1)
    return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (nth - 1)) + after


# The operations on parts of the day, clocks and bounds live in their own module, so that
# neither file grows past reading; importing it here registers them, in the same order.
from calendar_assistant.understanding.timeexpr import clock_operations  # noqa: E402, F401
