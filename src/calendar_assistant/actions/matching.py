"""Which stored events a spoken title means: lemmas, case- and ё-insensitive, typo-tolerant.

«встречу с Иваном» must find «Встреча с Иваном», "dentist appointments" must find
"Dentist appointment". Words are reduced to lemmas (pymorphy3 for Cyrillic, a light
plural/possessive strip for Latin) and a title matches when every meaningful word of the
query matches a word of the title, exactly or by one small typo.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

import pymorphy3

_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")

# Words that carry no identity of an event: prepositions, articles, generic pronouns.
_STOP = frozenset(
    {
        "с", "со", "в", "во", "на", "к", "ко", "у", "о", "об", "по", "за", "для", "и", "мой",
        "моя", "моё", "мои", "the", "a", "an", "with", "my", "to", "at", "on", "in", "of",
        "for", "and",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    """One analyzer per process: loading the dictionaries takes ~0.1 s."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of one lowercased word, with ё folded to е."""
    word = word.lower().replace("ё", "е")
    if _CYRILLIC.search(word):
        return str(_morph().parse(word)[0].normal_form).replace("ё", "е")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=8192)
def title_lemmas(title: str) -> tuple[str, ...]:
    """The meaningful lemmas of a title, in order."""
    words = (w.lower() for w in _WORD.findall(title))
    return tuple(lemma(w) for w in words if w.replace("ё", "е") not in _STOP)


def _word_matches(query: str, candidates: tuple[str, ...]) -> bool:
    if query in candidates:
        return True
    if len(query) < 5:
        return any(c.startswith(query) and len(c) - len(query) <= 1 for c in candidates)
    return any(SequenceMatcher(None, query, c).ratio() >= 0.85 for c in candidates)


def title_matches(query: str, title: str) -> bool:
    """True when every meaningful word of `query` is found in `title` (by lemma or typo)."""
    wanted = title_lemmas(query)
    if not wanted:
        return False
    have = title_lemmas(title)
    return all(_word_matches(w, have) for w in wanted)


def match_score(query: str, title: str) -> float:
    """How closely a matching title fits (1.0: the same words), to rank several matches."""
    wanted, have = set(title_lemmas(query)), set(title_lemmas(title))
    if not wanted or not have:
        return 0.0
    return len(wanted & have) / len(wanted | have)
