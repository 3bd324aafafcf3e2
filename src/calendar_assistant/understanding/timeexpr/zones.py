"""Times said in another zone: «в 16:00 по Москве», "at 4pm London time", "9am ET".

The zone phrase (data/zones.toml) right after a time of day joins that piece, so its words
never reach the title or the attendees, and the piece carries the zone for the resolver,
which reads the wall clock there and converts it into the user's zone (zoneinfo).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.tokens import Token, tokenize

ZONE_KEY = "zone"
"""`Piece.extra` key holding the ZoneInfo a clock was said in."""

_ZONED = (Kind.CLOCK, Kind.CLOCK_RANGE)
_Phrase = tuple[Token, ...]


@lru_cache(maxsize=2)
def _phrases(lang: Lang) -> tuple[tuple[_Phrase, ZoneInfo], ...]:
    raw = tomllib.loads(
        resources.files("calendar_assistant.understanding.timeexpr")
        .joinpath("data", "zones.toml")
        .read_text(encoding="utf-8")
    )
    found: list[tuple[_Phrase, ZoneInfo]] = []
    for section in ("any", lang):
        for name, phrases in raw.get(section, {}).items():
            zone = ZoneInfo(name)
            found += [(tuple(tokenize(p)), zone) for p in phrases]
    return tuple(found)


def _same(token: Token, word: Token) -> bool:
    return token.norm == word.norm or bool(token.lemmas & word.lemmas)


@lru_cache(maxsize=2)
def _by_first_word(lang: Lang) -> tuple[dict[str, set[int]], dict[str, set[int]], set[int]]:
    """The places of the zone phrases by their first word as typed and by its dictionary
    forms (and those of no word), so a token is only held against the phrases it can open."""
    by_norm: dict[str, set[int]] = {}
    by_lemma: dict[str, set[int]] = {}
    empty: set[int] = set()
    for n, (phrase, _) in enumerate(_phrases(lang)):
        if not phrase:
            empty.add(n)
            continue
        by_norm.setdefault(phrase[0].norm, set()).add(n)
        for lemma in phrase[0].lemmas:
            by_lemma.setdefault(lemma, set()).add(n)
    return by_norm, by_lemma, empty


def _openers(token: Token, lang: Lang) -> list[int]:
    """The places, in order, of the zone phrases whose first word `token` can be."""
    by_norm, by_lemma, empty = _by_first_word(lang)
    places = empty | by_norm.get(token.norm, set())
    for lemma in token.lemmas:
        places |= by_lemma.get(lemma, set())
    return sorted(places)


def _zone_at(tokens: list[Token], i: int, lang: Lang) -> tuple[int, ZoneInfo] | None:
    """The longest zone phrase starting at token `i`: (its end, the zone)."""
    best: tuple[int, ZoneInfo] | None = None
    if not 0 <= i < len(tokens):
        return None
    phrases = _phrases(lang)
    for place in _openers(tokens[i], lang):
        phrase, zone = phrases[place]
        end = i + len(phrase)
        if end > len(tokens) or (best is not None and end <= best[0]):
            continue
        if all(_same(tokens[i + k], word) for k, word in enumerate(phrase)):
            if end < len(tokens) and tokens[end].kind == "word" and _joined(tokens, end - 1):
                continue  # "z" of a longer word typed on: not the zone
            best = (end, zone)
    return best


def _joined(tokens: list[Token], k: int) -> bool:
    return k + 1 < len(tokens) and tokens[k].end == tokens[k + 1].start


def attach_zones(tokens: list[Token], pieces: list[Piece], lang: Lang) -> list[Piece]:
    """Pieces with a zone phrase after a time of day grown over it, the zone in `extra`."""
    out: list[Piece] = []
    for n, p in enumerate(pieces):
        if p.kind in _ZONED and not (n + 1 < len(pieces) and pieces[n + 1].start == p.end):
            found = _zone_at(tokens, p.end, lang)
            if found is None and p.end < len(tokens) and tokens[p.end].norm in ("in", ","):
                # "4pm, London time": after a comma only a "<city> time" phrase, so that in
                # "3pm, PT at 5pm" the physio stays a title
                found = _zone_at(tokens, p.end + 1, lang)
                if found is not None and found[0] - (p.end + 1) < 2:
                    found = None
            limit = pieces[n + 1].start if n + 1 < len(pieces) else len(tokens)
            if found is not None and found[0] <= limit:
                p = replace(p, end=found[0], extra={**p.extra, ZONE_KEY: found[1]})
        out.append(p)
    return out
