"""The message as the slot builders see it, and the small readings every builder shares.

Kept apart from `parser` so the builders (parse_create, parse_targets, parse_reminders,
parse_lists, parse_updates) can use them without importing `parser`, which imports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from calendar_assistant.domain.commands import Intent, Missing
from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.morphology import is_known_word
from calendar_assistant.understanding.rules.cues import (
    Cues,
    Phrase,
    cues,
    find_first,
    longest_at,
    match_at,
)
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import (
    Leftover,
    calendar_title,
    is_generic,
    is_hollow,
    leftover,
)
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.timeexpr.reading import Reading, Resolver, deadline_clock
from calendar_assistant.understanding.timeexpr.span import read_pieces
from calendar_assistant.understanding.timeexpr.vocabulary import within_one_edit
from calendar_assistant.understanding.tokens import Token

MAX_TEXT = 10_000


@dataclass(slots=True)
class Message:
    """One message as the rules see it."""

    text: str
    tokens: list[Token]
    pieces: list[Piece]
    lang: Lang
    cues: Cues
    res: Resolver
    default_seconds: float
    #: The user's date order for 3/4 (True: March 4); None follows the zone.
    month_first: bool | None = None

    def used_by(self, pieces: list[Piece]) -> set[int]:
        return {k for p in pieces for k in range(p.start, p.end)}


def read_message(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang | None,
    default_duration_minutes: int,
    month_first: bool | None = None,
) -> Message:
    from calendar_assistant.understanding.tokens import clean

    text = clean(text[:MAX_TEXT])
    tokens, pieces, language = read_pieces(text, now=now, tz=tz, lang=lang, month_first=month_first)
    pieces = _in_a_request(pieces)
    return Message(
        text, tokens, pieces, language, cues(language), Resolver(now, tz),
        max(1, default_duration_minutes) * 60.0, month_first,
    )  # fmt: skip


def _in_a_request(pieces: list[Piece]) -> list[Piece]:
    """Pieces `read_time` answers as open or rolling spans that a request reads otherwise:
    «к 8 утра» is the time of the event (`deadline_clock`), and «в течение двух часов» beside
    a clock of its own («созвон завтра в 10 в течение двух часов») is the event's length."""
    pieces = [deadline_clock(p) or p for p in pieces]
    if not any(p.kind in (Kind.CLOCK, Kind.CLOCK_RANGE) for p in pieces):
        return pieces
    return [_length(p) if p.extra.get("within") else p for p in pieces]


def _length(p: Piece) -> Piece:
    since, until = p.extra.get("from"), p.extra.get("until")
    if not isinstance(since, datetime) or not isinstance(until, datetime):
        return p
    seconds = (until - since).total_seconds()
    return Piece(Kind.DURATION, p.start, p.end, prep=p.prep, grain="minute", seconds=seconds)


_CUE_KEY = {
    Intent.CREATE_EVENT: "create",
    Intent.CREATE_REMINDER: "reminder",
    Intent.LIST_EVENTS: "list",
    Intent.FIND_FREE_SLOTS: "free",
    Intent.SEARCH_EVENTS: "search",
    Intent.DELETE_EVENT: "delete",
    Intent.UPDATE_EVENT: "update",
}


def _spanned(msg: Message, cue: IntentCue) -> IntentCue:
    """The cue with the words that said it: an intent chosen without them (a classifier,
    the LLM) still keeps "move", «удали» out of the title. The rules' own cue is kept."""
    key = _CUE_KEY.get(cue.intent)
    if cue.span is not None or key is None:
        return cue
    used = frozenset(msg.used_by(msg.pieces))
    found = find_first(msg.tokens, msg.cues.phrases(key), used)
    if found is None:
        found = _typed_cue(msg, msg.cues.phrases(key), used)
    return cue if found is None else IntentCue(cue.intent, found, cue.strength)


#: A mistyped command verb is looked for among the first words only (after «пожалуйста»).
_TYPED_WITHIN = 2
#: Shorter words are too often another word one letter away ("ad", «дай»).
_TYPED_SHORTEST = 5


def _typed_cue(
    msg: Message, phrases: tuple[Phrase, ...], used: frozenset[int]
) -> tuple[int, int] | None:
    """A one-word cue typed with one letter wrong, missing, extra or swapped, said first:
    «Поставте», «Запланиру», «Создйа», "Schedul", "creat". The classifier reads the intent
    from such a word by its letters; this keeps the word out of the title. A Russian word
    the dictionary knows («поставщик») is a word of its own, never a typo."""
    words = [k for k, t in enumerate(msg.tokens) if t.kind == "word" and k not in used]
    for k in words[:_TYPED_WITHIN]:
        word = msg.tokens[k].norm
        if len(word) < _TYPED_SHORTEST or not word.isalpha() or is_known_word(word):
            continue
        if any(len(p) == 1 and _one_typo(word, p[0]) for p in phrases):
            return k, k + 1
    return None


def _one_typo(word: str, cue: str) -> bool:
    """`word` is `cue` with one typo; for a prefix cue ("поставь*") its start is."""
    stem = cue.rstrip("*")
    if len(stem) < _TYPED_SHORTEST or word == stem:  # "plans" is no typo of "plan"
        return False
    if not cue.endswith("*"):
        return within_one_edit(word, stem)
    return any(within_one_edit(word[:n], stem) for n in range(len(stem) - 1, len(stem) + 2))


def _starts_with(msg: Message, cue: IntentCue, key: str) -> bool:
    return cue.span is not None and any(
        match_at(msg.tokens, cue.span[0], p) for p in msg.cues.phrases(key)
    )


def _resize_cue(msg: Message, cue: IntentCue) -> IntentCue:
    """«Сделай планёрку на 2 часа», "Make the sync 90 minutes long": with nothing but a
    length said, "make" changes an existing event's length instead of creating one."""
    if (
        cue.intent is Intent.CREATE_EVENT
        and _starts_with(msg, cue, "resize")
        and msg.pieces
        and all(p.kind == Kind.DURATION for p in msg.pieces)
    ):
        return IntentCue(Intent.UPDATE_EVENT, cue.span, cue.strength)
    return cue


def _points_back(msg: Message, cue: IntentCue, indices: tuple[int, ...]) -> bool:
    """«удали это», "move it to 3pm": a pronoun and nothing else names the event."""
    pronouns = msg.cues.single("pronouns")
    used = msg.used_by(msg.pieces)  # "make it …": the pronoun may sit inside the cue
    said = [
        k
        for k, t in enumerate(msg.tokens)
        if k not in used and longest_at(msg.tokens, k, pronouns) is not None
    ]
    if not said:
        return False
    others = tuple(k for k in indices if k not in said)
    return not others or is_generic(msg.tokens, others, msg.cues)


def _cue_tokens(cue: IntentCue) -> set[int]:
    return set(range(*cue.span)) if cue.span else set()


def _rest(msg: Message, cue: IntentCue, pieces: list[Piece] | None = None) -> Leftover:
    used = msg.used_by(msg.pieces if pieces is None else pieces) | _cue_tokens(cue)
    return leftover(msg.tokens, used, msg.cues)


def _confidence(cue: IntentCue, msg: Message, rest: Leftover, *, penalty: float = 0.0) -> float:
    score = cue.strength - penalty
    if any(p.kind == Kind.INVALID for p in msg.pieces):
        score -= 0.4
    words = len(rest.indices)
    if words > 6:
        score -= 0.1 * min(4, words - 6) / 2
    return round(max(0.05, min(1.0, score)), 2)


def _title(msg: Message, indices: tuple[int, ...], case: str | None) -> str | None:
    """The calendar title of the words at `indices`; none when they are only question,
    function or command words ("What", «Что»): a guard whichever stage chose the intent."""
    if is_hollow(msg.tokens, indices, msg.cues):
        return None
    return calendar_title(msg.text, msg.tokens, indices, msg.lang, case)


def _object_case(cue: IntentCue) -> str | None:
    return "accs" if cue.span is not None else None


def _window(msg: Message, reading: Reading) -> tuple[datetime | None, datetime | None]:
    window = msg.res.window(reading)
    return window if window is not None else (None, None)


def _minutes(seconds: float | None) -> int | None:
    return None if seconds is None else max(0, round(seconds / 60))


def _said_at(msg: Message, i: int, key: str) -> bool:
    return any(match_at(msg.tokens, i, p) for p in msg.cues.phrases(key))


def _said_before(msg: Message, end: int, key: str) -> bool:
    """One of the `key` phrases ends right before token `end` (articles skipped)."""
    while end > 0 and msg.tokens[end - 1].norm in ("a", "an", "the"):
        end -= 1
    return any(
        end - len(p) >= 0 and match_at(msg.tokens, end - len(p), p) == end
        for p in msg.cues.phrases(key)
    )


def _invalid_date(reading: Reading) -> tuple[Missing, ...]:
    """«31 февраля»: ask for the date again rather than act on the rest of the words."""
    return (Missing.DATE,) if reading.invalid else ()
