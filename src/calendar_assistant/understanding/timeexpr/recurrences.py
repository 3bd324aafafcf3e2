"""Recurrences: «каждый вторник», "every other week", «3 раза».

A layer of `Grammar` (grammar.py), split by subject; each layer builds on the one below.
"""

from __future__ import annotations

from calendar_assistant.understanding.timeexpr.periods import PeriodPatterns
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece, Recurrence
from calendar_assistant.understanding.timeexpr.reader import (
    WEEKEND_DAYS,
    WORKDAYS,
    _grammemes,
)
from calendar_assistant.understanding.tokens import Token


class RecurrencePatterns(PeriodPatterns):
    """Recurrences: «каждый вторник», "every other week", «3 раза»."""

    # ---------------------------------------------------------------- recurrence

    def _weekday_list(self, i: int) -> tuple[tuple[int, ...], int] | None:
        days: list[int] = []
        j = i
        while True:
            if not self.ru and self.norm(j) == "the":
                j += 1
            if self.has(j, "weekday_word") or (
                self.ru
                and self.norm(j) in ("рабочим", "рабочие", "рабочий")
                and self.has(j + 1, "day_word")
            ):
                days.extend(WORKDAYS)
                j += 2 if self.has(j + 1, "day_word") else 1
            elif self.has(j, "weekend") and (
                not self.ru or self.norm(j) in ("выходным", "выходные", "выходной")
            ):
                days.extend(WEEKEND_DAYS)
                j += 1
            else:
                weekday = self._weekday_at(j, typo=bool(days) or True)
                if weekday is None:
                    break
                days.append(weekday)
                j += 1
            # a list said without "and": «по понедельникам, средам и пятницам»,
            # "every monday wednesday and friday"
            k = j + 1 if self.norm(j) == "," else j
            if self._weekday_at(k, typo=False) is not None:
                j = k
                continue
            if self.has(j, "and") and (
                self._weekday_at(j + 1, typo=True) is not None
                or (
                    self._weekday_at(j + 2, typo=True) is not None
                    and self.norm(j + 1) in ("по", "on")
                )
            ):
                j += 1
                if self.norm(j) in ("по", "on"):
                    j += 1
                continue
            break
        if not days:
            return None
        return tuple(sorted(set(days))), j

    def _recurrence(self, i: int) -> Piece | None:
        """A repeat rule: «ежедневно», «каждый вторник», «по будням», «раз в неделю»."""
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        adverb = self._frequency_adverb(i, t)
        if adverb is not None:
            return adverb
        # «каждый», "every", "each"
        if t.is_("каждый") or t.norm in ("every", "each"):
            return self._every(i, t)
        # «по вторникам и четвергам», «по будням», "on Mondays", "weekdays"
        if (
            (self.ru and t.norm == "по")
            or (not self.ru and t.norm in ("on", "every"))
            or (not self.ru and t.norm.endswith("s"))
        ):
            return self._on_weekdays(i, t)
        # «раз в месяц», «раз в две недели», "once a week", "once every 2 weeks"
        return self._once_per(i)

    def _frequency_adverb(self, i: int, t: Token) -> Piece | None:
        """«ежедневно», «еженедельно по средам», "weekly on Mondays": the frequency in one
        word; weekdays after it make it weekly on those days."""
        freq_words = {
            "ежедневно": "DAILY", "ежедневный": "DAILY", "daily": "DAILY",
            "еженедельно": "WEEKLY", "еженедельный": "WEEKLY", "weekly": "WEEKLY",
            "ежемесячно": "MONTHLY", "ежемесячный": "MONTHLY", "monthly": "MONTHLY",
            "ежегодно": "YEARLY", "ежегодный": "YEARLY", "yearly": "YEARLY", "annually": "YEARLY",
        }  # fmt: skip
        adverb = freq_words.get(t.norm) or next(
            (freq_words[lemma] for lemma in t.lemmas if lemma in freq_words), None
        )
        if adverb is None:
            return None
        j = i + 1
        byday: tuple[int, ...] = ()
        k = j + 1 if self.norm(j) in ("по", "on", "во", "в") else j
        found = self._weekday_list(k)
        if found is not None:
            byday, j = found
        return Piece(
            Kind.RECURRENCE,
            i,
            j,
            recurrence=Recurrence(adverb if not byday else "WEEKLY", 1, byday),
        )

    def _every(self, i: int, t: Token) -> Piece | None:
        """After «каждый»/"every": weekdays, «будний день», a unit («каждую неделю»), a day of
        the month («каждое 15 число») or a part of the day («каждое утро»)."""
        interval, j = self._every_interval(i, t)
        days = self._weekday_list(j)
        if days is not None:
            byday, end = days
            if end < len(self.tokens) and self.has(end, "day_word") and byday == WORKDAYS:
                end += 1
            return Piece(Kind.RECURRENCE, i, end, recurrence=Recurrence("WEEKLY", interval, byday))
        if self.ru and self.norm(j) in ("будний", "рабочий") and self.has(j + 1, "day_word"):
            return Piece(
                Kind.RECURRENCE, i, j + 2, recurrence=Recurrence("WEEKLY", interval, WORKDAYS)
            )
        unit = self._period_unit(j)
        if unit is not None:
            return self._every_unit(i, j, interval, unit)
        if self._hour_unit(j):  # "every 2 hours", «каждые два часа»: a reminder's rhythm
            return Piece(Kind.RECURRENCE, i, j + 1, recurrence=Recurrence("HOURLY", interval))
        # «каждое 15 число», "every 15th"
        md = self._monthday_piece(j, "", j)
        if md is not None and md.monthday is not None:
            return Piece(
                Kind.RECURRENCE,
                i,
                md.end,
                recurrence=Recurrence("MONTHLY", interval, (), md.monthday),
            )
        # «каждое утро», "every morning": daily, the part of day is read on its own
        nxt = self.tok(j)
        part = self.vocab.lookup(nxt, self.vocab.parts_of_day) if nxt is not None else None
        if part is not None:
            return Piece(
                Kind.RECURRENCE, i, j + 1, part=part, recurrence=Recurrence("DAILY", interval)
            )
        return None

    def _every_interval(self, i: int, t: Token) -> tuple[int, int]:
        """ "every other", «каждые 2»: how many units apart, and the index after; a number
        counts only before a unit or a weekday, so «каждый 15-й» stays a day of the month."""
        j = i + 1
        if self.has(j, "other") or t.norm == "other":
            return 2, j + 1
        found_n = self.number(j)
        if (
            found_n is not None
            and found_n[0] == int(found_n[0])
            and 2 <= found_n[0] <= 99
            and (
                self._period_unit(found_n[1]) is not None
                or self._hour_unit(found_n[1])
                or self._weekday_at(found_n[1], typo=False) is not None
            )
        ):
            return int(found_n[0]), found_n[1]
        return 1, j

    def _hour_unit(self, i: int) -> bool:
        """The word at `i` is an hour said in full ("hour", «часа»; "h" and «ч» are no
        repeat): after "every" it makes an hourly rule."""
        t = self.tok(i)
        return (
            t is not None
            and t.kind == "word"
            and len(t.norm) > 2
            and self.vocab.lookup(t, self.vocab.units) == "hour"
        )

    def _every_unit(self, i: int, j: int, interval: int, unit: str) -> Piece:
        """«каждую неделю по средам», "every quarter": the unit's frequency (a quarter is three
        months), weekdays after a week."""
        freq = {
            "day": "DAILY",
            "week": "WEEKLY",
            "month": "MONTHLY",
            "year": "YEARLY",
            "quarter": "MONTHLY",
        }[unit]
        if unit == "quarter":
            interval *= 3
        end = j + 1
        byday: tuple[int, ...] = ()
        if freq == "WEEKLY" and self.norm(end) in ("on", "по", "во", "в"):
            found = self._weekday_list(end + 1)
            if found is not None:
                byday, end = found
        return Piece(Kind.RECURRENCE, i, end, recurrence=Recurrence(freq, interval, byday))

    def _on_weekdays(self, i: int, t: Token) -> Piece | None:
        """«по вторникам», "on Mondays", "weekdays": weekdays in the plural repeat weekly
        («во вторник» is one day)."""
        j = i + 1 if t.norm in ("по", "on") else i
        nxt = self.tok(j)
        if nxt is None:
            return None
        plural = (
            ("plur" in _grammemes(nxt.norm) and "datv" in _grammemes(nxt.norm))
            if self.ru
            else (nxt.norm.endswith("s") and nxt.norm not in ("this",))
        )
        if not plural:
            return None
        found = self._weekday_list(j)
        if found is None:
            return None
        byday, end = found
        return Piece(Kind.RECURRENCE, i, end, recurrence=Recurrence("WEEKLY", 1, byday))

    def _once_per(self, i: int) -> Piece | None:
        """«раз в месяц», «раз в две недели», "once every 2 weeks"; «2 раза» after a number is
        a count, not this."""
        before = self.tok(i - 1)
        if not (
            self.has(i, "once_per")
            and (before is None or (self._number_word(before)[0] is None and not before.is_number))
        ):
            return None
        j = i + 1
        if self.norm(j) in ("в", "a", "an", "per", "every", "each"):
            j += 1
        interval = 1
        found_n = self.number(j)
        if found_n is not None and found_n[0] == int(found_n[0]) and 2 <= found_n[0] <= 99:
            interval, j = int(found_n[0]), found_n[1]
        unit = self._period_unit(j)
        if unit is None:
            return None
        freq = {
            "day": "DAILY",
            "week": "WEEKLY",
            "month": "MONTHLY",
            "year": "YEARLY",
            "quarter": "MONTHLY",
        }[unit]
        return Piece(
            Kind.RECURRENCE,
            i,
            j + 1,
            recurrence=Recurrence(freq, interval * (3 if unit == "quarter" else 1)),
        )

    def _count(self, i: int) -> Piece | None:
        found = self._int(i, 1, 999)
        if found is None:
            return None
        n, j, _ = found
        if not self.has(j, "times"):
            return None
        if self.norm(j + 1) in ("в", "a", "per") and self._period_unit(j + 2):
            return None
        return Piece(Kind.COUNT, i, j + 1, count=n)
