"""Tokens: the message cut into words, numbers and clock/date figures, with their places.

Every later stage (time grammar, intent rules, titles) works on these tokens, so that what
one stage consumes the others can see and the title can be cut from the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from calendar_assistant.understanding.morphology import lemmas_of

# Characters that carry no meaning but break word matching (zero-width, bidi marks).
_INVISIBLE = dict.fromkeys(
    [
        *(0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2062, 0x2063, 0xFEFF),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    None,
)

_TOKEN = re.compile(
    r"(?P<clock>\d{1,2}:\d{2})(?!\d)"
    r"|(?P<figure>\d+(?:[./]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:'(?!s(?![^\W\d_]))[^\W\d_]+)?)"
    r"|(?P<possessive>'s)(?![^\W\d_])"
    r"|(?P<mark>\S)"
)

MAX_TOKENS = 200
"""Longer messages are read only up to this many tokens: nobody dictates an essay to a calendar."""


@dataclass(frozen=True, slots=True)
class Token:
    """One token: `raw` as typed, `norm` lower-cased with ё→е, `lemmas` its dictionary forms."""

    raw: str
    norm: str
    start: int
    end: int
    kind: str  # "word", "figure" (digits, maybe with . or /), "clock" (H:MM) or "mark"
    lemmas: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_number(self) -> bool:
        return self.kind == "figure" and self.norm.isdigit()

    @property
    def value(self) -> int:
        """The integer a digits-only token spells (check `is_number` first)."""
        return int(self.norm) if self.norm.isdigit() and len(self.norm) < 7 else -1

    def is_(self, *words: str) -> bool:
        """True if the token is one of `words` as typed or as a dictionary form."""
        return any(w == self.norm or w in self.lemmas for w in words)

    def in_(self, words: frozenset[str] | set[str] | dict[str, object]) -> bool:
        if self.norm in words:
            return True
        return any(lemma in words for lemma in self.lemmas)


def clean(text: str) -> str:
    """NFC-normalise and drop invisible characters; keeps the length readable for titles."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    return text.replace("\u2019", "'").replace("\u02bc", "'")


def normalize_word(word: str) -> str:
    return word.lower().replace("ё", "е")


def tokenize(text: str) -> list[Token]:
    """Cut `text` (already `clean`ed) into tokens, at most `MAX_TOKENS` of them."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "mark"
        if kind == "possessive":
            kind = "mark"
        raw = match.group()
        norm = normalize_word(raw)
        lemmas = _lemmas(norm) if kind == "word" else frozenset()
        tokens.append(Token(raw, norm, match.start(), match.end(), kind, lemmas))
        if len(tokens) >= MAX_TOKENS:
            break
    return tokens


@lru_cache(maxsize=65536)
def _lemmas(norm: str) -> frozenset[str]:
    if len(norm) > 40:
        return frozenset()
    return frozenset(lemma.replace("ё", "е") for lemma in lemmas_of(norm))
