"""Token access and numbers: the layer every pattern of the time grammar reads through.

A layer of `Grammar` (grammar.py), split by subject; each layer builds on the one below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.timeexpr.vocabulary import Vocabulary
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


def _grammemes(word: str) -> frozenset[str]:
    from calendar_assistant.understanding.morphology import grammemes

    return grammemes(word)


class GrammarReader:
    """The message's tokens, its vocabulary and its clock, with the readers all patterns share."""

    def __init__(
        self,
        tokens: list[Token],
        vocab: Vocabulary,
        now: datetime,
        tz: ZoneInfo,
        *,
        month_first: bool | None = None,
    ):
        self.tokens = tokens
        # asked hundreds of times a message: the count and the words kept (tokens are
        # never changed once cut)
        self._size = len(tokens)
        self._norms = [t.norm for t in tokens]
        self.vocab = vocab
        self.now = now.astimezone(tz)
        self.today = self.now.date()
        self.ru = vocab.lang == "ru"
        # SPEC §2: numeric dates are month first where the user's locale writes them so; the
        # setting's default follows the zone (America/* writes 11/25)
        self.month_first = month_first_in(tz) if month_first is None else month_first
        self._seen: dict[tuple[str, int], Piece | None] = {}
        self._numbers: dict[tuple[int, bool], tuple[float, int, bool] | None] = {}

    # ---------------------------------------------------------------- token access

    def tok(self, i: int) -> Token | None:
        return self.tokens[i] if 0 <= i < self._size else None

    def norm(self, i: int) -> str:
        return self._norms[i] if 0 <= i < self._size else ""

    def has(self, i: int, key: str) -> bool:
        return self.vocab.has(self.tok(i), key)

    def _prep(self, i: int, *keys: str) -> tuple[str, int]:
        """An optional preposition from the vocabulary lists `keys` at token `i`."""
        t = self.tok(i)
        if t is None:
            return "", i
        two = f"{t.norm} {self.norm(i + 1)}" if t.norm in self.vocab.pair_starts else None
        for key in keys:
            words = self.vocab.words.get(key, frozenset())
            if two is not None and two in words:
                return two, i + 2
            if t.norm in words:
                return t.norm, i + 1
        return "", i

    # ---------------------------------------------------------------- numbers

    def number(self, i: int, *, articles: bool = False) -> tuple[float, int, bool] | None:
        """A number at `i` in digits or words: (value, next index, is ordinal).

        Read once per token (most patterns ask for a number where they start)."""
        key = (i, articles)
        if key in self._numbers:
            return self._numbers[key]
        found = self._numbers[key] = self._read_number(i, articles)
        return found

    def _read_number(self, i: int, articles: bool) -> tuple[float, int, bool] | None:
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
        ordinal = self.vocab.lookup(t, self.vocab.ordinals)
        cardinal = self.vocab.lookup(t, self.vocab.cardinals)
        if cardinal is not None and t.norm in self.vocab.cardinals:
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

    def _run(self, pattern: Callable[[int], Piece | None], i: int) -> Piece | None:
        """A pattern's piece at `i`, read once: the scanner and the composer both ask."""
        key = (pattern.__name__, i)
        if key in self._seen:
            return self._seen[key]
        found = self._seen[key] = pattern(i)
        return found
