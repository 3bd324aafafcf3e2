"""Amounts of time: durations, «через 2 часа», «за час до».

A layer of `Grammar` (grammar.py), split by subject; each layer builds on the one below.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from dateutil.relativedelta import relativedelta

from calendar_assistant.understanding.timeexpr.days import DayPatterns
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.timeexpr.reader import (
    _DECIMAL,
    _EARLIER,
    _LATER,
    UNIT_SECONDS,
)
from calendar_assistant.understanding.tokens import Token


class AmountPatterns(DayPatterns):
    """Amounts of time: durations, «через 2 часа», «за час до»."""

    def _relative_offset(self, i: int) -> Piece | None:
        """«через 2 часа», «через неделю», "in 3 days", "2 weeks ago", "3 days from now"."""
        prep, j = self._prep(i, "in")
        if prep == "in" and self.norm(j) in ("the", "december") and not self.ru:
            return None
        amount = self.amount(j, bare_unit=True)
        if amount is None:
            return None
        seconds, unit, count, end = amount
        if not prep and amount[3] == j + 1 and self.tok(j) is not None and not self.has(end, "ago"):
            return None
        sign = 1
        if not prep:
            if self.has(end, "ago"):
                sign, end = -1, end + 1
                if self.norm(end) == "назад" and self.norm(end - 1) == "тому":
                    end += 1
            elif self.norm(end) == "from" and self.norm(end + 1) in ("now", "today"):
                end += 2
            else:
                return None
        return self._offset_piece(i, end, prep, unit, count * sign, seconds * sign)

    def _offset_piece(
        self, i: int, end: int, prep: str, unit: str, count: float, seconds: float
    ) -> Piece:
        if unit in ("day", "week", "month", "quarter", "year") and count == int(count):
            n = int(count)
            if unit == "day":
                day = self.today + timedelta(days=n)
            elif unit == "week":
                day = self.today + timedelta(weeks=n)
                return Piece(Kind.DAY, i, end, prep=prep, day=day, extra={"week_offset": n})
            elif unit == "month":
                day = self.today + relativedelta(months=n)
            elif unit == "quarter":
                day = self.today + relativedelta(months=3 * n)
            else:
                day = self.today + relativedelta(years=n)
            return Piece(Kind.DAY, i, end, prep=prep, day=day)
        # elapsed time: "in 48 hours" across a DST change is 48 real hours
        moment = (self.now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(self.now.tzinfo)
        return Piece(Kind.INSTANT, i, end, prep=prep, instant=moment, grain="minute")

    # ---------------------------------------------------------------- amounts of time

    def amount(self, i: int, *, bare_unit: bool) -> tuple[float, str, float, int] | None:
        """An amount of time: (seconds, largest unit, count of that unit, next index).

        «полтора часа», «2 часа 30 минут», «полчаса», "an hour and a half", "1h30",
        "45-minute", "1.5 hours"; a unit alone («час», "hour") only when `bare_unit`.
        """
        t = self.tok(i)
        if t is None:
            return None
        half = self.vocab.lookup(t, self.vocab.half_units)
        if half is not None and t.kind == "word":
            unit, factor = half
            return UNIT_SECONDS[unit] * factor, unit, factor, i + 1
        counted = self._amount_count(i, t, bare_unit=bare_unit)
        if counted is None:
            return None
        count, j = counted
        if self.norm(j) == "-":
            j += 1
        unit_token = self.tok(j)
        found_unit = self.vocab.lookup(unit_token, self.vocab.units)
        if found_unit is None or unit_token is None or unit_token.kind != "word":
            return None
        unit = found_unit
        if unit_token.norm in ("м", "m") and (j == i or self.tok(j - 1) is None):
            return None
        return self._amount_rest(count, unit, unit_token, j + 1)

    def _amount_count(self, i: int, t: Token, *, bare_unit: bool) -> tuple[float, int] | None:
        """How many units the amount counts, and where its unit starts.

        "half an", «1.5», a counted number; a unit word alone counts one, but only when
        `bare_unit` allows it and never for an abbreviation («м» alone is no minute).
        """
        if not self.ru and t.norm == "half" and self.norm(i + 1) in ("an", "a"):
            return 0.5, i + 2
        if t.kind == "figure" and _DECIMAL.fullmatch(t.norm):
            return float(t.norm), i + 1
        counted = self._counted_amount(i, t)
        if counted is not None:
            return counted
        if self.vocab.lookup(t, self.vocab.units) is None or not bare_unit or t.kind != "word":
            return None
        if t.norm in ("m", "м", "h", "ч", "мин", "min", "sec", "сек"):
            return None
        return 1.0, i

    def _counted_amount(self, i: int, t: Token) -> tuple[float, int] | None:
        """A cardinal count: «2», «два», "a couple of", "three and a half"; an ordinal counts
        nothing («2-й час» is no amount)."""
        k = i + 1 if t.norm == "a" and self.norm(i + 1) == "couple" else i
        found = self.number(k, articles=True)
        if found is None or found[2]:
            return None
        count, j, _ = found
        if self.norm(j) == "of" and self.norm(j - 1) == "couple":
            j += 1  # "a couple of hours"
        if self.norm(j) == "and" and self.norm(j + 1) == "a" and self.norm(j + 2) == "half":
            count, j = count + 0.5, j + 3  # "three and a half hours"
        return count, j

    def _amount_rest(
        self, count: float, unit: str, unit_token: Token, j: int
    ) -> tuple[float, str, float, int]:
        """What may follow the unit: a half («час с половиной») or a smaller unit («2 часа
        30 минут», "1h30"); `j` is the index after the unit."""
        seconds = count * UNIT_SECONDS[unit]
        # "an hour and a half", «час с половиной»
        if self.norm(j) in ("and", "с") and self.norm(j + 1) in ("a", "половиной"):
            if self.norm(j + 1) == "половиной":
                return seconds + UNIT_SECONDS[unit] / 2, unit, count + 0.5, j + 2
            if self.norm(j + 2) == "half":
                return seconds + UNIT_SECONDS[unit] / 2, unit, count + 0.5, j + 3
        # a smaller unit after: «2 часа 30 минут», "1h30", "1 hour and 15 minutes"
        k = j + 1 if self.has(j, "and") else j
        nxt = self.tok(k)
        if nxt is not None and nxt.is_number and unit == "hour":
            found = self._int(k, 1, 59)
            if found is not None:
                minutes, m, _ = found
                if self.vocab.lookup(self.tok(m), self.vocab.units) == "minute":
                    return seconds + minutes * 60, unit, count + minutes / 60, m + 1
                if unit_token.norm in ("h", "ч") and nxt.start == unit_token.end:
                    return seconds + minutes * 60, unit, count + minutes / 60, m
        return seconds, unit, count, j

    def _duration(self, i: int) -> Piece | None:
        length = self.vocab.lookup(self.tok(i), self.vocab.length_adjectives)
        if length is not None:  # «получасовой созвон»
            return Piece(Kind.DURATION, i, i + 1, seconds=length, grain="minute")
        if (
            not self.ru
            and self.norm(i) == "half"
            and self.norm(i + 1) == "-"
            and self.norm(i + 2) in ("hour", "day")
        ):
            seconds = 1800.0 if self.norm(i + 2) == "hour" else 43200.0
            return Piece(
                Kind.DURATION, i, i + 3, seconds=seconds, grain="minute"
            )  # "a half-hour call"
        prep, j = self._prep(i, "for")
        previous = self.tok(i - 1)
        adjective_before = previous is not None and (
            previous.is_("свободный", "целый", "лишний", "free", "spare", "whole", "full")
        )
        found = self.amount(j, bare_unit=bool(prep) or adjective_before)
        if found is None:
            return None
        seconds, unit, _, end = found
        if seconds <= 0:
            return None
        if self.has(end, "ago") or self.has(end, "lead_before"):
            return None
        if not self.ru and self.norm(end) in ("long",):
            end += 1
        extra: dict[str, object] = {}
        if self.norm(end) in _LATER | _EARLIER:
            # «на час позже», «на полчаса пораньше», "30 minutes later": a shift, not a length
            extra["shift"] = -1 if self.norm(end) in _EARLIER else 1
            end += 1
        return Piece(Kind.DURATION, i, end, prep=prep, seconds=seconds, grain=unit, extra=extra)

    def _lead(self, i: int) -> Piece | None:
        """A reminder's lead: «за 15 минут (до)», "an hour before", "10 minutes prior to"."""
        prep, j = self._prep(i, "lead")
        found = self.amount(j, bare_unit=bool(prep))
        if found is None:
            return None
        seconds, unit, _, end = found
        if prep:
            if self.has(end, "lead_before"):
                end += 1
            return Piece(Kind.LEAD, i, end, prep=prep, seconds=seconds, grain=unit)
        if self.norm(end) in ("before", "beforehand", "early", "earlier"):
            end += 1
        elif self.norm(end) == "prior" and self.norm(end + 1) == "to":
            end += 2
        elif self.norm(end) == "ahead":
            end += 2 if self.norm(end + 1) == "of" else 1
        elif self.norm(end) == "in" and self.norm(end + 1) == "advance":
            end += 2
        else:
            return None
        return Piece(Kind.LEAD, i, end, seconds=seconds, grain=unit)
