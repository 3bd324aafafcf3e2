"""The reading builders: what is on (list), when is free, and where an event is (search)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from calendar_assistant.domain.commands import Command, EventTarget, Intent, Missing
from calendar_assistant.understanding.parse_message import (
    Message,
    _confidence,
    _invalid_date,
    _minutes,
    _rest,
    _said_at,
    _spanned,
    _title,
    _window,
)
from calendar_assistant.understanding.parse_targets import (
    _by_hour_adjective,
    _looking_back,
    _names_an_event,
    _person,
    _reference_start,
    _target,
    _without_asking,
    _without_doing,
    _without_event_verb,
)
from calendar_assistant.understanding.rules.cues import find_first, match_at
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import Leftover, is_generic
from calendar_assistant.understanding.timeexpr.grammar import Grammar
from calendar_assistant.understanding.timeexpr.pieces import Kind
from calendar_assistant.understanding.timeexpr.reading import combine, midnight
from calendar_assistant.understanding.timeexpr.vocabulary import vocabulary


def _list(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    reading = combine(msg.pieces)
    start, end = _window(msg, reading)
    if _asks_who(msg) and reading.clock is not None:
        # "who's my 3pm with", «с кем у меня встреча в 16»: that day's events, with people
        moment = _reference_start(msg, reading)
        if moment is not None:
            day = moment.astimezone(msg.res.tz).date()
            start = midnight(day, msg.res.tz)
            end = midnight(day + timedelta(days=1), msg.res.tz)
    coming = _coming(msg) if start is None else None
    if coming is not None:
        start, end = coming
    return Command(
        intent=Intent.LIST_EVENTS,
        lang=msg.lang,
        range_start=start,
        range_end=end,
        confidence=_confidence(cue, msg, Leftover(())),
    )


def _asks_who(msg: Message, indices: tuple[int, ...] = ()) -> bool:
    """ "who am I meeting", «с кем …», «кто у меня …»: a question about the people, whose
    words name no event. Words left once the asking is cut ("who is coming to the planning
    meeting", «кто будет на ретро») name the event asked about."""
    span = find_first(msg.tokens, msg.cues.phrases("who_question"))
    if span is None:
        return False
    asked_in_rest = any(k in indices for k in range(*span))
    return asked_in_rest or not indices or is_generic(msg.tokens, indices, msg.cues)


def _coming(msg: Message) -> tuple[datetime, datetime] | None:
    """«в ближайшие два часа», "in the next 2 hours", «в ближайший час»: now → now + amount."""
    grammar = Grammar(
        msg.tokens, vocabulary(msg.lang), msg.res.now, msg.res.tz, month_first=msg.month_first
    )
    for k in range(len(msg.tokens) - 1):
        if not _said_at(msg, k, "coming"):
            continue
        found = grammar.amount(k + 1, bare_unit=True)
        if found is not None and found[0] > 0:
            now = msg.res.now
            return now, (now.astimezone(UTC) + timedelta(seconds=found[0])).astimezone(msg.res.tz)
    return None


def _free(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    pieces = list(msg.pieces)
    durations = [p for p in pieces if p.kind == Kind.DURATION]
    for p in pieces:
        # «окно в 2 часа», «слот в час»: right after the cue, «в N часа» is a length
        if (
            not durations
            and p.kind == Kind.CLOCK
            and p.clock is not None
            and p.clock.meridiem is None
            and not p.clock.precise
            and cue.span is not None
            and p.start == cue.span[1]
            and msg.tokens[p.end - 1].is_("час")
        ):
            durations = [replace(p, kind=Kind.DURATION, seconds=p.clock.hour * 3600.0)]
            pieces.remove(p)
    reading = combine([p for p in pieces if p.kind != Kind.DURATION])
    start, end = _window(msg, reading) if not reading.empty else (None, None)
    minutes = _minutes(durations[0].seconds) if durations else None
    return Command(
        intent=Intent.FIND_FREE_SLOTS,
        lang=msg.lang,
        range_start=start,
        range_end=end,
        duration_minutes=minutes if minutes else None,
        confidence=_confidence(cue, msg, Leftover(())),
    )


def _without_rank(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "when does my first meeting start tomorrow": the earliest is what a search shows
    first, so "first" (`search_firsts`) is no word of the event's name."""
    firsts = msg.cues.phrases("search_firsts")
    if len(indices) > 1 and any(match_at(msg.tokens, indices[0], p) for p in firsts):
        return indices[1:]
    return indices


def _search(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    msg = _by_hour_adjective(msg)
    reading = combine(msg.pieces)
    rest = _rest(msg, cue)
    latest, indices = _looking_back(msg, _without_asking(msg, rest.indices))
    indices = _without_event_verb(msg, indices)
    person = _person(msg, indices)
    if latest and person is None:
        indices = _without_doing(msg, indices)
    asked_who = person is None and _asks_who(msg, indices)
    if reading.clock is not None and reading.clock_end is None:
        # "what's my 3pm about", «о чём встреча в 15»: the event at that time
        target = _target(msg, reading, () if asked_who else indices, None)
        return Command(
            intent=Intent.SEARCH_EVENTS,
            lang=msg.lang,
            target=target,
            missing=_invalid_date(reading),
            confidence=_confidence(cue, msg, rest),
        )
    title = person
    indices = _without_rank(msg, indices)
    if (
        title is None
        and indices
        and not asked_who
        and not is_generic(msg.tokens, indices, msg.cues)
    ):
        title = _title(msg, indices, None)
    start, end = _window(msg, reading) if not reading.empty else (None, None)
    if title is None and start is None and (indices or _names_an_event(msg)):
        # "When is my next meeting?", «Когда у меня следующая встреча?», "when is the
        # event" (a generic noun the title builder drops): whatever comes next
        return Command(
            intent=Intent.SEARCH_EVENTS,
            lang=msg.lang,
            target=EventTarget(latest=latest),
            confidence=_confidence(cue, msg, rest),
        )
    if title is None and start is None:
        return Command(intent=Intent.UNKNOWN, lang=msg.lang, confidence=0.3)  # "What time is it?"
    target = EventTarget(title=title, range_start=start, range_end=end, latest=latest)
    missing = () if title or start else (Missing.TARGET,)
    return Command(
        intent=Intent.SEARCH_EVENTS,
        lang=msg.lang,
        target=target,
        missing=missing,
        confidence=_confidence(cue, msg, rest),
    )
