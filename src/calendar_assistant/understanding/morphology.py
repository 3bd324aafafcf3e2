"""Russian morphology through pymorphy3: dictionary forms of words and the nominative case.

One analyzer per process, loaded lazily (about 0.1 s), and every lookup cached, because the
same few thousand word forms make up nearly all calendar requests.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def is_known_word(word: str) -> bool:
    """Whether pymorphy3's dictionary has this lower-case Russian word (False otherwise)."""
    return is_cyrillic(word) and len(word) <= 40 and bool(_analyzer().word_is_known(word))


def is_cyrillic(word: str) -> bool:
    return any(ch in _CYRILLIC for ch in word.lower())


@lru_cache(maxsize=65536)
def parses(word: str) -> tuple[Any, ...]:
    """All pymorphy3 parses of a lower-case Russian word (empty for other scripts)."""
    if not is_cyrillic(word) or len(word) > 40:
        return ()
    try:
        return tuple(_analyzer().parse(word))
    except (KeyError, ValueError):
        # pymorphy3 names each character's shape through unicodedata and fails on letters
        # that have no name there (e.g. Tangut «𗀀» glued to a Russian word): no reading.
        return ()


def lemmas_of(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.normal_form for p in parses(word)))


@lru_cache(maxsize=65536)
def grammemes(word: str) -> frozenset[str]:
    """Every grammeme any parse of the word carries (POS, case, number...)."""
    found: set[str] = set()
    for p in parses(word):
        found.update(str(p.tag).replace(" ", ",").split(","))
    return frozenset(found)


def _pick(word: str, case: str | None) -> Any | None:
    """The parse to inflect, by pymorphy3's ranking: the first with the expected case, or
    None when a nominative reading comes first (the word is already in the calendar's form)."""
    candidates = [p for p in parses(word) if {"NOUN", "ADJF", "PRTF", "NPRO"} & p.tag.grammemes]
    for p in candidates:
        if case is not None and case in p.tag.grammemes:
            return p
        if "nomn" in p.tag.grammemes:
            return None
    return None  # no reading in the expected case: leave the word as typed


def _match_case(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=16384)
def nominative_phrase(words: tuple[str, ...], case: str | None) -> tuple[str, ...]:
    """Put the head noun phrase (adjectives + first noun) of `words` in the nominative.

    `case` is the case the context expects the phrase in (`accs` after a verb, `gent` after
    «до»), which settles ambiguous forms like «встречи». Words after the head noun are its
    complements («сдачу отчёта», «игру в футбол») and stay as they are.
    """
    out = list(words)
    adjectives: list[int] = []
    for i, original in enumerate(words):
        word = original.lower()
        if not is_cyrillic(word):
            return tuple(out)
        parse = _pick(word, case)
        tags = set(parse.tag.grammemes) if parse is not None else grammemes(word)
        if "ADJF" in tags or "PRTF" in tags:
            adjectives.append(i)
            continue
        guess = _unknown_accusative(word, case) if parse is None else None
        if guess is not None:  # «переговорку» (not in the dictionary) → «переговорка»
            out[i] = _match_case(original, guess)
            for j in adjectives:
                adj = _pick(words[j].lower(), case)
                form = adj.inflect({"nomn", "sing", "femn"}) if adj is not None else None
                if form is not None:
                    out[j] = _match_case(words[j], form.word)
            return tuple(out)
        if parse is None or "NOUN" not in tags:
            return tuple(out)
        number = "plur" if "plur" in tags and "Pltm" not in tags else "sing"
        noun = parse.inflect({"nomn", number}) or parse.inflect({"nomn"})
        if noun is None:
            return tuple(out)
        out[i] = _match_case(original, noun.word)
        gender = next((g for g in ("masc", "femn", "neut") if g in noun.tag.grammemes), None)
        for j in adjectives:
            adj = _pick(words[j].lower(), case)
            if adj is None:
                continue
            wanted = {"nomn", number} | ({gender} if gender and number == "sing" else set())
            form = adj.inflect(wanted)
            if form is not None:
                out[j] = _match_case(words[j], form.word)
        return tuple(out)
    return tuple(out)


def _unknown_accusative(word: str, case: str | None) -> str | None:
    """A word the dictionary lacks, said as an object («забронируй переговорку», «добавь
    демку»): pymorphy3 only guesses its case, but «-у/-ю» of an object is the accusative of
    a feminine «-а/-я» noun, so that is its nominative."""
    if case != "accs" or len(word) < 4 or _analyzer().word_is_known(word):
        return None
    if word.endswith("у") and word[-2] not in "аеёиоуыэюя":
        return word[:-1] + "а"
    if word.endswith("ю") and word[-2] not in "аеёиоуыэюя":
        return word[:-1] + "я"
    return None


@lru_cache(maxsize=16384)
def nominative_name(word: str) -> str:
    """A person's name in the nominative («Петром» → «Пётр», «Анной» → «Анна»)."""
    for p in parses(word.lower()):
        if "NOUN" in p.tag.grammemes and ({"Name", "Surn", "anim"} & p.tag.grammemes):
            form = p.inflect({"nomn", "sing"})
            if form is not None:
                return _match_case(word, form.word)
    return word


def is_infinitive(word: str) -> bool:
    return "INFN" in grammemes(word.lower())


@lru_cache(maxsize=65536)
def is_past_verb(word: str) -> bool:
    """Whether the word's likeliest reading is a verb in the past tense («прошла», «обедал»);
    a word that is likelier a noun or an adjective («было» aside) is not."""
    found = parses(word)
    return bool(found) and found[0].tag.POS == "VERB" and "past" in found[0].tag
