"""Which event a message points at (title, time, person), and the delete builder built on it.

Shared by delete, update, search and the reminder readings, so it lives on its own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from calendar_assistant.domain.commands import Command, EventTarget, Intent, Missing
from calendar_assistant.understanding.intent.guards import narrates_the_past
from calendar_assistant.understanding.morphology import grammemes, is_past_verb, nominative_name
from calendar_assistant.understanding.parse_message import (
    Message,
    _confidence,
    _invalid_date,
    _points_back,
    _rest,
    _said_at,
    _spanned,
    _title,
    _window,
)
from calendar_assistant.understanding.rules.cues import find_first, longest_at, match_at
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import (
    Leftover,
    attendees,
    is_generic,
    quoted,
    strip_edges,
    without_particles,
)
from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece
from calendar_assistant.understanding.timeexpr.reading import Reading, combine
from calendar_assistant.understanding.timeexpr.vocabulary import vocabulary


def _without_asking(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "give me the lowdown on the dinner", "tell me the date of Ana's party": the words
    asking to be told (`info_openers`, `search_lead`) that open what is left name nothing;
    the title is what follows them."""
    leads = (msg.cues.phrases("info_openers"), msg.cues.phrases("search_lead"))
    cut = False
    for _ in range(4):
        if not indices:
            break
        end = max((longest_at(msg.tokens, indices[0], p) or 0) for p in leads)
        taken = [k for k in indices if k < end]
        if not end or len(taken) == len(indices):
            break
        indices, cut = indices[len(taken) :], True
    if not cut:
        return indices
    # "how long is my meeting with hr": what the lead leaves loses its edge words too
    return tuple(strip_edges(msg.tokens, list(indices), msg.cues)) or indices


def _without_event_verb(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "when does the hockey game start": a verb of the event happening (`event_verbs`)
    ending what is left names no event; the title is what comes before it. A language
    that says the verb first («когда начинается концерт») lists it in `event_verbs_first`."""
    verbs = msg.cues.phrases("event_verbs")
    for k in range(len(indices)):
        end = longest_at(msg.tokens, indices[k], verbs)
        if end is not None and end - 1 >= indices[-1]:  # "still on": the "on" was cut
            return indices[:k]
    first = msg.cues.phrases("event_verbs_first")  # «когда начинается концерт»
    end = longest_at(msg.tokens, indices[0], first) if first and len(indices) > 1 else None
    if end is None:
        return indices
    return _without_asking(msg, tuple(k for k in indices if k >= end))  # «была ли встреча»


def _looking_back(msg: Message, indices: tuple[int, ...]) -> tuple[bool, tuple[int, ...]]:
    """ "when did I last see the dentist", "when was my last massage", «когда я последний
    раз был у стоматолога»: the latest time gone by is asked, not the next one. "last time",
    «в прошлый раз» say so alone; "last", «последний» only told in the past ("when is my
    last meeting today" is today's final one, still to come). The words saying it, and the
    asking before them ("did I"), name nothing: they are left out of the event's words."""
    back = msg.cues.phrases("looking_back")
    for n, k in enumerate(indices):
        end = longest_at(msg.tokens, k, back)
        if end is None:
            continue
        alone = longest_at(msg.tokens, k, msg.cues.phrases("looking_back_alone")) is not None
        if not (alone or narrates_the_past(msg.tokens, msg.cues)):
            return False, indices
        rest = indices[:n] + tuple(j for j in indices[n:] if j >= end)
        asking = msg.cues.phrases("looking_back_asking")
        while rest and longest_at(msg.tokens, rest[0], asking) is not None:
            rest = rest[1:]
        return True, rest
    return False, indices


def _without_doing(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "(when did I last) see the dentist", «(когда я последний раз) был у стоматолога»: the
    verb of going or meeting before the event's words is no part of its name."""
    doing = msg.cues.phrases("looking_back_verbs")
    while len(indices) > 1 and (
        longest_at(msg.tokens, indices[0], doing) is not None
        or (msg.lang == "ru" and is_past_verb(msg.tokens[indices[0]].norm))
    ):
        end = longest_at(msg.tokens, indices[0], doing) or indices[0] + 1
        indices = tuple(k for k in indices if k >= end)
    indices = _without_who_did(msg, indices)
    return tuple(strip_edges(msg.tokens, list(indices), msg.cues)) or indices


def _without_who_did(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "the last meeting I had with the CEO": who did it and the past verb, said inside the
    event's words, are no part of its name."""
    asking = msg.cues.phrases("looking_back_asking")
    for n, k in enumerate(indices[1:-1], start=1):
        who = longest_at(msg.tokens, k, asking)
        if who is None or who not in indices:
            continue
        if msg.lang == "ru":
            did = who + 1 if is_past_verb(msg.tokens[who].norm) else None
        else:
            did = longest_at(msg.tokens, who, msg.cues.phrases("past_verbs"))
        if did is not None:
            return indices[:n] + tuple(j for j in indices[n:] if j >= did)
    return indices


def _names_an_event(msg: Message) -> bool:
    """A generic noun ("event", «событие») is said somewhere, even as a filler word."""
    generic = msg.cues.single("generic")
    return any(longest_at(msg.tokens, k, generic) is not None for k in range(len(msg.tokens)))


def _person(msg: Message, indices: tuple[int, ...]) -> str | None:
    """ "when am I meeting Anna", «когда я встречаюсь с Анной»: the person met is what is
    looked for (found in titles and attendees), named in the nominative."""
    meeting = msg.cues.phrases("meeting_someone")
    end = longest_at(msg.tokens, indices[0], meeting) if indices else None
    if end is None:
        return None
    rest = tuple(k for k in indices if k >= end)
    if is_generic(msg.tokens, tuple(range(indices[0], end)), msg.cues) and not (
        rest and _capitalised_name(msg.tokens[rest[0]].raw)
    ):
        return None  # "my meeting with Anna" is a title; "meeting Anna", a verb and a person
    names = attendees(msg.tokens, rest, msg.lang)
    if not names:  # "when do I see Sarah Lee", «когда я увижу Машу»: the capitalised words
        said: list[str] = []
        for n, k in enumerate(rest):
            token = msg.tokens[k]
            if k != rest[0] + n or token.kind != "word" or not _capitalised_name(token.raw):
                break
            said.append(nominative_name(token.raw) if msg.lang == "ru" else token.raw)
        names = tuple(said)
    return " ".join(names) if names else None


def _capitalised_name(word: str) -> bool:
    """A word written as a name is ("Sarah", «Машу»); English "I" is written so too."""
    return word[:1].isupper() and word != "I"


def _target(
    msg: Message, reading: Reading, indices: tuple[int, ...], case: str | None
) -> EventTarget:
    title = None
    # «время встречи с Петром», "the time of the meeting": the event is the genitive part
    aspect = [p for p in msg.cues.phrases("aspect") if len(p) == 1]
    if len(indices) > 1 and any(match_at(msg.tokens, indices[0], p) for p in aspect):
        indices = indices[1:]
        if msg.tokens[indices[0]].norm == "of":
            indices = indices[1:]
        while indices and msg.tokens[indices[0]].norm in ("the", "my", "a"):
            indices = indices[1:]
        case = "gent"
    indices = without_particles(msg.tokens, indices, msg.cues)
    indices = _without_lone_pronouns(msg, indices)
    ordinals = msg.cues.phrases("ordinal_words")  # "the first meeting on monday": which one,
    if len(indices) > 1 and any(match_at(msg.tokens, indices[0], p) for p in ordinals):
        indices = indices[1:]  # not a word of its title
    timed = reading.clock is not None or not reading.empty
    if indices and (not is_generic(msg.tokens, indices, msg.cues) or not timed):
        title = _title(msg, indices, case)
    start = None
    range_start = range_end = None
    if reading.clock is not None or reading.instant is not None:
        start = _reference_start(msg, reading)
    elif not reading.empty:
        range_start, range_end = _window(msg, reading)
    return EventTarget(title=title, start=start, range_start=range_start, range_end=range_end)


def _without_lone_pronouns(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """«я не успеваю на встречу в 16, отмени её»: a pronoun standing alone after the verb
    points back at the event the other words name; it is no word of its title. A pronoun
    with a word after it is a possessive («его день рождения»)."""
    pronouns = msg.cues.single("pronouns")
    governing = msg.cues.phrases("pronoun_prepositions")
    kept = set(indices)
    lone = {
        k
        for k in indices
        if k + 1 not in kept
        and any(match_at(msg.tokens, k, p) for p in pronouns)
        and not (k > 0 and any(match_at(msg.tokens, k - 1, p) for p in governing))
    }
    if not lone or lone == kept:
        return indices
    return tuple(k for k in indices if k not in lone)


def _by_hour_adjective(msg: Message) -> Message:
    """«перенеси мою трёхчасовую на пятницу»: «мою N-часовую» with no noun after it names
    an event by its hour (a bare hour, SPEC §2), not a length («трёхчасовая встреча»,
    «сделай планёрку трёхчасовой»)."""
    pieces: list[Piece] = []
    changed = False
    for p in msg.pieces:
        hours = (p.seconds or 0) / 3600
        if (
            p.kind == Kind.DURATION
            and p.width == 1
            and hours.is_integer()
            and 1 <= hours <= 12
            and "ADJF" in grammemes(msg.tokens[p.start].norm)
            and not (p.end < len(msg.tokens) and "NOUN" in grammemes(msg.tokens[p.end].norm))
            and p.start > 0
            and _said_at(msg, p.start - 1, "determiners")  # «мою», «эту»: an event meant
        ):
            p = replace(p, kind=Kind.CLOCK, clock=Clock(hour=int(hours)), seconds=None)
            changed = True
        pieces.append(p)
    return replace(msg, pieces=pieces) if changed else msg


_RUNNING = timedelta(hours=1)  # "my 9am" said at 9:40 still means the one running now


def _reference_start(msg: Message, reading: Reading) -> datetime | None:
    """When the event a request names by its time starts: "cancel my 9am", «встречу в 15».

    A new event's bare clock is the next such moment; an existing event's is today's when
    that began less than an hour ago (it may be running), else the next one.
    """
    res = msg.res
    said = Reading(
        day=res.day_of(reading),
        clock=reading.clock,
        part=reading.part,
        instant=reading.instant,
        pieces=reading.pieces,
    )
    start = res.start(said)
    if start is None or said.day is not None or reading.instant is not None:
        return start
    today = res.start(replace(said, day=res.now.astimezone(res.tz).date()))
    if today is not None and today.astimezone(UTC) > (res.now - _RUNNING).astimezone(UTC):
        return today
    return start


def _cleared_part(
    msg: Message, cue: IntentCue, rest: Leftover, reading: Reading
) -> tuple[Message, Leftover, Reading]:
    """«Освободи мне вечер», «очисти утро пятницы»: a bare part of the day as what to clear
    is a time (a title alone, «Вечер встречи», is not read so elsewhere)."""
    vocab = vocabulary(msg.lang)
    for k in rest.indices:
        part = vocab.lookup(msg.tokens[k], vocab.parts_of_day)
        if part is not None:
            pieces = sorted(
                [*msg.pieces, Piece(Kind.PART, k, k + 1, part=part)], key=lambda p: p.start
            )
            msg = replace(msg, pieces=pieces)
            return msg, _rest(msg, cue), combine(pieces)
    return msg, rest, reading


def _delete(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    msg = _by_hour_adjective(msg)
    reading = combine(msg.pieces)
    rest = _rest(msg, cue)
    bulk = find_first(msg.tokens, msg.cues.phrases("bulk")) is not None or (
        cue.span is not None
        and any(match_at(msg.tokens, cue.span[0], p) for p in msg.cues.phrases("clear"))
    )
    if bulk and reading.part is None and rest.indices:
        msg, rest, reading = _cleared_part(msg, cue, rest, reading)
    if bulk and not reading.empty:
        start, end = _window(msg, reading)
        title = None
        if rest.indices and not is_generic(msg.tokens, rest.indices, msg.cues):
            title = _title(msg, rest.indices, "accs")
        return Command(
            intent=Intent.DELETE_EVENT,
            lang=msg.lang,
            range_start=start,
            range_end=end,
            target=EventTarget(title=title) if title else None,
            confidence=_confidence(cue, msg, rest),
        )
    named = quoted(msg.tokens, rest.indices)
    if named is None and _points_back(msg, cue, rest.indices):  # «удали её», "delete it"
        target = _target(msg, reading, (), "accs").model_copy(update={"previous": True})
        return Command(
            intent=Intent.DELETE_EVENT,
            lang=msg.lang,
            target=target,
            missing=_invalid_date(reading),
            confidence=_confidence(cue, msg, rest),
        )
    target = _target(msg, reading, named or rest.indices, None if named else "accs")
    empty = target.title is None and target.start is None and target.range_start is None
    return Command(
        intent=Intent.DELETE_EVENT,
        lang=msg.lang,
        target=None if empty else target,
        missing=((Missing.TARGET,) if empty else ()) + _invalid_date(reading),
        confidence=_confidence(cue, msg, rest),
    )
