"""The create builder: title, place, people and time of a new event from one message."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import pairwise

from calendar_assistant.domain.commands import Command, Intent, Missing
from calendar_assistant.understanding.parse_message import (
    Message,
    _confidence,
    _minutes,
    _object_case,
    _rest,
    _said_at,
    _spanned,
    _title,
)
from calendar_assistant.understanding.rules.cues import find_first, longest_at
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import (
    Leftover,
    attendees,
    is_generic,
    quoted,
    render,
    split_location,
    strip_edges,
)
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece, Recurrence
from calendar_assistant.understanding.timeexpr.reading import Reading, combine, midnight


def _without_day_leads(msg: Message) -> Message:
    """«ужин в день зарплаты», "dinner the night before the wedding": days counted from an
    event are a reminder's (`lead_day`); an event to create has no event to count from, so
    the words stay in its title and its day is asked."""
    pieces = [p for p in msg.pieces if not (p.kind == Kind.LEAD and "days" in p.extra)]
    return msg if len(pieces) == len(msg.pieces) else replace(msg, pieces=pieces)


def _listed_weekdays(msg: Message) -> tuple[Message, int]:
    """ "gym on monday and wednesday at 7", «бассейн на вторник и четверг в 7 утра», "yoga
    tue thu 6pm": weekdays listed for one new event are each of those days, once: a weekly
    rule on them with as many times as days named (one event was made on the first day and
    the others lost). Only the coming ones, joined by `day_joiners` or nothing; with
    "every" it is the weekly rule of its own, with "recurring" (`repeat_words`) endless."""
    days = [p for p in msg.pieces if p.kind == Kind.DAY]
    if any(p.kind == Kind.RECURRENCE for p in msg.pieces) or len(days) < 2:
        return msg, 0
    joiners = msg.cues.phrases("day_joiners")
    run = [days[0]]
    for piece in days[1:]:
        between = range(run[-1].end, piece.start)
        joined = all(longest_at(msg.tokens, k, joiners) == k + 1 for k in between)
        if joined and not piece.prep:  # "Monday to Friday" is a span, not a list
            run.append(piece)
        elif len(run) < 2:
            run = [piece]
    today = msg.res.today
    if len(run) < 2 or not all(
        p.from_weekday and p.day is not None and 0 < (p.day - today).days <= 7 for p in run
    ):
        return msg, 0
    said = [p.day for p in run if p.day is not None]
    weekdays = tuple(sorted({d.weekday() for d in said}))
    first = replace(run[0], day=min(said))  # the series starts on the soonest of them
    weekly = Piece(
        Kind.RECURRENCE, run[1].start, run[-1].end, recurrence=Recurrence("WEEKLY", 1, weekdays)
    )
    pieces = [p for p in msg.pieces if p not in run]
    ordered = sorted([*pieces, first, weekly], key=lambda p: p.start)
    repeats = find_first(msg.tokens, msg.cues.phrases("repeat_words")) is not None
    return replace(msg, pieces=ordered), 0 if repeats else len(weekdays)


def _create(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    msg, times = _listed_weekdays(_without_day_leads(msg))
    reading = combine(msg.pieces)
    if times:
        reading.count = times
    rest = _rest(msg, cue)
    named = quoted(msg.tokens, rest.indices)
    if named is not None:  # «Создай встречу «Обсуждение бюджета»»: the quoted name is the title
        rest = Leftover(named)
    rest = Leftover(_without_set_aside(msg, rest.indices))
    title_idx, place_idx = split_location(msg.tokens, rest.indices, msg.lang, msg.cues)
    if place_idx and named is None and _booked(msg, title_idx, place_idx):
        title_idx = rest.indices  # «Столик в ресторане»: what is booked is named with where
    title = _title(msg, title_idx, _object_case(cue))
    met = _meeting(msg, cue, title_idx)
    if met is not None:
        title, title_idx = met
    if (
        title is not None
        and is_generic(msg.tokens, title_idx, msg.cues)
        and title_idx
        and msg.tokens[title_idx[0]].norm
        in ("событие", "event", "something", "что-нибудь", "что-то")
    ):
        title = None
    location = render(msg.text, msg.tokens, place_idx) or None
    missing: list[Missing] = []
    if title is None:
        missing.append(Missing.TITLE)
    start, end, day, all_day, unsaid = _create_times(msg, reading)
    missing += unsaid
    res = msg.res
    return Command(
        intent=Intent.CREATE_EVENT,
        lang=msg.lang,
        title=title,
        start=start,
        end=end,
        all_day=all_day,
        day=day,
        recurrence=res.rrule_text(reading, all_day) if not reading.invalid else None,
        reminder_minutes_before=_minutes(reading.lead_seconds),
        location=location,
        attendees=attendees(msg.tokens, title_idx, msg.lang),
        missing=tuple(dict.fromkeys(missing)),
        confidence=_confidence(cue, msg, rest),
    )


def said_as_a_move(msg: Message) -> bool:
    """«встреча с Иваном с 12 на 13», «обед с пятницы на четверг»: a time from which
    (`moved_from`) right before a time to which (`moved_to`), both clock times or both
    days, says a move; read as a new event it is asked about, never made."""
    froms, tos = msg.cues.single("moved_from"), msg.cues.single("moved_to")
    if not froms or not tos:
        return False
    pieces = sorted(msg.pieces, key=lambda p: p.start)
    return any(
        a.prep in {f[0] for f in froms}
        and b.prep in {t[0] for t in tos}
        and b.start == a.end
        and a.kind == b.kind
        and a.kind in (Kind.CLOCK, Kind.DAY)
        for a, b in pairwise(pieces)
    )


def _create_times(
    msg: Message, reading: Reading
) -> tuple[datetime | None, datetime | None, date | None, bool, list[Missing]]:
    """(start, end, day, all day, what is missing) of a new event from its time words: a
    clock, a whole day or days, a bound («после обеда») or only a day with the time asked."""
    missing: list[Missing] = []
    start = end = None
    day: date | None = None
    all_day = False
    res = msg.res
    if reading.invalid:
        missing += [Missing.DATE, Missing.TIME]
    elif reading.span and reading.period and reading.clock is None and reading.day is None:
        all_day = True  # «отпуск с 20 по 30 декабря»: an all-day event over those days
        start, end = midnight(reading.period[0], res.tz), midnight(reading.period[1], res.tz)
    elif reading.all_day and (reading.has_day or reading.recurrence) and reading.clock is None:
        first = res.day_of(reading) or (res.first_day(reading) if reading.recurrence else None)
        if first is None:
            missing.append(Missing.DATE)
        else:
            all_day = True
            start, end = midnight(first, res.tz), midnight(first + timedelta(days=1), res.tz)
    else:
        start = res.start(reading)
        bound = reading.start_bound
        if start is None and bound is not None and reading.clock is None:
            if bound.kind == Kind.DAY:  # «с 10 декабря отпуск»: that day, its time asked
                day = bound.day
            else:  # «завтра после обеда», "tomorrow after 2pm": the event starts then
                start = res.bound_moment(bound, reading)
        if start is not None:
            end = res.end(reading, start, msg.default_seconds)
        else:
            day = res.day_of(reading) or day
            if day is None and reading.recurrence is not None:
                day = res.first_day(reading)
            missing += [Missing.TIME] if day is not None else [Missing.DATE, Missing.TIME]
    return start, end, day, all_day, missing


def _without_set_aside(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "block my calendar 2 to 4 for focus time", «забронируй время в пятницу на отчёт»:
    the time set aside (`set_aside`) is no name; what it is for (after `set_aside_for`) is."""
    if not indices:
        return indices
    end = longest_at(msg.tokens, indices[0], msg.cues.phrases("set_aside"))
    if end is None:
        return indices
    after = tuple(k for k in indices if k >= end)
    if (
        len(after) < 2
        or longest_at(msg.tokens, after[0], msg.cues.phrases("set_aside_for")) is None
    ):
        return indices
    return tuple(strip_edges(msg.tokens, list(after[1:]), msg.cues))


def _booked(msg: Message, indices: tuple[int, ...], place: tuple[int, ...]) -> bool:
    """The title is a thing reserved (a table, a court) at a kind of place («столик в
    ресторане»), which the title keeps; a named venue ("a table at Nobu") is the location."""
    bookable = msg.cues.phrases("bookables")
    named_venue = any(msg.tokens[k].raw[:1].isupper() for k in place)
    return (
        bool(indices)
        and not named_venue
        and longest_at(msg.tokens, indices[0], bookable) is not None
    )


def _meeting(
    msg: Message, cue: IntentCue, title_idx: tuple[int, ...]
) -> tuple[str, tuple[int, ...]] | None:
    """«Нужно встретиться с Ольгой», "let's meet with Anna": the title is the meeting
    itself («Встреча с Ольгой»), the company after the verb its words."""
    if cue.span is None:
        return None
    verb_end = longest_at(msg.tokens, cue.span[0], msg.cues.phrases("meet_verbs"))
    if verb_end is None:
        return None
    noun = msg.cues.phrases("meeting_title")[0][0]
    noun = noun[:1].upper() + noun[1:]
    title_idx = tuple(k for k in title_idx if k >= verb_end)  # "need to | meet | with …"
    if title_idx and _said_at(msg, title_idx[0], "with"):
        return f"{noun} {render(msg.text, msg.tokens, list(title_idx))}", title_idx
    if title_idx and title_idx[0] > verb_end:
        with_at = title_idx[0] - 1
        while with_at > verb_end and msg.tokens[with_at].norm in ("the", "a", "an", "my"):
            with_at -= 1
        if _said_at(msg, with_at, "with") and with_at >= verb_end:
            words = (*range(with_at, title_idx[0]), *title_idx)
            return f"{noun} {render(msg.text, msg.tokens, list(words))}", words
        return None
    return (noun, ()) if not title_idx else None
