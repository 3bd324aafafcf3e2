"""Cue phrases per language (`data/<lang>.toml`): the words that say which request it is.

A phrase is a few words; a word matches a token as typed or by dictionary form, and a
trailing `*` matches a prefix («перенеси*» covers «перенеси», «перенесите»).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.tokens import Token, normalize_word, tokenize

Phrase = tuple[str, ...]


def _phrase(text: str) -> Phrase:
    words: list[str] = []
    for token in tokenize(text):
        words.append(token.norm)
    if text.endswith("*") and words and words[-1] == "*":
        words.pop()
        words[-1] = words[-1] + "*"
    return tuple(words) if words else (normalize_word(text),)


@dataclass(frozen=True, slots=True)
class Cues:
    lang: Lang
    intents: dict[str, tuple[Phrase, ...]]
    words: dict[str, tuple[Phrase, ...]]
    # lists made of lists (`joined`, `single`, `longer`), made once: the same tuple each
    # time, so the index of its phrases by first word is kept too (see `_indexed`)
    made: dict[tuple[str, tuple[str, ...]], tuple[Phrase, ...]] = field(
        default_factory=dict, compare=False
    )

    def phrases(self, key: str) -> tuple[Phrase, ...]:
        return self.intents.get(key) or self.words.get(key, ())

    def joined(self, *keys: str) -> tuple[Phrase, ...]:
        """The phrases of these lists, one list after the other."""
        return self._made("all", keys)

    def single(self, *keys: str) -> tuple[Phrase, ...]:
        """The one-word phrases of these lists, one list after the other."""
        return self._made("single", keys)

    def longer(self, *keys: str) -> tuple[Phrase, ...]:
        """The phrases of more than one word of these lists."""
        return self._made("longer", keys)

    def _made(self, kind: str, keys: tuple[str, ...]) -> tuple[Phrase, ...]:
        found = self.made.get((kind, keys))
        if found is None:
            every = [p for key in keys for p in self.phrases(key)]
            if kind == "single":
                every = [p for p in every if len(p) == 1]
            elif kind == "longer":
                every = [p for p in every if len(p) > 1]
            found = self.made[(kind, keys)] = tuple(every)
        return found


def word_matches(word: str, token: Token) -> bool:
    if word.endswith("*"):
        return token.norm.startswith(word[:-1]) and token.kind == "word"
    return word == token.norm or word in token.lemmas


def match_at(tokens: list[Token], i: int, phrase: Phrase) -> int | None:
    """The index after `phrase` if it starts at token `i`."""
    if i + len(phrase) > len(tokens):
        return None
    for k, word in enumerate(phrase):
        if not word_matches(word, tokens[i + k]):
            return None
    return i + len(phrase)


#: Phrases by their first word (exact), those whose first word is a prefix with it, and
#: those prefixes.
_Index = tuple[dict[str, tuple[Phrase, ...]], tuple[tuple[str, Phrase], ...], tuple[str, ...]]


@lru_cache(maxsize=512)
def _index(phrases: tuple[Phrase, ...]) -> _Index:
    """Phrases by their first word (exact), and those whose first word is a prefix."""
    exact: dict[str, list[Phrase]] = {}
    prefix: list[tuple[str, Phrase]] = []
    for phrase in phrases:
        if phrase[0].endswith("*"):
            prefix.append((phrase[0][:-1], phrase))
        else:
            exact.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(v) for k, v in exact.items()}, tuple(prefix), tuple(s for s, _ in prefix)


#: `_index` by the identity of a phrase tuple (kept in the value, so the id stays its
#: own): the lists are module-lived tuples asked for on every token, and the lru_cache's
#: key hashed the whole tuple of tuples each time.
_INDEXES: dict[int, tuple[tuple[Phrase, ...], _Index]] = {}


def _indexed(phrases: Iterable[Phrase]) -> _Index:
    kept = _INDEXES.get(id(phrases))
    if kept is not None and kept[0] is phrases:
        return kept[1]
    phrases = phrases if isinstance(phrases, tuple) else tuple(phrases)
    index = _index(phrases)
    if len(_INDEXES) < 512:
        _INDEXES[id(phrases)] = (phrases, index)
    return index


def _candidates(token: Token, index: _Index) -> list[Phrase]:
    exact, prefix, _ = index
    found = list(exact.get(token.norm, ()))
    for lemma in token.lemmas:
        if lemma != token.norm:
            found.extend(exact.get(lemma, ()))
    found.extend(p for stem, p in prefix if token.norm.startswith(stem))
    return found


def _longest(tokens: list[Token], i: int, index: _Index) -> int | None:
    token, (exact, _, stems) = tokens[i], index
    opens = (
        token.norm in exact
        or not exact.keys().isdisjoint(token.lemmas)
        or token.norm.startswith(stems)
    )
    if not opens:  # most words open no phrase of the list
        return None
    best: int | None = None
    for phrase in _candidates(tokens[i], index):
        end = match_at(tokens, i, phrase)
        if end is not None and (best is None or end > best):
            best = end
    return best


def longest_at(tokens: list[Token], i: int, phrases: Iterable[Phrase]) -> int | None:
    """The end of the longest of `phrases` that starts at token `i`, or None."""
    if not 0 <= i < len(tokens):
        return None
    return _longest(tokens, i, _indexed(phrases))


def find_first(
    tokens: list[Token], phrases: tuple[Phrase, ...], skip: frozenset[int] = frozenset()
) -> tuple[int, int] | None:
    """The first (start, end) where one of `phrases` occurs outside the `skip`ped tokens."""
    index = _indexed(phrases)  # once, not once per token
    for i in range(len(tokens)):
        if i in skip:
            continue
        end = _longest(tokens, i, index)
        if end is not None:
            return i, end
    return None


@lru_cache(maxsize=2)
def cues(lang: Lang) -> Cues:
    raw = tomllib.loads(
        resources.files("calendar_assistant.understanding.rules")
        .joinpath("data", f"{lang}.toml")
        .read_text(encoding="utf-8")
    )
    return Cues(
        lang=lang,
        intents={k: tuple(_phrase(p) for p in v) for k, v in raw["cues"].items()},
        words={k: tuple(_phrase(p) for p in v) for k, v in raw["words"].items()},
    )
