"""The guards that keep a guess from becoming a write (issue 10, part 2).

A question is never a create; a title made only of question or function words names
nothing and is refused; a write needs a surer probability than a read. The word lists are
data (`question_openers`, `polite_openers`, `function_words`, `not_title_openers` in
rules/data/<lang>.toml).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.morphology import is_past_verb
from calendar_assistant.understanding.rules.cues import Cues, Phrase, cues, longest_at
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.tokens import Token, tokenize

#: A read is acted on from this probability, a write (or undo) only from the higher one.
ACT_READ: Final = 0.45
ACT_WRITE: Final = 0.7
#: An account command typed as words is run from this probability (/forget still confirms).
ACT_ACCOUNT: Final = 0.6
#: Two readings are offered when together they are at least this likely.
ASK_TOGETHER: Final = 0.6
#: A lone write below ACT_WRITE is offered as a yes-or-no from this probability; below, unknown.
CONFIRM_AT_LEAST: Final = 0.4
#: A second reading below this is not worth a button.
SECOND_AT_LEAST: Final = 0.12

#: "Hey Anna, can you put…?": a polite opener within the first few words.
_POLITE_WITHIN: Final = 3
#: "Hey, could you please tell me…": an opener asking to be told, within the first words.
_INFO_WITHIN: Final = 5
#: The cue lists of a request to change the calendar: said before "tell me", they lead.
_WRITE_CUES: Final = ("create", "update", "delete", "reminder")

WRITE_INTENTS: Final = frozenset(
    {
        Intent.CREATE_EVENT,
        Intent.UPDATE_EVENT,
        Intent.DELETE_EVENT,
        Intent.CREATE_REMINDER,
        Intent.UNDO,
    }
)


def _first_word(tokens: list[Token]) -> int | None:
    return next((k for k, t in enumerate(tokens) if t.kind != "mark"), None)


def opens_a_question(tokens: list[Token], cues: Cues) -> bool:
    """It opens with a question word («что», "what", «есть ли», "did you"): asked, and no
    write of any kind is read from it."""
    first = _first_word(tokens)
    if first is None or longest_at(tokens, first, cues.phrases("polite_openers")) is not None:
        return False  # "is there a way to clear…", "is it possible to move…": a request
    return longest_at(tokens, first, cues.phrases("question_openers")) is not None


def is_question(tokens: list[Token], cues: Cues) -> bool:
    """Asked, not requested: it opens with a question word, or it has «?» without opening
    as a polite request ("can you add…?", «можешь поставить…?»): never a create."""
    first = _first_word(tokens)
    if first is None:
        return False
    if opens_a_question(tokens, cues):
        return True
    words = [k for k, t in enumerate(tokens) if t.kind != "mark"][:_POLITE_WITHIN]
    polite_phrases = cues.phrases("polite_openers")
    polite = any(longest_at(tokens, k, polite_phrases) is not None for k in words)
    return not polite and any(t.norm == "?" for t in tokens)


@lru_cache(maxsize=4)
def _write_phrases(lang: Lang) -> tuple[Phrase, ...]:
    book = cues(lang)
    return tuple(p for key in _WRITE_CUES for p in book.phrases(key))


def seeks_information(tokens: list[Token], pieces: list[Piece], cues: Cues) -> bool:
    """It opens by asking to be told or shown ("give me information about the concert",
    "please let me know the alarm time", "check the third event of …"; `info_openers`)
    and asks for no reminder in so many words (`reminder_said`, or a lead time such as
    "an hour before"): whatever the classifier reads, the words seek information, so a
    write read from them is asked first, never done."""
    words = [k for k, t in enumerate(tokens) if t.kind != "mark"][:_INFO_WITHIN]
    info, other = cues.phrases("info_openers"), cues.phrases("not_info")
    opener = next(
        (
            k
            for k in words
            if longest_at(tokens, k, info) is not None and longest_at(tokens, k, other) is None
        ),
        None,
    )
    if opener is None or any(p.kind is Kind.LEAD for p in pieces):
        return False
    writes = _write_phrases(cues.lang)
    if any(longest_at(tokens, k, writes) is not None for k in words if k < opener):
        return False  # "add lunch at 1 and tell me if it clashes": the request leads
    said = cues.phrases("reminder_said")
    return not any(longest_at(tokens, k, said) is not None for k in range(len(tokens)))


def names_nothing(title: str, cues: Cues) -> bool:
    """A title made only of question and function words ("What", «Что у меня»)."""
    words = [t for t in tokenize(title) if t.kind != "mark"]
    function = cues.phrases("function_words")
    return bool(words) and all(
        longest_at([t], 0, function) is not None or t.kind != "word" for t in words
    )


def asks_something_else(title: str, cues: Cues) -> bool:
    """A title that opens with a request or question word ("Check event …", "Wake",
    «Покажи …»): the words asked for something else than an event of that name."""
    words = title.split()
    if not words or "-" in words[0]:
        return False  # "Check-in", «Кофе-брейк»: one word of its own
    tokens = tokenize(title)
    first = _first_word(tokens)
    if first is None or longest_at(tokens, first, cues.phrases("not_info")) is not None:
        return False  # "Check in with the design team": a request of its own
    return longest_at(tokens, first, cues.phrases("not_title_openers")) is not None


def holds_a_question(title: str, cues: Cues) -> bool:
    """A title that runs on past a comma into a question ("Thing with Anna, how does my
    look", «Встреча с Анной, что там в пятницу»): two requests were read as one name, so
    the reading is not sure of either."""
    tokens = tokenize(title)
    openers = cues.phrases("question_openers")
    return any(
        t.norm == "," and longest_at(tokens, k + 1, openers) is not None
        for k, t in enumerate(tokens[:-1])
    )


def narrates_the_past(tokens: list[Token], cues: Cues) -> bool:
    """A verb in the past tense ("I had lunch with Tom", «встреча прошла отлично»): said
    with a time already gone, the words tell what happened, they ask for no event. Russian
    asks the dictionary (its likeliest reading is a past verb); English lists the verbs
    people tell a day with (`past_verbs`)."""
    if cues.lang == "ru":
        return any(t.kind == "word" and is_past_verb(t.norm) for t in tokens)
    past = cues.phrases("past_verbs")
    return any(longest_at(tokens, k, past) is not None for k in range(len(tokens)))


def is_write(command: Command) -> bool:
    return command.intent in WRITE_INTENTS


def acts(command: Command) -> bool:
    """Whether the assistant would act on the command as it stands (no question first)."""
    if command.readings or command.intent is Intent.UNKNOWN:
        return False
    need = ACT_WRITE if is_write(command) else ACT_READ
    return command.confidence >= need
