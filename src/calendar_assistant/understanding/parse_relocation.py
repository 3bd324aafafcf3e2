"""Relocations: a change of where an event is held.

"change the location of the board meeting to room 4", «поменяй место совещания на
переговорку 4» name the place in so many words (`place_nouns`); "move the standup to room 4",
«перенеси планёрку в переговорку 4» move it to a kind of place (`place_words`) instead of a
time. The words are data (rules/data/<lang>.toml); the new place is stored as the calendar
shows it (nominative in Russian: «Переговорка 4»).
"""

from __future__ import annotations

from dataclasses import dataclass

from calendar_assistant.understanding.parse_message import Message, _starts_with
from calendar_assistant.understanding.rules.cues import longest_at, match_at
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import calendar_title, leftover


@dataclass(frozen=True, slots=True)
class Relocation:
    """The words naming the event, the case they are in, and the new place as stored."""

    target: tuple[int, ...]
    case: str | None
    place: str
    #: Where the words of the new place begin: time words from there on are the place's.
    place_from: int


def relocation(msg: Message, cue: IntentCue) -> Relocation | None:
    """The relocation the words ask for, or None when they ask for no new place."""
    start = cue.span[1] if cue.span is not None else 0
    return _named_place(msg, cue, start) or _moved_to_place(msg, cue, start)


def _named_place(msg: Message, cue: IntentCue, start: int) -> Relocation | None:
    """ "change the location of X to Y", "set the venue for X to Y", «поменяй место X на Y»:
    the place noun is the verb's object (right after it, or the cue's own last word)."""
    tokens = msg.tokens
    nouns = msg.cues.phrases("place_nouns")
    k = longest_at(tokens, start, msg.cues.phrases("determiners")) or start
    after = longest_at(tokens, k, nouns)
    if after is None and cue.span is not None and cue.span[1] - cue.span[0] > 1:
        after = longest_at(tokens, cue.span[1] - 1, nouns)  # "set the venue", «укажи место»
    if after is None:
        return None
    linked = longest_at(tokens, after, msg.cues.phrases("place_of"))
    after = linked if linked is not None else after
    preps = msg.cues.phrases("new_place_preps")
    seps = [n for n in range(after + 1, len(tokens) - 1) if longest_at(tokens, n, preps)]
    if not seps or any(match_at(tokens, after - 1, p) for p in msg.cues.phrases("not_place")):
        return None  # «поменяй местами»: swapped, not moved
    # the first «на»/"to" before a kind of place («на офис на Ленина»), else the last
    seps = [n for n in seps if _says_a_place(msg, n + 1)][:1] or seps[-1:]
    # Russian names the event in the genitive after the noun («место совещания»)
    return _relocation(
        msg, range(after, seps[-1]), seps[-1] + 1, "gent" if msg.lang == "ru" else None
    )


def _moved_to_place(msg: Message, cue: IntentCue, start: int) -> Relocation | None:
    """ "move the standup to room 4", «перенеси планёрку в переговорку 4»: a move whose
    destination is a kind of place, not a time."""
    if not _starts_with(msg, cue, "move"):
        return None
    tokens = msg.tokens
    preps = msg.cues.phrases("new_place_preps")
    for n in range(start + 1, len(tokens) - 1):
        if longest_at(tokens, n, preps) is None or not _says_a_place(msg, n + 1):
            continue
        if any(p.start > n for p in msg.pieces):
            return None  # «перенеси поход в кино на вторник»: the place names the event
        return _relocation(msg, range(start, n), n + 1, "accs" if msg.lang == "ru" else None)
    return None


def _says_a_place(msg: Message, k: int) -> bool:
    """A kind of place (`place_words`) is said at `k`, after a determiner or not."""
    k = longest_at(msg.tokens, k, msg.cues.phrases("determiners")) or k
    return longest_at(msg.tokens, k, msg.cues.phrases("place_words")) is not None


def _relocation(
    msg: Message, target: range, place_from: int, case: str | None
) -> Relocation | None:
    """The event's words (fillers and time words aside) and the place said after them."""
    before = msg.used_by([p for p in msg.pieces if p.start < place_from])
    outside = set(range(len(msg.tokens))) - set(target)
    words = leftover(msg.tokens, outside | before, msg.cues).indices
    place_words = leftover(msg.tokens, set(range(place_from)), msg.cues).indices
    if msg.used_by([p for p in msg.pieces if p.end > place_from]) >= set(place_words):
        return None  # "… to 4": a time, not a place
    place_case = "accs" if msg.lang == "ru" else None
    place = calendar_title(msg.text, msg.tokens, place_words, msg.lang, place_case)
    if not place:
        return None
    return Relocation(words, case, place, place_from)
