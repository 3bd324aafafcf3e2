"""Times of day: «в 3 часа дня», «половина пятого», "quarter past 4", «с 10 до 12».

A layer of `Grammar` (grammar.py), split by subject; each layer builds on the one below.
"""

from __future__ import annotations

import re

from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece
from calendar_assistant.understanding.timeexpr.reader import (
    _DOTTED,
    GrammarReader,
)
from calendar_assistant.understanding.tokens import Token

# (hour, minute, precise, marked, padded, next index): see ClockPatterns._clock_start
_ClockStart = tuple[int, int, bool, bool, bool, int]


#: «3 дня» after a day named is three days, not 15:00.
_DAYS = frozenset({"дня", "дней"})


class ClockPatterns(GrammarReader):
    """Times of day: «в 3 часа дня», «половина пятого», "quarter past 4", «с 10 до 12»."""

    # ---------------------------------------------------------------- clocks

    def _meridiem(self, j: int) -> tuple[str | None, int]:
        t = self.tok(j)
        if t is None:
            return None, j
        if not self.ru:
            if t.norm in ("a", "p") and self.norm(j + 1) == "." and self.norm(j + 2) == "m":
                end = j + 4 if self.norm(j + 3) == "." else j + 3
                return ("am" if t.norm == "a" else "pm"), end
            if t.norm in ("am", "pm"):
                return t.norm, j + 1
            if t.norm in ("in", "at") and self.norm(j + 1) in ("the", "night"):
                k = j + 2 if self.norm(j + 1) == "the" else j + 1
                part = self.norm(k)
                if part == "morning":
                    return "am", k + 1
                if part in ("afternoon", "evening"):
                    return "pm", k + 1
                if part == "night":
                    return "night", k + 1
            return None, j
        value = self.vocab.lookup(t, self.vocab.meridiem)
        if value is not None and t.norm not in ("день", "днем", "утром", "вечером", "ночью"):
            return value, j + 1
        return None, j

    def _hour_word(self, j: int) -> bool:
        t = self.tok(j)
        if t is None:
            return False
        if self.has(j, "hour_word") or self.has(j, "oclock"):
            return True
        return self.ru and t.norm in ("ч", "час", "часа", "часов")

    def clock_core(self, i: int, *, need_marker: bool, at: bool = True) -> tuple[Clock, int] | None:
        """A time of day at `i` without its preposition.

        With `need_marker`, a bare number is not enough: it needs «часов», am/pm, a part of
        day, or minutes written out, so that «2 встречи» is not read as two o'clock.
        """
        t = self.tok(i)
        if t is None:
            return None
        if self.has(i, "noon"):
            return Clock(12, 0, "pm", bare=False), i + 1
        if self.has(i, "midnight"):
            return Clock(0, 0, "am", bare=False), i + 1
        fraction = self._clock_fraction(i)
        if fraction is not None:
            return fraction
        start = self._clock_start(i, t, need_marker=need_marker)
        if start is None:
            return None
        hour, minute, precise, marked, padded, j = start
        if not need_marker and not precise and not marked and self.tok(j) is not None:
            more = self._trailing_minutes(j)
            if more is not None:
                minute, j = more
                precise = True
        ending = self._clock_ending(t, j, hour, marked=marked, need_marker=need_marker, at=at)
        if ending is None:
            return None
        meridiem, j = ending
        bare = meridiem is None and not padded and 1 <= hour <= 12
        return Clock(hour, minute, meridiem, bare=bare, precise=precise), j

    def _clock_start(self, i: int, t: Token, *, need_marker: bool) -> _ClockStart | None:
        """The hour a clock begins with, and the minutes written with it.

        A clock figure («7:30», «19.00»), a counted hour («7», «7 часов 30 минут») or «час»
        alone («в час дня»); None when `i` holds no hour. The answer is (hour, minute, precise,
        marked, padded, next index), the facts the rest of `clock_core` weighs.
        """
        if t.kind == "clock" or (t.kind == "figure" and _DOTTED.fullmatch(t.norm)):
            return self._clock_figure(i, t)
        found = self._int(i, 0, 24)
        if found is not None and not found[2]:
            return self._counted_hour(i, found[0], found[1])
        if t.norm in ("час", "часу") and not need_marker:  # «в час дня», «до часу»
            return 1, 0, False, False, False, i + 1
        return None

    def _clock_figure(self, i: int, t: Token) -> _ClockStart | None:
        """«7:30», «19.00»: hours and minutes in one figure; None past 24:59."""
        h, m = re.split(r"[:.]", t.norm)
        if int(h) > 24 or int(m) > 59:
            return None
        # Russian writes H:MM on a 24-hour clock («в 7:00» is morning); English "5:30"
        # follows the bare-hour rule like "5"
        padded = (len(h) == 2 and h.startswith("0")) or self.ru
        j = i + 1
        if self._hour_word(j):
            j += 1
        return int(h), int(m), True, True, padded, j

    def _counted_hour(self, i: int, hour: int, j: int) -> _ClockStart:
        """An hour as a number («7», «07», «семь»), marked when «часов» follows, with the
        minutes after it («7 часов 30 минут»)."""
        minute, precise, marked, padded = 0, False, False, False
        if self.tok(i) is not None and self.tok(i).kind == "figure":  # type: ignore[union-attr]
            padded = self.norm(i).startswith("0") and len(self.norm(i)) == 2
        if self._hour_word(j):
            marked = True
            j += 1
            minutes = self._minutes_after_hour(j)
            if minutes is not None:
                minute, j = minutes
                precise = True
        return hour, minute, precise, marked, padded, j

    def _minutes_after_hour(self, j: int) -> tuple[int, int] | None:
        """The minutes after «часов»: a figure («7 часов 30») or a counted word with «минут»
        («семь часов пять минут»); (minute, next index)."""
        if self.tok(j) is not None and self.tok(j).kind == "figure":  # type: ignore[union-attr]
            mins = self._int(j, 0, 59)
            if mins is None:
                return None
            minute, j, _ = mins
            if self.has(j, "minute_word"):
                j += 1
            elif self.vocab.lookup(self.tok(j), self.vocab.months) is not None:
                return None  # «в 11 часов 12 декабря»: the 12th of December, not 11:12
            return minute, j
        mins = self._int(j, 1, 59)
        if mins is not None and self.has(mins[1], "minute_word"):
            return mins[0], mins[1] + 1
        return None

    def _trailing_minutes(self, j: int) -> tuple[int, int] | None:
        """«в 7 30»: minutes as a second number, unless it counts a unit or names a day of a
        month («в 7 30 минут», «в 7 30 июня»); (minute, next index)."""
        two_digits = self.norm(j).isdigit() and len(self.norm(j)) == 2
        found_minutes = self._int(j, 0 if two_digits else 10, 59)
        nxt_tok = self.tok(found_minutes[1]) if found_minutes else None
        # «в три двадцать дня» is 15:20: «дня» after minutes is the afternoon, not days
        afternoon = nxt_tok is not None and self.ru and nxt_tok.norm == "дня"
        if (
            found_minutes is not None
            and not found_minutes[2]
            and (
                afternoon or nxt_tok is None or self.vocab.lookup(nxt_tok, self.vocab.units) is None
            )
            and (nxt_tok is None or self.vocab.lookup(nxt_tok, self.vocab.months) is None)
        ):
            return found_minutes[0], found_minutes[1]
        return None

    def _clock_ending(
        self, t: Token, j: int, hour: int, *, marked: bool, need_marker: bool, at: bool
    ) -> tuple[str | None, int] | None:
        """The am/pm or part of day after the hour, and whether the whole is a time at all.

        None rejects the reading: «3 дня» is three days, «2 часа» without «в» a duration,
        «15 am» nonsense. Otherwise (meridiem, next index).
        """
        meridiem, k = self._meridiem(j)
        if meridiem is not None:
            if self.ru and self.norm(j) in ("дня", "дней") and not marked and not at:
                return None  # «3 дня» is three days; «в 3 дня» is 15:00
            if self.ru and need_marker and not marked and not at:
                return None  # «2 утра» alone is too thin to be a time
            marked = True
            j = k
            if hour > 12 and meridiem != "pm":
                return None
        elif (
            self.ru
            and need_marker
            and marked
            and t.kind != "clock"
            and not _DOTTED.fullmatch(t.norm)
        ):
            return None  # «2 часа» without «в» is a duration
        if need_marker and not marked:
            return None
        return meridiem, j

    def _clock_fraction(self, i: int) -> tuple[Clock, int] | None:
        """«половина пятого», «без четверти три», «четверть пятого», "quarter past 4"."""
        t = self.tok(i)
        if t is None:
            return None
        if self.ru:
            return self._fraction_ru(i, t)
        return self._fraction_en(i, t)

    def _fraction_ru(self, i: int, t: Token) -> tuple[Clock, int] | None:
        """Russian counts towards the next hour: «полпятого», «половина пятого» are 4:30."""
        if t.norm.startswith("пол") and len(t.norm) > 5:
            from calendar_assistant.understanding.tokens import tokenize

            rest = tokenize(t.norm[3:].lstrip("-"))
            if len(rest) == 1:
                hour = self.vocab.lookup(rest[0], self.vocab.ordinals)
                if hour is not None and 1 <= hour <= 12:
                    return self._with_meridiem(hour - 1 or 12, 30, i + 1)
        if self.has(i, "half") or self.has(i, "quarter"):
            minute = 30 if self.has(i, "half") else 15
            hour = self.vocab.lookup(self.tok(i + 1), self.vocab.ordinals)  # «половина пятого»
            if hour is not None and 1 <= hour <= 12:
                return self._with_meridiem(hour - 1 or 12, minute, i + 2)
        if self.has(i, "without"):
            return self._without_ru(i)
        return None

    def _without_ru(self, i: int) -> tuple[Clock, int] | None:
        """«без четверти три», «без 10 минут час»: minutes short of the hour named."""
        j = i + 1
        if self.has(j, "quarter"):
            less, j = 15, j + 1
        else:
            found = self._int(j, 1, 59)
            if found is None:
                return None
            less, j, _ = found
            if self.has(j, "minute_word"):
                j += 1
        if self.norm(j) == "час":
            hour, j = 1, j + 1
        else:
            found = self._int(j, 1, 12)
            if found is None:
                return None
            hour, j, _ = found
        return self._with_meridiem(hour - 1 or 12, 60 - less, j)

    def _fraction_en(self, i: int, t: Token) -> tuple[Clock, int] | None:
        """English: "quarter past 4", "half past 10", "10 past 3", "quarter to 5", "20 to 5"."""
        minutes = self._fraction_minutes_en(i, t)
        if minutes is None:
            return None
        minute, j = minutes
        direction = self.norm(j)
        if direction not in ("past", "after", "to", "till", "of"):
            return self._half_hour_en(t, j)
        if direction in ("to", "till", "of") and minute == 30:
            return None
        found = self._int(j + 1, 1, 12)
        if found is None:
            if self.has(j + 1, "noon"):
                found = (12, j + 2, False)
            else:
                return None
        hour, k, _ = found
        if direction in ("past", "after"):
            return self._with_meridiem(hour, minute, k)
        return self._with_meridiem(hour - 1 or 12, 60 - minute, k)

    def _half_hour_en(self, t: Token, j: int) -> tuple[Clock, int] | None:
        """British "half six" (no "past"): 6:30, the hour said after "half"."""
        if t.norm != "half":
            return None
        found = self._int(j, 1, 12)
        if found is None or self.vocab.lookup(self.tok(found[1]), self.vocab.units) is not None:
            return None  # "half 2 hours" is no clock
        hour, k, _ = found
        return self._with_meridiem(hour, 30, k)

    def _fraction_minutes_en(self, i: int, t: Token) -> tuple[int, int] | None:
        """The minutes before "past"/"to": "(a) quarter", "half", "10 (minutes)"; a bare number
        only when it is a round five, so that "from 10 to 1" stays a range."""
        j = i
        if t.norm == "a" and self.norm(i + 1) == "quarter":
            j += 1
        if self.norm(j) == "quarter":
            return 15, j + 1
        if self.norm(j) == "half":
            return 30, j + 1
        found = self._int(j, 1, 59)
        if found is None:
            return None
        minute, j, _ = found
        if self.has(j, "minute_word"):
            j += 1
        elif minute not in (5, 10, 20, 25) or self.norm(j) != "past":
            return None  # "from 10 to 1" is a range, "10 past 3" a time
        return minute, j

    def _with_meridiem(self, hour: int, minute: int, j: int) -> tuple[Clock, int]:
        if self._hour_word(j) and self.norm(j) != "час":
            j += 1
        meridiem, k = self._meridiem(j)
        return Clock(hour, minute, meridiem, bare=meridiem is None, precise=True), k

    def _clock(self, i: int) -> Piece | None:
        prep, j = self._prep(i, "at")
        if not prep:
            prep, j = self._prep(i, "to", "on")
            bare_ok = bool(prep) and prep in ("на", "to", "for", "до", "by")
            if prep in ("с", "со", "from") and self.norm(j + 1) in ("на", "to"):
                bare_ok = True  # «с 7 на 8», "from 7 to 8am": the old time of a move
            if prep == "from" and self._said_after_a_day(i - 1):
                bare_ok = True  # "on thursday from 3": when it starts that day
            if prep in ("до", "by", "before", "until", "till"):
                return None
        else:
            bare_ok = True
        if self.has(j, "oclock") and self.ru:
            j += 1
        after_day = not prep and self._said_after_a_day(i - 1) and self.norm(j + 1) not in _DAYS
        at = prep in self.vocab.words["at"] or after_day
        found = self.clock_core(j, need_marker=not bare_ok, at=at)
        if found is None:
            return None
        clock, end = found
        if (
            prep in ("на", "for")
            and clock.meridiem is None
            and self._hour_word(end - 1)
            and not clock.precise
            and clock.hour <= 12
        ):
            return None  # «на 3 часа» is a duration; «на 15 часов» a time
        nxt = self.tok(end)
        if (
            not clock.precise
            and nxt is not None
            and (
                self.vocab.lookup(nxt, self.vocab.units) is not None
                or self.vocab.lookup(nxt, self.vocab.months) is not None
                or self.has(end, "times")
            )
            and not self._hour_word(end - 1)
            and clock.meridiem is None
        ):
            return None
        return Piece(
            Kind.CLOCK, i, end, prep=prep, clock=clock, grain="minute" if clock.precise else "hour"
        )

    def _clock_range(self, i: int) -> Piece | None:
        prep, j = self._prep(i, "from", "between")
        found = self.clock_core(j, need_marker=False)
        if found is None:
            return None
        first, k = found
        connector = self.norm(k)
        if connector not in ("-", "до", "по", "to", "till", "until", "and", "through", "thru"):
            return None
        if prep in ("between",) and connector != "and":
            return None
        if not prep and (connector in ("and", "по") or self._counts(j)):
            return None  # "for 2 to 3 people", «на 2-3 человека»: a count, not the clock
        found2 = self.clock_core(k + 1, need_marker=False)
        if found2 is None:
            return None
        second, end = found2
        if not prep and not (first.precise or first.meridiem) and second.precise:
            return None  # "2 to 3:30" said bare is rare; "10 to 4:30" may be 3:50 and on
        if self.vocab.lookup(self.tok(end), self.vocab.months) is not None:
            return None
        if self.vocab.lookup(self.tok(end), self.vocab.units) is not None and not self._hour_word(
            end - 1
        ):
            return None
        if self.has(end, "minute_word") or self.has(end, "hour_word"):
            return None
        return Piece(
            Kind.CLOCK_RANGE, i, end, prep=prep, clock=first, clock_end=second, grain="minute"
        )

    def _counts(self, j: int) -> bool:
        """The number at `j` follows "for" / «на»: "a table for 4 to 6" counts people."""
        return j > 0 and self.norm(j - 1) in ("for", "на")

    def _said_after_a_day(self, k: int) -> bool:  # «3 дня» after a day stays three days
        """«завтра 10 утра», «пятница 9 вечера»: a day named right before a number with a part
        of the day after it makes it a time (alone, «2 утра» is too thin to be one)."""
        t = self.tok(k)
        if t is None or k < 0 or t.kind != "word":
            return False
        v = self.vocab
        return (
            v.lookup(t, v.relative_days) is not None
            or v.lookup(t, v.weekdays) is not None
            or v.lookup(t, v.months) is not None
        )

    def clock_piece(self, i: int) -> Piece | None:
        """A time of day at `i`, its preposition included."""
        return self._run(self._clock, i)

    def bare_clock_end(self, i: int) -> tuple[Clock, int] | None:
        return self.clock_core(i, need_marker=False)

    def _clock_in_bound(self, i: int) -> Piece | None:
        found = self.clock_core(i, need_marker=False)
        if found is None:
            return None
        clock, end = found
        nxt = self.tok(end)
        if (
            nxt is not None
            and (
                self.vocab.lookup(nxt, self.vocab.units) is not None
                or self.vocab.lookup(nxt, self.vocab.months) is not None
            )
            and clock.meridiem is None
            and not self._hour_word(end - 1)
        ):
            return None
        return Piece(Kind.CLOCK, i, end, clock=clock, grain="minute" if clock.precise else "hour")
