"""Which stored events a spoken title means: lemmas, case- and ё-insensitive, typo-tolerant.

«встречу с Иваном» must find «Встреча с Иваном», "dentist appointments" must find
"Dentist appointment". Words are reduced to lemmas (pymorphy3 through the grammar's
morphology module for Cyrillic, a light plural/possessive strip for Latin) and a title
matches when every meaningful word of the query matches a word of the title, exactly or by
one small typo.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from calendar_assistant.understanding.morphology import lemmas_of

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


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of one lowercased word, with ё folded to е."""
    word = word.lower().replace("ё", "е")
    if _CYRILLIC.search(word):
        # The grammar's analyzer (one per process, cached): the first, likeliest reading.
        forms = lemmas_of(word)
        return forms[0].replace("ё", "е") if forms else word
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=8192)
def _words(title: str) -> tuple[tuple[str, str], ...]:
    """(lemma, folded word form) of each meaningful word of a title, in order."""
    folded = (w.lower().replace("ё", "е") for w in _WORD.findall(title))
    return tuple((lemma(w), w) for w in folded if w not in _STOP)


def title_lemmas(title: str) -> tuple[str, ...]:
    """The meaningful lemmas of a title, in order."""
    return tuple(lemma_ for lemma_, _ in _words(title))


def _similar(a: str, b: str) -> bool:
    if len(a) < 5 or len(b) < 5:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _word_matches(query: tuple[str, str], have: tuple[tuple[str, str], ...]) -> bool:
    query_lemma, query_form = query
    for title_lemma, title_form in have:
        if query_lemma == title_lemma or query_form == title_form:
            return True
        if _similar(query_lemma, title_lemma) or _similar(query_form, title_form):
            return True
    return False


# Words that only say "a thing in the calendar": "my dentist appointment" means the event
# called "Dentist", so beside other words they need not be in the title.
_KIND_WORDS = frozenset({"appointment", "appt", "event", "запись", "событие", "мероприятие"})


@lru_cache(maxsize=16384)
def title_matches(query: str, title: str) -> bool:
    """True when every meaningful word of `query` is found in `title` (by lemma or typo);
    a word that only says what kind of entry it is ("dentist appointment") may be missing.

    Cached: a search tries one query against every event of two weeks, whose titles repeat
    (a series, the same kind of meeting), and each typo check is a SequenceMatcher.
    """
    wanted = _words(query)
    naming = tuple(w for w in wanted if w[0] not in _KIND_WORDS)
    if naming:
        wanted = naming
    if not wanted:
        return False
    have = _words(title)
    return all(_word_matches(w, have) for w in wanted)


def match_score(query: str, title: str) -> float:
    """How closely a matching title fits (1.0: the same words), to rank several matches."""
    wanted, have = set(title_lemmas(query)), set(title_lemmas(title))
    if not wanted or not have:
        return 0.0
    return len(wanted & have) / len(wanted | have)
