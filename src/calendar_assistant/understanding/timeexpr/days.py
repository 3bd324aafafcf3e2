"""Days: weekdays, dates, «завтра», parts of the day and «весь день».

A layer of `Grammar` (grammar.py), split by subject; each layer builds on the one below.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from calendar_assistant.understanding.timeexpr.clocks import ClockPatterns
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.timeexpr.reader import (
    _DATE_FIGURE,
    _safe_date,
)
from calendar_assistant.understanding.timeexpr.vocabulary import typo_lookup


class DayPatterns(ClockPatterns):
    """Days: weekdays, dates, «завтра», parts of the day and «весь день»."""

    #: parts of the day said as a word of a name ("quiz night"), set by the grammar
    named_parts: set[str]

    # ---------------------------------------------------------------- days

    # ---------------------------------------------------------------- for the composer

    def weekday_at(self, i: int) -> int | None:
        """A weekday name at `i` (no typo reading: the composer asks about every word)."""
        return self._weekday_at(i, typo=False)

    def month_at(self, i: int) -> int | None:
        return self._month_at(i, typo=False)

    def day_pieces(self, i: int) -> list[Piece]:
        """The days the patterns read at `i`: a date, a weekday, a relative day."""
        found = [self._run(p, i) for p in (self._date, self._weekday, self._relative_day)]
        return [p for p in found if p is not None and p.kind == Kind.DAY]

    def next_monthday(self, day: int) -> date | None:
        """The next `day`-th of a month ahead, today included."""
        return self._monthday(day)

    def _unknown_word(self, i: int) -> bool:
        """No word of the language: Russian's dictionary does not know it, English's short
        list of near-weekday words (`not_typos`) does not hold it."""
        t = self.tok(i)
        if t is None:
            return False
        if self.ru:
            from calendar_assistant.understanding.morphology import is_known_word

            return not is_known_word(t.norm)
        return not self.has(i, "not_typos")

    def _weekday_at(self, i: int, *, typo: bool) -> int | None:
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        value = self.vocab.lookup(t, self.vocab.weekdays)
        if value is None and typo:
            value = typo_lookup(t.norm, self.vocab.typo_weekdays)
        return value

    def _month_at(self, i: int, *, typo: bool) -> int | None:
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        if not self.ru and t.norm in ("may", "mar", "sun", "sat", "wed") and not typo:
            return None
        value = self.vocab.lookup(t, self.vocab.months)
        if value is None and typo:
            value = typo_lookup(t.norm, self.vocab.typo_months)
        return value

    def _modifier(self, i: int) -> tuple[str | None, int]:
        t = self.tok(i)
        value = self.vocab.lookup(t, self.vocab.modifiers)
        if value is not None:
            return value, i + 1
        return None, i

    def resolve_weekday(self, weekday: int, modifier: str | None) -> date:
        monday = self.today - timedelta(days=self.today.weekday())
        if modifier == "this":
            return monday + timedelta(days=weekday)
        if modifier == "next":
            return monday + timedelta(days=7 + weekday)
        if modifier == "last":
            delta = (self.today.weekday() - weekday) % 7 or 7
            return self.today - timedelta(days=delta)
        delta = (weekday - self.today.weekday()) % 7 or 7
        return self.today + timedelta(days=delta)

    def _weekday(self, i: int) -> Piece | None:
        prep, j = self._prep(i, "on", "at")
        if not self.ru and self.norm(j) == "the":
            j += 1
        modifier, k = self._modifier(j)
        # A weekday typed with one letter wrong ("wendesday lunch") is read wherever it
        # stands: left unread, the event would land on another day. A word of the language
        # one letter from a weekday name (Russian's dictionary: «среди»; English's list:
        # "sundae") is no typo.
        weekday = self._weekday_at(k, typo=False)
        if weekday is None:
            weekday = self._weekday_at(k, typo=True)
            if weekday is None:
                return None
            expected = bool(prep or modifier) or self.has(k + 1, "at") or self.norm(k + 1) == "at"
            if not expected and not self._unknown_word(k):  # the dictionary asked only now
                return None
        t = self.tok(k)
        assert t is not None
        if t.norm.endswith("days") and t.norm[:-1] in self.vocab.weekdays and not self.ru:
            return None  # "Mondays" is a recurrence ("tues", "thurs" are one day)
        end = k + 2 if self.norm(k + 1) == "'s" else k + 1  # "Friday's meeting"
        if not self.ru and self.norm(end) in ("next", "this") and self.norm(end + 1) == "week":
            modifier, end = ("next" if self.norm(end) == "next" else "this"), end + 2
        day = self.resolve_weekday(weekday, modifier)
        return Piece(Kind.DAY, i, end, prep=prep, day=day, from_weekday=True)

    def _relative_day(self, i: int) -> Piece | None:
        prep, j = self._prep(i, "on")
        t = self.tok(j)
        if t is None:
            return None
        shift = self.vocab.lookup(t, self.vocab.relative_days)
        if shift is None:
            return None
        end = j + 2 if self.norm(j + 1) == "'s" else j + 1  # "tomorrow's workout"
        return Piece(Kind.DAY, i, end, prep=prep, day=self.today + timedelta(days=shift))

    def _year_after(self, j: int) -> tuple[int | None, int]:
        k = j + 1 if self.norm(j) == "," else j
        t = self.tok(k)
        if t is not None and t.is_number and len(t.norm) == 4 and 1900 <= t.value <= 2200:
            k += 1
            if self.has(k, "year_word"):
                k += 1
                if self.norm(k) == ".":
                    k += 1
            return t.value, k
        return None, j

    def resolve_date(self, month: int, day: int, year: int | None) -> date | None:
        if year is not None:
            return _safe_date(year, month, day)
        for y in range(self.today.year, self.today.year + 9):
            found = _safe_date(y, month, day)
            if found is not None and found >= self.today:
                return found
        return None

    def _monthday(self, day: int) -> date | None:
        first = self.today.replace(day=1)
        for step in range(0, 13):
            month_start = first + relativedelta(months=step)
            found = _safe_date(month_start.year, month_start.month, day)
            if found is not None and found >= self.today:
                return found
        return None

    def _day_month(self, i: int) -> tuple[int, int, int | None, int] | None:
        """(month, day, year, next index) for «25 ноября», "Nov 25th", "3rd of December"."""
        t = self.tok(i)
        if t is None:
            return None
        if not self.ru:
            nxt = self.tok(i + 1)
            month = self._month_at(i, typo=nxt is not None and nxt.is_number)
            if month is not None:
                j = i + 1
                if self.norm(j) == ".":
                    j += 1  # "Dec. 5"
                if self.norm(j) == "the":
                    j += 1
                found = self._int(j, 1, 31)
                if found is not None:
                    day, k, _ = found
                    nxt = self.tok(k)
                    if nxt is not None and (
                        self.has(k, "hour_word")
                        or self.norm(k) in ("am", "pm")
                        or self.vocab.lookup(nxt, self.vocab.units) is not None
                    ):
                        return None  # "Marco 30 minutes longer" is no 30 March
                    year, k = self._year_after(k)
                    return month, day, year, k
                return None
        if self.norm(i) == "the" and not self.ru:
            i += 1
        found = self._int(i, 1, 31)
        if found is None:
            return None
        day, j, _ = found
        if not self.ru and self.norm(j) == "of":
            j += 1
        month = self._month_at(j, typo=True)
        if month is None:
            return None
        year, k = self._year_after(j + 1)
        return month, day, year, k

    def _date(self, i: int) -> Piece | None:
        prep, j = self._prep(i, "on", "at")
        t = self.tok(j)
        if t is None:
            return None
        found = self._day_month(j)
        if found is not None:
            month, day, year, end = found
            resolved = self.resolve_date(month, day, year)
            if resolved is None:
                return Piece(Kind.INVALID, i, end, prep=prep)
            return Piece(Kind.DAY, i, end, prep=prep, day=resolved)
        if t.kind == "figure":
            iso = re.fullmatch(r"(\d{4})[-.](\d{2})[-.](\d{2})", t.norm)
            # 2026-11-25 arrives as three figures joined by hyphens
            if (
                iso is None
                and t.is_number
                and len(t.norm) == 4
                and self.norm(j + 1) == "-"
                and self.norm(j + 3) == "-"
            ):
                y, mo, d = t.norm, self.norm(j + 2), self.norm(j + 4)
                if mo.isdigit() and d.isdigit():
                    resolved = _safe_date(int(y), int(mo), int(d))
                    if resolved is None:
                        return Piece(Kind.INVALID, i, j + 5, prep=prep)
                    return Piece(Kind.DAY, i, j + 5, prep=prep, day=resolved)
            if iso is not None:
                resolved = _safe_date(int(iso[1]), int(iso[2]), int(iso[3]))
                if resolved is None:
                    return Piece(Kind.INVALID, i, j + 1, prep=prep)
                return Piece(Kind.DAY, i, j + 1, prep=prep, day=resolved)
            figure = _DATE_FIGURE.fullmatch(t.norm)
            if figure is not None:
                a, b = int(figure[1]), int(figure[2])
                year = int(figure[3]) if figure[3] else None
                if year is not None and year < 100:
                    year += 2000
                clock_like = b > 12 or (prep in ("в", "во", "at", "к") and a <= 24)
                if figure[3] is None and "." in t.norm and clock_like:
                    return None  # «15.30», «в 10.12» are clock times
                day, month = (b, a) if (self.month_first and "/" in t.norm) else (a, b)
                if not 1 <= month <= 12 or not 1 <= day <= 31:
                    return None
                resolved = self.resolve_date(month, day, year)
                if resolved is None:
                    return Piece(Kind.INVALID, i, j + 1, prep=prep)
                return Piece(Kind.DAY, i, j + 1, prep=prep, day=resolved)
        return self._monthday_piece(i, prep, j)

    def _monthday_piece(self, i: int, prep: str, j: int) -> Piece | None:
        """A day of the month alone: «25-го», «25 числа», «двадцать пятого», "the 15th"."""
        k = j
        if not self.ru and self.norm(k) == "the":
            k += 1
        t = self.tok(k)
        if t is None:
            return None
        found = self._int(k, 1, 31)
        if found is None:
            return None
        day, end, ordinal = found
        if self.has(end, "day_of_month"):
            end += 1
        elif not ordinal:
            return None
        elif t.kind == "word":
            last = self.tok(end - 1)
            if last is None or not (
                not self.ru or last.norm.endswith(("ого", "его", "ое", "ье", "ее"))
            ):
                return None
        if not self.ru and (self.has(end, "hour_word") or self.has(end, "minute_word")):
            return None
        if ordinal and (
            self.has(k - 1, "possessive")
            or self.has(end, "ordinal_nouns")
            or (t.kind == "word" and self._names_a_noun(end))
        ):
            return None  # "my first meeting", "the second floor", "second thought": counting
        resolved = self._monthday(day)
        if resolved is None:
            return None
        return Piece(Kind.DAY, i, end, prep=prep, day=resolved, monthday=day)

    def _names_a_noun(self, i: int) -> bool:
        """An English ordinal spelled out before a word the time grammar never reads and that
        cannot follow a date ("the second floor", "on second thought", "the third round"):
        the ordinal counts or ranks that thing, it names no day of the month. One in digits
        ("the 3rd look", "the 14th make a booking") is a date unless `ordinal_nouns` follows:
        dates are written in digits far more often than ranks are."""
        t = self.tok(i)
        if self.ru or t is None or t.kind != "word" or self.has(i, "monthday_followers"):
            return False
        known = self.vocab.known
        return t.norm not in known and known.isdisjoint(t.lemmas)

    def _part_of_day(self, i: int) -> Piece | None:
        j = i
        day: date | None = None
        prep = ""
        if self.norm(j) in ("в", "во", "с", "к", "на", "in", "on", "at", "during", "this", "by"):
            prep = self.norm(j)
            if prep == "this":
                day = self.today
            j += 1
            if self.norm(j) == "the" and not self.ru:
                j += 1
        t = self.tok(j)
        if t is None or t.kind != "word":
            return None
        if self.ru and t.norm in ("дня", "день", "дне"):
            return None
        part = (
            self.vocab.lookup(t, self.vocab.parts_of_day)
            if (self.ru or t.norm in self.vocab.parts_of_day)
            else None
        )
        if part is None:
            return None
        if not self.ru and not prep and t.norm != "tonight" and self._names_with(i - 1):
            self.named_parts.add(part)  # "quiz night … at 8" is still 8 in the evening
            return None  # "movie night", "parents evening": a word of the name
        if part == "tonight":
            part, day = "evening", self.today
        if self.ru and t.norm not in ("утром", "днем", "вечером", "ночью") and not prep:
            return None
        return Piece(Kind.PART, i, j + 1, prep=prep, part=part, day=day)

    def _names_with(self, k: int) -> bool:
        """The word at `k` makes a name with a part of day said right after it ("movie
        night", "parents evening", "game night"): a word no time expression knows."""
        t = self.tok(k)
        if t is None or t.kind != "word" or k < 0:
            return False
        v = self.vocab
        timeish = (
            v.lookup(t, v.weekdays) is not None
            or v.lookup(t, v.months) is not None
            or v.lookup(t, v.relative_days) is not None
            or v.lookup(t, v.modifiers) is not None
            or v.lookup(t, v.parts_of_day) is not None
            or self.has(k, "part_openers")
            or t.norm.endswith("'s")
        )
        return not timeish

    def _all_day(self, i: int) -> Piece | None:
        prep, j = self._prep(i, "for", "on")
        if self.has(j, "all_day") and self.has(j + 1, "day_word"):
            return Piece(Kind.ALL_DAY, i, j + 2, prep=prep)
        if (
            not self.ru
            and self.norm(j) == "all"
            and self.norm(j + 1) == "-"
            and self.norm(j + 2) == "day"
        ):
            return Piece(Kind.ALL_DAY, i, j + 3, prep=prep)
        if (
            not self.ru
            and self.norm(j) == "the"
            and self.norm(j + 1) in ("whole", "entire")
            and self.norm(j + 2) == "day"
        ):
            return Piece(Kind.ALL_DAY, i, j + 3, prep=prep)
        return None
