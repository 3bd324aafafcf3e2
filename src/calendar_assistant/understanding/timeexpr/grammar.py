"""The time grammar: composable patterns over tokens that find the pieces of time in a text.

Each pattern is a method `_name(i) -> Piece | None` that tries to read one kind of
expression starting at token `i` (its leading preposition included). The scanner tries every
pattern at every position and keeps the longest match, so «в 3 часа дня» beats «в 3» and
«3 декабря» beats «3». Patterns are shared by both languages; the words come from the
language's vocabulary file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from calendar_assistant.understanding.timeexpr.compose import Composer, rulebook
from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece
from calendar_assistant.understanding.timeexpr.reader import (
    ORDINAL_SUFFIXES,
    UNIT_SECONDS,
    WEEKDAY_CODES,
    WEEKEND_DAYS,
    WORKDAYS,
    month_first_in,
)
from calendar_assistant.understanding.timeexpr.recurrences import RecurrencePatterns
from calendar_assistant.understanding.timeexpr.vocabulary import Vocabulary
from calendar_assistant.understanding.timeexpr.zones import attach_zones
from calendar_assistant.understanding.tokens import Token

__all__ = [
    "ORDINAL_SUFFIXES",
    "UNIT_SECONDS",
    "WEEKDAY_CODES",
    "WEEKEND_DAYS",
    "WORKDAYS",
    "Grammar",
    "month_first_in",
]


def _holidays_as_names(pieces: list[Piece]) -> list[Piece]:
    """ "Christmas party tomorrow", «ёлка на Новый год в пятницу»: with another day said, a
    holiday's name is part of the title, not the day."""
    days = [p for p in pieces if p.kind in (Kind.DAY, Kind.PERIOD, Kind.INSTANT)]
    named = [p for p in days if p.extra.get("holiday")]
    if not named or len(named) == len(days):
        return pieces
    return [p for p in pieces if not p.extra.get("holiday")]


_RECENT: list[tuple[list[Token], datetime, str, bool, bool, Composer]] = []


def _composer(g: Grammar, ranges: bool) -> Composer:
    """The composer of these very tokens, clock and settings if one was just made.

    The parser reads one message with a few Grammar objects; the constructions found do not
    change between them, so they are read once (the tokens are compared by identity).
    """
    key = (g.now, str(g.now.tzinfo), ranges, g.month_first)
    for tokens, now, zone, rng, order, composer in _RECENT:
        if (
            tokens is g.tokens
            and (now, zone, rng, order) == key
            and composer.grammar.vocab is g.vocab
        ):
            return composer
    composer = Composer(g, rulebook(g.vocab.lang), ranges=ranges)
    _RECENT.insert(0, (g.tokens, *key, composer))
    del _RECENT[4:]
    return composer


class Grammar(RecurrencePatterns):
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
        super().__init__(tokens, vocab, now, tz, month_first=month_first)
        self.composer = _composer(self, ranges)
        #: parts of the day said as a word of a name ("quiz night"): a hint for a bare clock
        self.named_parts: set[str] = set()
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

    # ---------------------------------------------------------------- scanning

    def scan(self) -> list[Piece]:
        """Every time piece of the message, left to right, not overlapping."""
        pieces: list[Piece] = []
        i, n = 0, len(self.tokens)
        named = [(p.__name__, p) for p in self._patterns]
        seen = self._seen  # `_run` inlined: 16 patterns at every token
        while i < n:
            best: Piece | None = None
            if self.tokens[i].kind != "mark" or self.tokens[i].norm == "@":
                for name, pattern in named:
                    key = (name, i)
                    if key in seen:
                        found = seen[key]
                    else:
                        found = seen[key] = pattern(i)
                    if found is not None and (best is None or found.end > best.end):
                        best = found
            if best is not None:
                pieces.append(best)
                i = best.end
            else:
                i += 1
        pieces = _evening_clocks(pieces) if self.named_parts & {"evening", "night"} else pieces
        return attach_zones(self.tokens, _holidays_as_names(pieces), self.vocab.lang)


def _evening_clocks(pieces: list[Piece]) -> list[Piece]:
    """ "add the quiz night on Thursday at 8": a name with "night" or "evening" in it puts
    a bare clock in the evening, as the part said on its own would ("Thursday night at 8")."""
    out: list[Piece] = []
    for p in pieces:
        if p.kind in (Kind.CLOCK, Kind.CLOCK_RANGE):
            p = replace(p, clock=_evening(p.clock), clock_end=_evening(p.clock_end))
        out.append(p)
    return out


def _evening(clock: Clock | None) -> Clock | None:
    if clock is None or not clock.bare or clock.meridiem is not None or not 1 <= clock.hour <= 11:
        return clock
    return replace(clock, meridiem="pm")
