"""Which request a message is: intent cues found in the tokens, by strength and position."""

from __future__ import annotations

from dataclasses import dataclass

from calendar_assistant.domain.commands import Intent
from calendar_assistant.understanding.morphology import parses
from calendar_assistant.understanding.rules.cues import Cues, find_first, longest_at, match_at
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.tokens import Token

# Cues that decide the request wherever they stand («Когда я свободен» is about free time).
STRONG = ("reminder", "free", "update", "delete")
# Cues that compete by position: the earliest wins.
ORDINARY = ("create", "list")


@dataclass(frozen=True, slots=True)
class IntentCue:
    intent: Intent
    span: tuple[int, int] | None  # the cue's tokens, cut from the title
    strength: float  # how sure the cue makes us (feeds `confidence`)


_INTENT_OF = {
    "reminder": Intent.CREATE_REMINDER,
    "free": Intent.FIND_FREE_SLOTS,
    "update": Intent.UPDATE_EVENT,
    "delete": Intent.DELETE_EVENT,
    "create": Intent.CREATE_EVENT,
    "list": Intent.LIST_EVENTS,
    "search": Intent.SEARCH_EVENTS,
}


def _only_cue_words(tokens: list[Token], cues: Cues, key: str) -> bool:
    """True if the message is nothing but `key` cues, fillers and punctuation."""
    phrases = cues.joined(key, "fillers")
    i = 0
    seen = False
    while i < len(tokens):
        if tokens[i].kind == "mark":
            i += 1
            continue
        end = longest_at(tokens, i, phrases)
        if end is None:
            return False
        if longest_at(tokens, i, cues.phrases(key)) is not None:
            seen = True
        i = end
    return seen


def classify(tokens: list[Token], pieces: list[Piece], cues: Cues) -> IntentCue:
    """The intent of the message and the cue that says it.

    Asked in order, the first answer wins: the short command words (help, undo, cancel),
    then a strong cue anywhere, then the first ordinary cue or a search, then what the
    shape of the message says (a booking, "how does my day look", a bare time).
    """
    words = [t for t in tokens if t.kind != "mark"]
    if not words:
        return IntentCue(Intent.UNKNOWN, None, 0.0)
    used = frozenset(k for p in pieces for k in range(p.start, p.end))
    return (
        _command_words(tokens, pieces, cues, len(words))
        or _first_cue(tokens, cues, used, STRONG, 0.9)
        or _ordinary_or_search(tokens, pieces, cues, used)
        or _by_shape(tokens, pieces, cues, used)
    )


def _command_words(
    tokens: list[Token], pieces: list[Piece], cues: Cues, length: int
) -> IntentCue | None:
    """«Помощь», "how do I add…", "undo", «отмена»: short messages that are commands."""
    how = find_first(tokens, cues.phrases("how_to"))
    if how is not None and how[0] == 0 and not pieces:
        return IntentCue(Intent.HELP, how, 0.9)  # «Как добавить встречу?» asks how
    help_cue = find_first(tokens, cues.phrases("help"))
    if help_cue is not None and length <= 6 and not pieces:
        other = any(
            find_first(tokens, cues.phrases(key)) is not None for key in (*STRONG, "create")
        )
        if not other:
            return IntentCue(Intent.HELP, help_cue, 0.95)
    undo_cue = find_first(tokens, cues.phrases("undo"))
    if undo_cue is not None and length <= 7:
        return IntentCue(Intent.UNDO, undo_cue, 0.95)
    if not pieces and _only_cue_words(tokens, cues, "cancel") and not points_back(tokens, cues):
        return IntentCue(Intent.CANCEL, (0, len(tokens)), 0.9)
    return None


def _cues_found(
    tokens: list[Token], cues: Cues, used: frozenset[int], keys: tuple[str, ...]
) -> list[tuple[int, str, tuple[int, int]]]:
    """(position, key, span) of each key's first cue outside the time pieces, first first."""
    found = []
    for key in keys:
        span = find_first(tokens, cues.phrases(key), used)
        if span is not None:
            found.append((span[0], key, span))
    return sorted(found)


def _first_cue(
    tokens: list[Token], cues: Cues, used: frozenset[int], keys: tuple[str, ...], sure: float
) -> IntentCue | None:
    found = _cues_found(tokens, cues, used, keys)
    if not found:
        return None
    _, key, span = found[0]
    return IntentCue(_INTENT_OF[key], span, sure)


def _ordinary_or_search(
    tokens: list[Token], pieces: list[Piece], cues: Cues, used: frozenset[int]
) -> IntentCue | None:
    """The first ordinary cue, unless a search word before it says the message asks."""
    ordinary = _cues_found(tokens, cues, used, ORDINARY)
    search = find_first(tokens, cues.phrases("search"), used)
    if search is not None and _find_with_amount(tokens, pieces, search):
        return IntentCue(Intent.FIND_FREE_SLOTS, search, 0.8)
    if ordinary:
        position, key, span = ordinary[0]
        if search is not None and search[0] < position and (key == "list" or search[1] > position):
            # "Do I have a meeting…?" holds "I have a" but asks; «Когда … покажи» searches
            return IntentCue(Intent.SEARCH_EVENTS, search, 0.75)
        return IntentCue(_INTENT_OF[key], span, 0.9 if position <= 2 else 0.75)
    if search is not None:
        return IntentCue(Intent.SEARCH_EVENTS, search, 0.75)
    return None


def _by_shape(
    tokens: list[Token], pieces: list[Piece], cues: Cues, used: frozenset[int]
) -> IntentCue:
    """No cue word: a booking, "how does tomorrow look", a bare time (a create), or unknown."""
    booking = _books_a_place(tokens, used, cues)
    if pieces and booking is not None:
        return IntentCue(Intent.CREATE_EVENT, booking, 0.8)
    asked = _asks_how_a_day_looks(tokens, pieces, cues)
    if asked is not None:
        return IntentCue(Intent.LIST_EVENTS, asked, 0.85)
    if pieces and not _is_question(tokens, cues) and not _starts_with_a_request(tokens, used, cues):
        return IntentCue(Intent.CREATE_EVENT, None, 0.6)
    return IntentCue(Intent.UNKNOWN, None, 0.3)


def _books_a_place(tokens: list[Token], used: frozenset[int], cues: Cues) -> tuple[int, int] | None:
    """«Закажи столик в ресторане на субботу», "order a table for Friday 8pm": the verb's
    span when the first words are a booking verb and (after an article) a thing reserved."""
    first = next((k for k, t in enumerate(tokens) if t.kind == "word" and k not in used), None)
    if first is None:
        return None
    end = longest_at(tokens, first, cues.phrases("booking_verbs"))
    if end is None:
        return None
    k = end
    while k < len(tokens) and tokens[k].norm in ("a", "an", "the", "us", "me", "нам", "мне"):
        k += 1
    return (first, end) if longest_at(tokens, k, cues.phrases("bookables")) is not None else None


def _asks_how_a_day_looks(
    tokens: list[Token], pieces: list[Piece], cues: Cues
) -> tuple[int, int] | None:
    """ "How does tomorrow look?", «Как у меня завтра?»: a "how is" opening asked of a time
    (and nothing but that time) lists it; "How are you?" has no time and stays unknown."""
    if not pieces or any(p.kind in (Kind.DURATION, Kind.INVALID) for p in pieces):
        return None
    first = next((k for k, t in enumerate(tokens) if t.kind != "mark"), None)
    if first is None:
        return None
    end = longest_at(tokens, first, cues.phrases("how_is"))
    return (first, end) if end is not None else None


def points_back(tokens: list[Token], cues: Cues) -> bool:
    """ "cancel that", «отмени это»: a delete of the event just discussed, not a dialogue stop."""
    pronouns = cues.single("pronouns")
    return find_first(tokens, cues.phrases("delete")) is not None and any(
        longest_at(tokens, k, pronouns) is not None for k in range(len(tokens))
    )


def _is_question(tokens: list[Token], cues: Cues) -> bool:
    """A question with no request cue («Какая завтра погода?») is not a request to create."""
    if any(t.norm == "?" for t in tokens):
        return True
    first = next((t for t in tokens if t.kind != "mark"), None)
    return first is not None and any(match_at([first], 0, p) for p in cues.phrases("question"))


def _starts_with_a_request(tokens: list[Token], used: frozenset[int], cues: Cues) -> bool:
    """«Закажи пиццу на 7 вечера», "Play music at 8pm": an imperative we have no cue for is
    not an event name. Russian verbs are told by their form; English ones, which look like
    nouns, by a list of things people ask devices and errands of (`requests` in en.toml)."""
    first = next((k for k, t in enumerate(tokens) if t.kind == "word" and k not in used), None)
    if first is None:
        return False
    if longest_at(tokens, first, cues.phrases("requests")) is not None:
        return True
    readings = parses(tokens[first].norm)
    return bool(readings) and "impr" in readings[0].tag.grammemes  # the likeliest reading


def _find_with_amount(tokens: list[Token], pieces: list[Piece], search: tuple[int, int]) -> bool:
    """«Найди время на 2 часа», "Find two hours for deep work": finding an amount of time."""
    if not any(
        match_at(tokens, search[0], (w,))
        for w in ("найди", "найти", "find", "подбери", "подобрать")
    ):
        return False
    return any(p.kind == Kind.DURATION and p.start <= search[1] + 2 for p in pieces)
