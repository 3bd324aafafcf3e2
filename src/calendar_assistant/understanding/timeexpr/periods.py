"""Periods and ranges of days: «на этой неделе», «с 13 по 15 июля», «до пятницы».

A layer of `Grammar` (grammar.py), split by subject; each layer builds on the one below.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from calendar_assistant.understanding.timeexpr.amounts import AmountPatterns
from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece
from calendar_assistant.understanding.timeexpr.reader import (
    _day_span,
    _safe_date,
)
from calendar_assistant.understanding.tokens import Token


class PeriodPatterns(AmountPatterns):
    """Periods and ranges of days: «на этой неделе», «с 13 по 15 июля», «до пятницы»."""

    # ---------------------------------------------------------------- periods

    def _period_unit(self, i: int) -> str | None:
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        unit = self.vocab.lookup(t, self.vocab.units)
        if unit in ("week", "month", "year", "quarter", "day"):
            return unit
        return None

    def period_of(self, unit: str, step: int) -> tuple[date, date]:
        """The [start, end) days of this (`step`=0), next (1) or last (-1) week/month/…"""
        if unit == "week":
            start = self.today - timedelta(days=self.today.weekday()) + timedelta(weeks=step)
            return start, start + timedelta(weeks=1)
        if unit == "month":
            start = self.today.replace(day=1) + relativedelta(months=step)
            return start, start + relativedelta(months=1)
        if unit == "quarter":
            first_month = 3 * ((self.today.month - 1) // 3) + 1
            start = self.today.replace(month=first_month, day=1) + relativedelta(months=3 * step)
            return start, start + relativedelta(months=3)
        if unit == "year":
            start = date(self.today.year + step, 1, 1)
            return start, date(start.year + 1, 1, 1)
        if unit == "weekend":
            monday = self.today - timedelta(days=self.today.weekday())
            start = monday + timedelta(days=5) + timedelta(weeks=step)
            return start, start + timedelta(days=2)
        start = self.today + timedelta(days=step)
        return start, start + timedelta(days=1)

    def _twice_removed(self, i: int) -> tuple[int, int] | None:
        """(step, end) for "after next" (2) or "before last" (-2) at token `i`; in Russian
        «после следующей» / «перед прошлой» (any gender)."""
        first, second = self.tok(i), self.tok(i + 1)
        if first is None or second is None:
            return None
        if first.is_("after", "после") and second.is_("next", "следующий"):
            return 2, i + 2
        if first.is_("before", "перед") and second.is_("last", "прошлый"):
            return -2, i + 2
        return None

    def _period(self, i: int) -> Piece | None:
        """A stretch of days named as a whole: «на этой неделе», "the rest of the month",
        «на выходных», "next 3 days", «в декабре», «в 2027 году»."""
        prep, j = self._prep(i, "on", "for", "at", "in")
        if not prep and self.norm(i) in ("during", "over", "within"):
            prep, j = self.norm(i), i + 1
        if not self.ru and self.norm(j) == "the":
            j += 1
        modifier, k = self._modifier(j)
        step = {"this": 0, "next": 1, "last": -1, "nearest": 0, None: 0}.get(modifier, 0)
        t = self.tok(k)
        if t is None:
            return None
        rest = self._rest_of(i, k, prep)
        if rest is not None:
            return rest
        if self.has(k, "weekend"):
            return self._weekend(i, k, prep, step)
        coming = self._coming_days(i, k, prep, modifier)
        if coming is not None:
            return coming
        unit = self._period_unit(k)
        mine = not self.ru and self.norm(k - 1) in ("my", "the") and unit in ("week", "month")
        if modifier is None and t.is_("позапрошлый"):  # «на позапрошлой неделе»
            unit = self._period_unit(k + 1)
            if unit is None:
                return None
            modifier, step, k = "last", -2, k + 1
        if unit in ("week", "month", "year"):
            twice = self._twice_removed(k + 1)
            if twice is not None:  # "the week after next", «на неделе после следующей»
                start, end_day = self.period_of(unit, twice[0])
                return Piece(
                    Kind.PERIOD, i, twice[1], prep=prep, day=start, day_end=end_day, grain=unit
                )
        if (
            t is not None
            and unit in ("week", "month", "year", "quarter")
            and (
                modifier
                or mine
                or (self.ru and prep == "на" and unit == "week" and t.norm == "неделе")
            )
        ):
            start, end_day = self.period_of(unit, step)
            return Piece(Kind.PERIOD, i, k + 1, prep=prep, day=start, day_end=end_day, grain=unit)
        month = self._month_period(i, k, prep, modifier)
        if month is not None:
            return month
        return self._year_period(i, k, t, prep)

    def _rest_of(self, i: int, k: int, prep: str) -> Piece | None:
        """ "the rest of the week": from today to the end of the unit."""
        if self.ru or self.norm(k) != "rest" or self.norm(k + 1) != "of":
            return None
        m = k + 2
        if self.norm(m) in ("the", "this"):
            m += 1
        rest_unit = self._period_unit(m)
        if rest_unit is None:
            return None
        _, end_day = self.period_of(rest_unit, 0)
        return Piece(
            Kind.PERIOD, i, m + 1, prep=prep, day=self.today, day_end=end_day,
            grain="day",
        )  # fmt: skip

    def _weekend(self, i: int, k: int, prep: str, step: int) -> Piece | None:
        """«на выходных», "this weekend"; Russian «выходной» alone is a day off, not the
        weekend, so only the plural and «уикенд» count."""
        if self.ru and self.norm(k) not in (
            "выходные",
            "выходных",
            "уикенд",
            "уикенда",
            "уикенде",
        ):
            return None
        start, end_day = self.period_of("weekend", step)
        return Piece(Kind.PERIOD, i, k + 1, prep=prep, day=start, day_end=end_day, grain="day")

    def _coming_days(self, i: int, k: int, prep: str, modifier: str | None) -> Piece | None:
        """ "next 3 days", «ближайшие две недели»: from today, a whole count of days or weeks."""
        if modifier not in ("next", "nearest") or self.tok(k) is None:
            return None
        found = self.number(k, articles=False)
        if found is None or found[2] or found[0] != int(found[0]):
            return None
        unit = self._period_unit(found[1])
        if unit not in ("day", "week") or not 1 <= found[0] <= 366:
            return None
        n = int(found[0])
        days = n if unit == "day" else 7 * n
        return Piece(
            Kind.PERIOD,
            i,
            found[1] + 1,
            prep=prep,
            day=self.today,
            day_end=self.today + timedelta(days=days),
            grain="day",
        )

    def _month_period(self, i: int, k: int, prep: str, modifier: str | None) -> Piece | None:
        """A month by name: «в декабре», "in December", «на январь 2027»; without a year, the
        coming one (this month counts as coming unless "next" is said)."""
        month = self._month_at(k, typo=bool(prep))
        if month is None or modifier not in (None, "this", "next"):
            return None
        year, end = self._year_after(k + 1)
        if year is None:
            year = self.today.year if month >= self.today.month else self.today.year + 1
            if modifier == "next" and month <= self.today.month:
                year = self.today.year + 1
            end = k + 1
        start = date(year, month, 1)
        return Piece(
            Kind.PERIOD,
            i,
            end,
            prep=prep,
            day=start,
            day_end=start + relativedelta(months=1),
            grain="month",
        )

    def _year_period(self, i: int, k: int, t: Token, prep: str) -> Piece | None:
        """A year by number: «в 2027 году», "in 2027"; a bare four-digit number needs a
        preposition or «году» to be a year."""
        if (
            t.is_number
            and len(t.norm) == 4
            and 1900 <= t.value <= 2200
            and (prep or self.has(k + 1, "year_word"))
        ):
            end = k + 1
            if self.has(end, "year_word"):
                end += 1
            start = date(t.value, 1, 1)
            return Piece(
                Kind.PERIOD,
                i,
                end,
                prep=prep,
                day=start,
                day_end=date(t.value + 1, 1, 1),
                grain="year",
            )
        return None

    def _day_range(self, i: int) -> Piece | None:
        """«с 13 по 15 июля», «с понедельника по среду», "from Monday to Wednesday"."""
        prep, j = self._prep(i, "from", "between")
        first_weekday = self._weekday_at(j, typo=False)
        if first_weekday is not None:
            return self._weekday_range(i, j, prep, first_weekday)
        dated = self._dates_range(i, j, prep)
        if dated is not None:
            return dated
        month_first = None
        if not self.ru:
            month_first = self._month_at(j, typo=False)
        if month_first is not None:
            return self._month_first_range(i, j, prep, month_first)
        return self._day_numbers_range(i, j, prep)

    def _weekday_range(self, i: int, j: int, prep: str, first_weekday: int) -> Piece | None:
        """«с понедельника по среду», "Monday-Wednesday": from the coming first weekday; without
        «с»/"from" only a dash joins them, so «понедельник и среда» stay two days."""
        connector = self.norm(j + 1)
        if connector not in ("по", "до", "-", "to", "through", "thru", "till", "until", "and"):
            return None
        second = self._weekday_at(j + 2, typo=False)
        if second is None or (not prep and connector != "-"):
            return None
        start = self.resolve_weekday(first_weekday, None)
        if self.today.weekday() <= first_weekday and self.today.weekday() != first_weekday:
            start = self.resolve_weekday(first_weekday, None)
        end_day = start + timedelta(days=(second - first_weekday) % 7 + 1)
        return _day_span(i, j + 3, prep, start, end_day)

    def _dates_range(self, i: int, j: int, prep: str) -> Piece | None:
        """«с 30 июня по 2 июля»: two whole dates, each with its month; None when they are not
        both there or run backwards, so the shorter forms get their turn."""
        whole = self._day_month(j)
        if whole is not None and self.norm(whole[3]) in (
            "по",
            "до",
            "-",
            "to",
            "through",
            "thru",
            "till",
            "until",
        ):
            other = self._day_month(whole[3] + 1)
            if other is not None:
                first_day = self.resolve_date(whole[0], whole[1], whole[2])
                last = self.resolve_date(other[0], other[1], other[2])
                if first_day is not None and last is not None and last >= first_day:
                    return _day_span(i, other[3], prep, first_day, last + timedelta(days=1))
        return None

    def _month_first_range(self, i: int, j: int, prep: str, month: int) -> Piece | None:
        """ "July 13-15", "from July 13 to 15 2027": English names the month once, first."""
        a = self._int(j + 1, 1, 31)
        if a is None:
            return None
        day_a, k, _ = a
        connector = self.norm(k)
        if connector not in ("-", "to", "through", "thru", "till", "until"):
            return None
        b = self._int(k + 1, 1, 31)
        if b is None:
            return None
        day_b, end, _ = b
        year, end = self._year_after(end)
        first_day = self.resolve_date(month, day_a, year)
        if first_day is None:
            return None
        last = self.resolve_date(month, day_b, year or first_day.year)
        if last is None or last < first_day:
            return None
        return _day_span(i, end, prep, first_day, last + timedelta(days=1))

    def _day_numbers_range(self, i: int, j: int, prep: str) -> Piece | None:
        """«с 13 по 15 июля», "13-15 July": the month said once, after the second day; a first
        day past the last belongs to the month before («с 30 по 2 июля»)."""
        a = self._int(j, 1, 31)
        if a is None:
            return None
        day_a, k, _ = a
        month_a = self._month_at(k, typo=True)
        if month_a is not None:
            k += 1
        connector = self.norm(k)
        if connector not in ("по", "до", "-", "to", "through", "thru", "till", "until", "and"):
            return None
        if not prep and connector != "-":
            return None
        found = self._day_month(k + 1)
        if found is None:
            return None
        month_b, day_b, year, end = found
        last = self.resolve_date(month_b, day_b, year)
        if last is None:
            return None
        begin = _safe_date(last.year, month_a or month_b, day_a)
        if begin is not None and begin > last:
            begin = _safe_date(last.year - 1, month_a or month_b, day_a)
        if begin is None:
            return None
        return _day_span(i, end, prep, begin, last + timedelta(days=1))

    def _bound(self, i: int) -> Piece | None:
        """An open side: «до 12:30», «до конца дня», "after 2pm", "until Friday"."""
        word = self.norm(i)
        if self.has(i, "until"):
            side = "end"
        elif self.has(i, "after"):
            side = "start"
        else:
            return None
        j = i + 1
        if not self.ru and self.norm(j) == "the":
            j += 1
        if self.has(j, "end"):
            k = j + 1
            if self.norm(k) == "of":
                k += 1
            if self.norm(k) in ("the", "this"):
                k += 1
            unit = self._period_unit(k)
            if unit is None:
                return None
            _, end_day = self.period_of(unit, 0)
            inner = Piece(Kind.PERIOD, j, k + 1, day=end_day, day_end=end_day, grain=unit)
            return Piece(Kind.BOUND, i, k + 1, prep=word, side=side, inner=inner)
        if self.norm(j) in ("обеда", "lunch"):
            clock = Clock(12 if side == "end" else 14, 0, "pm", bare=False)
            inner = Piece(Kind.CLOCK, j, j + 1, clock=clock, grain="hour")
            return Piece(Kind.BOUND, i, j + 1, prep=word, side=side, inner=inner)
        best: Piece | None = None
        for pattern in (self._date, self._weekday, self._relative_day, self._clock_in_bound):
            found = pattern(j)
            if (
                found is not None
                and found.kind != Kind.INVALID
                and (best is None or found.end > best.end)
            ):
                best = found
        if best is None:
            return None
        return Piece(Kind.BOUND, i, best.end, prep=word, side=side, inner=best)
