"""The time grammar: composable patterns over tokens that find the pieces of time in a text.

Each pattern is a method `_name(i) -> Piece | None` that tries to read one kind of
expression starting at token `i` (its leading preposition included). The scanner tries every
pattern at every position and keeps the longest match, so «в 3 часа дня» beats «в 3» and
«3 декабря» beats «3». Patterns are shared by both languages; the words come from the
language's vocabulary file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from calendar_assistant.understanding.timeexpr.compose import Composer, rulebook
from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece, Recurrence
from calendar_assistant.understanding.timeexpr.vocabulary import Vocabulary, typo_lookup
from calendar_assistant.understanding.timeexpr.zones import attach_zones
from calendar_assistant.understanding.tokens import Token

UNIT_SECONDS = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "quarter": 91 * 86400,
    "year": 365 * 86400,
}
ORDINAL_SUFFIXES = frozenset(
    {"го", "е", "ое", "ого", "его", "й", "ий", "ый", "я", "ая", "ье", "м", "st", "nd", "rd", "th"}
)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKDAYS = (0, 1, 2, 3, 4)
WEEKEND_DAYS = (5, 6)
_DOTTED = re.compile(r"(\d{1,2})\.(\d{2})")
_DATE_FIGURE = re.compile(r"(\d{1,4})[./](\d{1,2})(?:[./](\d{2,4}))?")
_DECIMAL = re.compile(r"\d+\.\d+")


def _holidays_as_names(pieces: list[Piece]) -> list[Piece]:
    """ "Christmas party tomorrow", «ёлка на Новый год в пятницу»: with another day said, a
    holiday's name is part of the title, not the day."""
    days = [p for p in pieces if p.kind in (Kind.DAY, Kind.PERIOD, Kind.INSTANT)]
    named = [p for p in days if p.extra.get("holiday")]
    if not named or len(named) == len(days):
        return pieces
    return [p for p in pieces if not p.extra.get("holiday")]


# Zones of the places that write numeric dates month first (11/25): the United States with
# its territories, English Canada, the Philippines. Latin America writes day first (25/11),
# so "America/*" alone would be wrong for São Paulo, Mexico City or Buenos Aires.
_DAY_FIRST_AMERICAS = frozenset(
    [
        "America/Montreal",
        "America/Buenos_Aires",
        "America/Sao_Paulo",
        "America/Mexico_City",
        "America/Bogota",
        "America/Lima",
        "America/Santiago",
        "America/Caracas",
        "America/La_Paz",
        "America/Montevideo",
        "America/Asuncion",
        "America/Guayaquil",
        "America/Havana",
        "America/Santo_Domingo",
        "America/Panama",
        "America/Costa_Rica",
        "America/Guatemala",
        "America/El_Salvador",
        "America/Tegucigalpa",
        "America/Managua",
        "America/Cancun",
        "America/Monterrey",
        "America/Merida",
        "America/Chihuahua",
        "America/Tijuana",
        "America/Hermosillo",
        "America/Mazatlan",
        "America/Bahia",
        "America/Fortaleza",
        "America/Recife",
        "America/Belem",
        "America/Manaus",
        "America/Cuiaba",
        "America/Campo_Grande",
        "America/Porto_Velho",
        "America/Boa_Vista",
        "America/Rio_Branco",
        "America/Maceio",
        "America/Araguaina",
        "America/Noronha",
        "America/Santarem",
        "America/Cayenne",
        "America/Paramaribo",
        "America/Guyana",
        "America/Punta_Arenas",
        "America/Martinique",
        "America/Guadeloupe",
        "America/Nuuk",
        "America/Godthab",
    ]
)
_MONTH_FIRST_ELSEWHERE = frozenset(
    ("Pacific/Honolulu", "Pacific/Guam", "Pacific/Saipan", "Pacific/Pago_Pago", "Asia/Manila")
)


_LATER = frozenset({"позже", "попозже", "позднее", "later", "вперед", "back"})  # "push back"
_EARLIER = frozenset({"раньше", "пораньше", "ранее", "earlier"})


def month_first_in(tz: ZoneInfo) -> bool:
    """The default of the numeric-date setting, from the zone: month first in the zones of
    the United States, English Canada and the Philippines; day first everywhere else,
    Latin America included (a user's own setting, `month_first`, overrides it)."""
    key = str(tz.key)
    if key in _MONTH_FIRST_ELSEWHERE or key.startswith("US/"):
        return True
    if not key.startswith("America/"):
        return False
    return key not in _DAY_FIRST_AMERICAS and not key.startswith("America/Argentina/")


def _day_span(start: int, end: int, prep: str, first: date, after_last: date) -> Piece:
    """A span of whole days said as a range ("13-15 July", «с понедельника по среду»)."""
    return Piece(
        Kind.PERIOD,
        start,
        end,
        prep=prep,
        day=first,
        day_end=after_last,
        extra={"span": True},
        grain="day",
    )


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_RECENT: list[tuple[list[Token], datetime, str, bool, bool, Composer]] = []


def _composer(g: Grammar, ranges: bool) -> Composer:
    """The composer of these very tokens, clock and settings if one was just made.

    The parser reads one message with a few Grammar objects; the constructions found do not
    change between them, so they are read once (the tokens are compared by identity).
    """
    key = (g.now, str(g.now.tzinfo), ranges, g.month_first)
    for tokens, now, zone, rng, order, composer in _RECENT:
        if tokens is g.t and (now, zone, rng, order) == key and composer.g.v is g.v:
            return composer
    composer = Composer(g, rulebook(g.v.lang), ranges=ranges)
    _RECENT.insert(0, (g.t, *key, composer))
    del _RECENT[4:]
    return composer


class Grammar:
    """Finds time pieces in one tokenised message, resolving them against `now`."""

    def __init__(
        self,
        tokens: list[Token],
        vocab: Vocabulary,
        now: datetime,
        tz: ZoneInfo,
        *,
        ranges: bool = True,
        month_first: bool | None = None,
    ):
        self.t = tokens
        self.v = vocab
        self.now = now.astimezone(tz)
        self.today = self.now.date()
        self.ru = vocab.lang == "ru"
        # SPEC §2: numeric dates are month first where the user's locale writes them so; the
        # setting's default follows the zone (America/* writes 11/25)
        self.month_first = month_first_in(tz) if month_first is None else month_first
        self._seen: dict[tuple[str, int], Piece | None] = {}
        self.composer = _composer(self, ranges)
        self._patterns: tuple[Callable[[int], Piece | None], ...] = (
            self.composer.piece_at,
            self._recurrence,
            self._count,
            self._lead,
            self._day_range,
            self._clock_range,
            self._date,
            self._weekday,
            self._relative_day,
            self._relative_offset,
            self._period,
            self._part_of_day,
            self._all_day,
            self._clock,
            self._bound,
            self._duration,
        )
        if not ranges:  # «с четверга на пятницу»: an update names the old and the new day
            self._patterns = tuple(
                p for p in self._patterns if p not in (self._day_range, self._clock_range)
            )

    # ---------------------------------------------------------------- token access

    def tok(self, i: int) -> Token | None:
        return self.t[i] if 0 <= i < len(self.t) else None

    def norm(self, i: int) -> str:
        t = self.tok(i)
        return t.norm if t is not None else ""

    def has(self, i: int, key: str) -> bool:
        return self.v.has(self.tok(i), key)

    def _prep(self, i: int, *keys: str) -> tuple[str, int]:
        """An optional preposition from the vocabulary lists `keys` at token `i`."""
        t = self.tok(i)
        if t is None:
            return "", i
        two = f"{t.norm} {self.norm(i + 1)}"
        for key in keys:
            words = self.v.words.get(key, frozenset())
            if two in words:
                return two, i + 2
            if t.norm in words:
                return t.norm, i + 1
        return "", i

    # ---------------------------------------------------------------- scanning

    def scan(self) -> list[Piece]:
        """Every time piece of the message, left to right, not overlapping."""
        pieces: list[Piece] = []
        i, n = 0, len(self.t)
        while i < n:
            best: Piece | None = None
            if self.t[i].kind != "mark" or self.t[i].norm == "@":
                for pattern in self._patterns:
                    found = self._run(pattern, i)
                    if found is not None and (best is None or found.end > best.end):
                        best = found
            if best is not None:
                pieces.append(best)
                i = best.end
            else:
                i += 1
        return attach_zones(self.t, _holidays_as_names(pieces), self.v.lang)

    # ---------------------------------------------------------------- numbers

    def number(self, i: int, *, articles: bool = False) -> tuple[float, int, bool] | None:
        """A number at `i` in digits or words: (value, next index, is ordinal)."""
        t = self.tok(i)
        if t is None:
            return None
        if t.is_number:
            j, ordinal = i + 1, False
            nxt = self.tok(j)
            if (
                self.norm(j) == "-"
                and self.norm(j + 1) in ORDINAL_SUFFIXES
                and self.tok(j + 1) is not None
            ):
                j, ordinal = j + 2, True
            elif (
                nxt is not None
                and nxt.kind == "word"
                and nxt.start == t.end
                and nxt.norm in ORDINAL_SUFFIXES
            ):
                j, ordinal = j + 1, True
            return float(t.value), j, ordinal
        if t.kind != "word":
            return None
        if not articles and t.norm in ("a", "an", "couple", "пара", "пару"):
            return None
        value, ordinal = self._number_word(t)
        if value is None:
            return None
        j = i + 1
        if value in (20, 30, 40, 50, 60, 70, 80, 90):
            k = j + 1 if self.norm(j) == "-" else j
            unit_value, unit_ordinal = self._number_word(self.tok(k))
            if unit_value is not None and 1 <= unit_value <= 9 and unit_value == int(unit_value):
                return value + unit_value, k + 1, unit_ordinal
        if self.norm(j) == "с" and self.norm(j + 1) in ("половиной",):
            return value + 0.5, j + 2, ordinal
        return value, j, ordinal

    def _number_word(self, t: Token | None) -> tuple[float | None, bool]:
        if t is None or t.kind != "word":
            return None, False
        ordinal = self.v.lookup(t, self.v.ordinals)
        cardinal = self.v.lookup(t, self.v.cardinals)
        if cardinal is not None and t.norm in self.v.cardinals:
            return cardinal, False
        if ordinal is not None:
            return float(ordinal), True
        if cardinal is not None:
            return cardinal, False
        return None, False

    def _int(self, i: int, lo: int, hi: int) -> tuple[int, int, bool] | None:
        found = self.number(i)
        if found is None:
            return None
        value, j, ordinal = found
        if value != int(value) or not lo <= value <= hi:
            return None
        return int(value), j, ordinal

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
        value = self.v.lookup(t, self.v.meridiem)
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
        precise, marked = False, False
        hour: int | None = None
        minute = 0
        j = i
        padded = False
        if t.kind == "clock" or (t.kind == "figure" and _DOTTED.fullmatch(t.norm)):
            h, m = re.split(r"[:.]", t.norm)
            if int(h) > 24 or int(m) > 59:
                return None
            hour, minute, precise, marked = int(h), int(m), True, True
            # Russian writes H:MM on a 24-hour clock («в 7:00» is morning); English "5:30"
            # follows the bare-hour rule like "5"
            padded = (len(h) == 2 and h.startswith("0")) or self.ru
            j = i + 1
            if self._hour_word(j):
                j += 1
        else:
            found = self._int(i, 0, 24)
            if found is not None and not found[2]:
                hour, j, _ = found
                if self.tok(i) is not None and self.tok(i).kind == "figure":  # type: ignore[union-attr]
                    padded = self.norm(i).startswith("0") and len(self.norm(i)) == 2
                if self._hour_word(j):
                    marked = True
                    j += 1
                    if self.tok(j) is not None and self.tok(j).kind == "figure":  # type: ignore[union-attr]
                        mins = self._int(j, 0, 59)
                        if mins is not None:
                            minute, j, _ = mins
                            precise = True
                            if self.has(j, "minute_word"):
                                j += 1
                    elif (mins := self._int(j, 1, 59)) is not None and self.has(
                        mins[1], "minute_word"
                    ):
                        minute, j, _ = mins
                        j += 1
                        precise = True
            elif t.norm in ("час", "часу") and not need_marker:  # «в час дня», «до часу»
                hour, j = 1, i + 1
        if hour is None:
            return None
        if not need_marker and not precise and not marked and self.tok(j) is not None:
            two_digits = self.norm(j).isdigit() and len(self.norm(j)) == 2
            found_minutes = self._int(j, 0 if two_digits else 10, 59)
            nxt_tok = self.tok(found_minutes[1]) if found_minutes else None
            if (
                found_minutes is not None
                and not found_minutes[2]
                and (nxt_tok is None or self.v.lookup(nxt_tok, self.v.units) is None)
                and (nxt_tok is None or self.v.lookup(nxt_tok, self.v.months) is None)
            ):
                minute, j, _ = found_minutes
                precise = True
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
        bare = meridiem is None and not padded and 1 <= hour <= 12
        return Clock(hour, minute, meridiem, bare=bare, precise=precise), j

    def _clock_fraction(self, i: int) -> tuple[Clock, int] | None:
        """«половина пятого», «без четверти три», «четверть пятого», "quarter past 4"."""
        t = self.tok(i)
        if t is None:
            return None
        if self.ru:
            if t.norm.startswith("пол") and len(t.norm) > 5:
                from calendar_assistant.understanding.tokens import tokenize

                rest = tokenize(t.norm[3:].lstrip("-"))
                if len(rest) == 1:
                    hour = self.v.lookup(rest[0], self.v.ordinals)
                    if hour is not None and 1 <= hour <= 12:
                        return self._with_meridiem(hour - 1 or 12, 30, i + 1)
            if self.has(i, "half") or self.has(i, "quarter"):
                minute = 30 if self.has(i, "half") else 15
                hour = self.v.lookup(self.tok(i + 1), self.v.ordinals)  # «половина пятого»
                if hour is not None and 1 <= hour <= 12:
                    return self._with_meridiem(hour - 1 or 12, minute, i + 2)
            if self.has(i, "without"):
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
            return None
        # English: "quarter past 4", "half past 10", "10 past 3", "quarter to 5", "20 to 5"
        j = i
        if t.norm == "a" and self.norm(i + 1) == "quarter":
            j += 1
        if self.norm(j) == "quarter":
            minute, j = 15, j + 1
        elif self.norm(j) == "half":
            minute, j = 30, j + 1
        else:
            found = self._int(j, 1, 59)
            if found is None:
                return None
            minute, j, _ = found
            if self.has(j, "minute_word"):
                j += 1
            elif minute not in (5, 10, 20, 25) or self.norm(j) != "past":
                return None  # "from 10 to 1" is a range, "10 past 3" a time
        direction = self.norm(j)
        if direction not in ("past", "after", "to", "till", "of"):
            return None
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
            if prep in ("до", "by", "before", "until", "till"):
                return None
        else:
            bare_ok = True
        if self.has(j, "oclock") and self.ru:
            j += 1
        found = self.clock_core(j, need_marker=not bare_ok, at=prep in self.v.words["at"])
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
                self.v.lookup(nxt, self.v.units) is not None
                or self.v.lookup(nxt, self.v.months) is not None
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
        if not prep and not (first.precise or first.meridiem):
            return None
        connector = self.norm(k)
        if connector not in ("-", "до", "по", "to", "till", "until", "and", "through", "thru"):
            return None
        if prep in ("between",) and connector != "and":
            return None
        if not prep and connector != "-":
            return None
        found2 = self.clock_core(k + 1, need_marker=False)
        if found2 is None:
            return None
        second, end = found2
        if self.v.lookup(self.tok(end), self.v.months) is not None:
            return None
        if self.v.lookup(self.tok(end), self.v.units) is not None and not self._hour_word(end - 1):
            return None
        if self.has(end, "minute_word") or self.has(end, "hour_word"):
            return None
        return Piece(
            Kind.CLOCK_RANGE, i, end, prep=prep, clock=first, clock_end=second, grain="minute"
        )

    # ---------------------------------------------------------------- days

    # ---------------------------------------------------------------- for the composer

    def weekday_at(self, i: int) -> int | None:
        """A weekday name at `i` (no typo reading: the composer asks about every word)."""
        return self._weekday_at(i, typo=False)

    def month_at(self, i: int) -> int | None:
        return self._month_at(i, typo=False)

    def _run(self, pattern: Callable[[int], Piece | None], i: int) -> Piece | None:
        """A pattern's piece at `i`, read once: the scanner and the composer both ask."""
        key = (pattern.__name__, i)
        if key not in self._seen:
            self._seen[key] = pattern(i)
        return self._seen[key]

    def day_pieces(self, i: int) -> list[Piece]:
        """The days the patterns read at `i`: a date, a weekday, a relative day."""
        found = [self._run(p, i) for p in (self._date, self._weekday, self._relative_day)]
        return [p for p in found if p is not None and p.kind == Kind.DAY]

    def next_monthday(self, day: int) -> date | None:
        """The next `day`-th of a month ahead, today included."""
        return self._monthday(day)

    def clock_piece(self, i: int) -> Piece | None:
        """A time of day at `i`, its preposition included."""
        return self._run(self._clock, i)

    def bare_clock_end(self, i: int) -> tuple[Clock, int] | None:
        return self.clock_core(i, need_marker=False)

    def _weekday_at(self, i: int, *, typo: bool) -> int | None:
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        value = self.v.lookup(t, self.v.weekdays)
        if value is None and typo:
            value = typo_lookup(t.norm, self.v.typo_weekdays)
        return value

    def _month_at(self, i: int, *, typo: bool) -> int | None:
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        if not self.ru and t.norm in ("may", "mar", "sun", "sat", "wed") and not typo:
            return None
        value = self.v.lookup(t, self.v.months)
        if value is None and typo:
            value = typo_lookup(t.norm, self.v.typo_months)
        return value

    def _modifier(self, i: int) -> tuple[str | None, int]:
        t = self.tok(i)
        value = self.v.lookup(t, self.v.modifiers)
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
        expected = bool(prep or modifier) or self.has(k + 1, "at") or self.norm(k + 1) == "at"
        weekday = self._weekday_at(k, typo=expected)
        if weekday is None:
            return None
        t = self.tok(k)
        assert t is not None
        if t.norm.endswith("days") and t.norm[:-1] in self.v.weekdays and not self.ru:
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
        shift = self.v.lookup(t, self.v.relative_days)
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
                        self.has(k, "hour_word") or self.norm(k) in ("am", "pm")
                    ):
                        return None
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
        resolved = self._monthday(day)
        if resolved is None:
            return None
        return Piece(Kind.DAY, i, end, prep=prep, day=resolved, monthday=day)

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
        half = self.v.lookup(t, self.v.half_units)
        if half is not None and t.kind == "word":
            unit, factor = half
            return UNIT_SECONDS[unit] * factor, unit, factor, i + 1
        count: float | None = None
        j = i
        if not self.ru and t.norm == "half" and self.norm(i + 1) in ("an", "a"):
            count, j = 0.5, i + 2
        elif t.kind == "figure" and _DECIMAL.fullmatch(t.norm):
            count, j = float(t.norm), i + 1
        else:
            k = i + 1 if t.norm == "a" and self.norm(i + 1) == "couple" else i
            found = self.number(k, articles=True)
            if found is not None and not found[2]:
                count, j, _ = found
                if self.norm(j) == "of" and self.norm(j - 1) == "couple":
                    j += 1  # "a couple of hours"
                if self.norm(j) == "and" and self.norm(j + 1) == "a" and self.norm(j + 2) == "half":
                    count, j = count + 0.5, j + 3  # "three and a half hours"
        if count is None:
            if self.v.lookup(t, self.v.units) is None or not bare_unit or t.kind != "word":
                return None
            if t.norm in ("m", "м", "h", "ч", "мин", "min", "sec", "сек"):
                return None
            count, j = 1.0, i
        if self.norm(j) == "-":
            j += 1
        unit_token = self.tok(j)
        found_unit = self.v.lookup(unit_token, self.v.units)
        if found_unit is None or unit_token is None or unit_token.kind != "word":
            return None
        unit = found_unit
        if unit_token.norm in ("м", "m") and (j == i or self.tok(j - 1) is None):
            return None
        j += 1
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
                if self.v.lookup(self.tok(m), self.v.units) == "minute":
                    return seconds + minutes * 60, unit, count + minutes / 60, m + 1
                if unit_token.norm in ("h", "ч") and nxt.start == unit_token.end:
                    return seconds + minutes * 60, unit, count + minutes / 60, m
        return seconds, unit, count, j

    def _duration(self, i: int) -> Piece | None:
        length = self.v.lookup(self.tok(i), self.v.length_adjectives)
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

    # ---------------------------------------------------------------- periods

    def _period_unit(self, i: int) -> str | None:
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        unit = self.v.lookup(t, self.v.units)
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
        if not self.ru and self.norm(k) == "rest" and self.norm(k + 1) == "of":
            m = k + 2
            if self.norm(m) in ("the", "this"):
                m += 1
            rest_unit = self._period_unit(m)
            if rest_unit is not None:
                _, end_day = self.period_of(rest_unit, 0)
                return Piece(
                    Kind.PERIOD, i, m + 1, prep=prep, day=self.today, day_end=end_day,
                    grain="day",
                )  # fmt: skip
        if self.has(k, "weekend"):
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
        # "next 3 days", «ближайшие две недели»
        if modifier in ("next", "nearest") and self.tok(k) is not None:
            found = self.number(k, articles=False)
            if found is not None and not found[2] and found[0] == int(found[0]):
                unit = self._period_unit(found[1])
                if unit in ("day", "week") and 1 <= found[0] <= 366:
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
        # a month by name: «в декабре», "in December", «на январь 2027»
        month = self._month_at(k, typo=bool(prep))
        if month is not None and modifier in (None, "this", "next"):
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
        # a year by number: «в 2027 году», "in 2027"
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
        month_first = None
        if not self.ru:
            month_first = self._month_at(j, typo=False)
        if month_first is not None:
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
            first_day = self.resolve_date(month_first, day_a, year)
            if first_day is None:
                return None
            last = self.resolve_date(month_first, day_b, year or first_day.year)
            if last is None or last < first_day:
                return None
            return _day_span(i, end, prep, first_day, last + timedelta(days=1))
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
            self.v.lookup(t, self.v.parts_of_day)
            if (self.ru or t.norm in self.v.parts_of_day)
            else None
        )
        if part is None:
            return None
        if part == "tonight":
            part, day = "evening", self.today
        if self.ru and t.norm not in ("утром", "днем", "вечером", "ночью") and not prep:
            return None
        return Piece(Kind.PART, i, j + 1, prep=prep, part=part, day=day)

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

    def _clock_in_bound(self, i: int) -> Piece | None:
        found = self.clock_core(i, need_marker=False)
        if found is None:
            return None
        clock, end = found
        nxt = self.tok(end)
        if (
            nxt is not None
            and (
                self.v.lookup(nxt, self.v.units) is not None
                or self.v.lookup(nxt, self.v.months) is not None
            )
            and clock.meridiem is None
            and not self._hour_word(end - 1)
        ):
            return None
        return Piece(Kind.CLOCK, i, end, clock=clock, grain="minute" if clock.precise else "hour")

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
        t = self.tok(i)
        if t is None or t.kind != "word":
            return None
        freq_words = {
            "ежедневно": "DAILY", "ежедневный": "DAILY", "daily": "DAILY",
            "еженедельно": "WEEKLY", "еженедельный": "WEEKLY", "weekly": "WEEKLY",
            "ежемесячно": "MONTHLY", "ежемесячный": "MONTHLY", "monthly": "MONTHLY",
            "ежегодно": "YEARLY", "ежегодный": "YEARLY", "yearly": "YEARLY", "annually": "YEARLY",
        }  # fmt: skip
        adverb = freq_words.get(t.norm) or next(
            (freq_words[lemma] for lemma in t.lemmas if lemma in freq_words), None
        )
        if adverb is not None:
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
        # «каждый», "every", "each"
        if t.is_("каждый") or t.norm in ("every", "each"):
            j = i + 1
            interval = 1
            if self.has(j, "other") or t.norm == "other":
                interval, j = 2, j + 1
            else:
                found_n = self.number(j)
                if (
                    found_n is not None
                    and found_n[0] == int(found_n[0])
                    and 2 <= found_n[0] <= 99
                    and (
                        self._period_unit(found_n[1]) is not None
                        or self._weekday_at(found_n[1], typo=False) is not None
                    )
                ):
                    interval, j = int(found_n[0]), found_n[1]
            days = self._weekday_list(j)
            if days is not None:
                byday, end = days
                if end < len(self.t) and self.has(end, "day_word") and byday == WORKDAYS:
                    end += 1
                return Piece(
                    Kind.RECURRENCE, i, end, recurrence=Recurrence("WEEKLY", interval, byday)
                )
            if self.ru and self.norm(j) in ("будний", "рабочий") and self.has(j + 1, "day_word"):
                return Piece(
                    Kind.RECURRENCE, i, j + 2, recurrence=Recurrence("WEEKLY", interval, WORKDAYS)
                )
            unit = self._period_unit(j)
            if unit is not None:
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
                byday = ()
                if freq == "WEEKLY" and self.norm(end) in ("on", "по", "во", "в"):
                    found = self._weekday_list(end + 1)
                    if found is not None:
                        byday, end = found
                return Piece(Kind.RECURRENCE, i, end, recurrence=Recurrence(freq, interval, byday))
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
            part = self.v.lookup(nxt, self.v.parts_of_day) if nxt is not None else None
            if part is not None:
                return Piece(
                    Kind.RECURRENCE, i, j + 1, part=part, recurrence=Recurrence("DAILY", interval)
                )
            return None
        # «по вторникам и четвергам», «по будням», "on Mondays", "weekdays"
        if (
            (self.ru and t.norm == "по")
            or (not self.ru and t.norm in ("on", "every"))
            or (not self.ru and t.norm.endswith("s"))
        ):
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
        # «раз в месяц», «раз в две недели», "once a week", "once every 2 weeks"
        before = self.tok(i - 1)
        if self.has(i, "once_per") and (
            before is None or (self._number_word(before)[0] is None and not before.is_number)
        ):
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
        return None

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


def _grammemes(word: str) -> frozenset[str]:
    from calendar_assistant.understanding.morphology import grammemes

    return grammemes(word)
