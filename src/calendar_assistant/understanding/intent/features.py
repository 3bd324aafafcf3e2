"""What the classifier sees of a message: lemmas, word and character n-grams, the time
expressions the grammar found as placeholders by kind, and the sentence's shape.

The same function makes the features for training and for answering, so the two cannot
drift apart; the model stores only the feature strings it learned weights for.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.morphology import lemmas_of
from calendar_assistant.understanding.rules.cues import Phrase, cues, longest_at, match_at
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.tokens import Token

CHAR_SIZES = (3, 4, 5)
_MAX_UNITS = 60  # a long message: its opening says what it asks


@lru_cache(maxsize=65536)
def lemma(norm: str) -> str:
    """The word's likeliest dictionary form (Russian by pymorphy3; other words as typed)."""
    found = lemmas_of(norm)
    return found[0].replace("ё", "е") if found else norm


def units(tokens: list[Token], pieces: list[Piece]) -> list[str]:
    """The message as a sequence of lemmas, `<kind>` for each time expression, `<num>` for
    numbers the grammar left alone and `?` for a question mark (other marks dropped)."""
    kinds: dict[int, str] = {}
    for piece in pieces:
        for k in range(piece.start, piece.end):
            kinds[k] = f"<{piece.kind.value}>"
        if piece.kind is Kind.CLOCK and piece.day is not None and piece.end - piece.start > 1:
            kinds[piece.end - 1] = "<day>"  # "9 tomorrow morning": a clock, then its day
    out: list[str] = []
    for k, token in enumerate(tokens[: _MAX_UNITS * 2]):
        unit: str | None
        if k in kinds:
            unit = kinds[k]
            if out and out[-1] == unit and (k - 1) in kinds:
                continue
        elif token.kind == "mark":
            unit = "?" if token.norm == "?" else None
        elif token.kind in ("figure", "clock"):
            unit = "<num>"
        else:
            unit = lemma(token.norm)
        if unit is not None:
            out.append(unit)
    return out[:_MAX_UNITS]


def _opens_a_question(tokens: list[Token], lang: Lang) -> bool:
    first = next((k for k, t in enumerate(tokens) if t.kind != "mark"), None)
    if first is None:
        return False
    return longest_at(tokens, first, cues(lang).phrases("question_openers")) is not None


#: Cue lists of rules/data whose presence is a feature (the keyword evidence, weighed by
#: the model instead of a hand-set decision list).
CUE_KEYS = ("create", "list", "free", "update", "delete", "reminder", "search", "help", "undo",
            "cancel", "reminder_nouns", "how_is", "how_to", "requests", "bookables",
            "info_openers")  # fmt: skip


@lru_cache(maxsize=2)
def _cue_index(
    lang: Lang,
) -> tuple[dict[str, tuple[tuple[str, Phrase], ...]], tuple[tuple[str, Phrase], ...]]:
    """Every cue phrase of CUE_KEYS by its first word (exact), and those with a prefix first
    word: one pass over the tokens finds them all."""
    book = cues(lang)
    exact: dict[str, list[tuple[str, Phrase]]] = {}
    prefix: list[tuple[str, Phrase]] = []
    for key in CUE_KEYS:
        for phrase in book.phrases(key):
            if phrase[0].endswith("*"):
                prefix.append((key, phrase))
            else:
                exact.setdefault(phrase[0], []).append((key, phrase))
    return {k: tuple(v) for k, v in exact.items()}, tuple(prefix)


def cue_features(tokens: list[Token], pieces: list[Piece], lang: Lang) -> list[str]:
    """Which cue lists occur outside the time words, and which occurs first."""
    used = {k for p in pieces for k in range(p.start, p.end)}
    exact, prefix = _cue_index(lang)
    first_at: dict[str, int] = {}
    for i, token in enumerate(tokens[: _MAX_UNITS * 2]):
        if i in used or token.kind == "mark":
            continue
        found = list(exact.get(token.norm, ()))
        for lemma in token.lemmas:
            if lemma != token.norm:
                found.extend(exact.get(lemma, ()))
        found.extend(kp for kp in prefix if token.norm.startswith(kp[1][0][:-1]))
        for key, phrase in found:
            if key not in first_at and match_at(tokens, i, phrase) is not None:
                first_at[key] = i
    feats = [f"cue={key}" for key in first_at]
    if first_at:
        feats.append(f"cue_first={min(first_at.items(), key=lambda kv: (kv[1], kv[0]))[0]}")
    return feats


def features(
    tokens: list[Token], pieces: list[Piece], lang: Lang, rule: str | None = None
) -> list[str]:
    """The message's features (strings; each counts once). `rule` is the intent the cue
    rules (rules/intents.py) read: one more piece of evidence for the model to weigh."""
    seq = units(tokens, pieces)
    words = [u for u in seq if u != "?"]
    feats = [f"lang={lang}", *cue_features(tokens, pieces, lang)]
    if rule is not None:
        feats.append(f"rule={rule}")
    feats += [f"w={u}" for u in seq]
    padded = ["^", *words, "$"]
    feats += [f"b={a}|{b}" for a, b in pairwise(padded)]
    feats += [f"t={a}|{b}|{c}" for (a, b), c in zip(pairwise(padded), padded[2:], strict=False)]
    covered = {k for p in pieces for k in range(p.start, p.end)}
    for k, token in enumerate(tokens[: _MAX_UNITS * 2]):
        if token.kind != "word" or k in covered:
            continue
        text = f"#{token.norm[:30]}#"
        feats += [
            f"c={text[i : i + n]}" for n in CHAR_SIZES for i in range(max(1, len(text) - n + 1))
        ]
    if "?" in seq:
        feats.append("shape=question_mark")
    if _opens_a_question(tokens, lang):
        feats.append("shape=wh_start")
    if words:
        feats.append(f"first={words[0]}")
        feats.append(f"last={words[-1]}")
    if not words:
        feats.append("shape=empty")
    elif len(words) <= 2:
        feats.append("shape=short")
    if any(p.kind.value not in ("invalid",) for p in pieces):
        feats.append("shape=has_time")
    return list(dict.fromkeys(feats))
