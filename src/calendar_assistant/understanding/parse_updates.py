"""The update builder: a move, a new length, a shift by an amount or a rename of an event.

The words are split into those naming the event as it is and those naming the change
(«с четверга на пятницу»), then each side is read on its own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent, Missing
from calendar_assistant.understanding.parse_message import (
    Message,
    _confidence,
    _cue_tokens,
    _invalid_date,
    _minutes,
    _points_back,
    _rest,
    _said_at,
    _said_before,
    _spanned,
    _starts_with,
    _window,
)
from calendar_assistant.understanding.parse_relocation import Relocation, relocation
from calendar_assistant.understanding.parse_targets import _by_hour_adjective, _target
from calendar_assistant.understanding.rules.cues import find_first, longest_at, match_at
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import Leftover, leftover, render, strip_edges
from calendar_assistant.understanding.timeexpr.grammar import Grammar
from calendar_assistant.understanding.timeexpr.pieces import Kind, Piece
from calendar_assistant.understanding.timeexpr.reading import Reading, combine, midnight
from calendar_assistant.understanding.timeexpr.vocabulary import vocabulary

NEW_PREPS = frozenset({"на", "to"})
_LONGEST_SHIFT = 366 * 24 * 60  # minutes: EventChanges holds shifts up to a year
OLD_PREPS = frozenset({"с", "со", "from"})


def _split_update(pieces: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    """(pieces naming the event as it is, pieces naming the change): «с четверга на пятницу»."""
    first_new = next(
        (n for n, p in enumerate(pieces) if p.prep in NEW_PREPS and p.kind != Kind.DURATION),
        None,
    )
    old: list[Piece] = []
    new: list[Piece] = []
    for n, p in enumerate(pieces):
        if p.kind in (Kind.BOUND, Kind.DURATION):
            new.append(p)
        elif p.prep in OLD_PREPS:
            old.append(p)
        elif first_new is not None and n >= first_new:
            new.append(p)
        else:
            old.append(p)
    if first_new is None and not new and old and all(p.prep not in OLD_PREPS for p in old):
        return [], old
    return old, new


def _update(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    moved = relocation(msg, cue)
    if moved is not None:
        return _relocated(msg, cue, moved)
    msg = _by_hour_adjective(msg)
    rest = _rest(msg, cue)
    rename = _starts_with(msg, cue, "rename") or _names_the_title(msg, rest.indices)
    extending = _starts_with(msg, cue, "extend")
    moving = _starts_with(msg, cue, "move")
    if rename:
        indices, new_title, title_from = _renamed(msg, cue)
    else:
        indices, new_title, title_from = rest.indices, None, len(msg.tokens)
    rescanned = _without_ranges(msg)
    if rescanned is not None:
        msg = rescanned
        rest = _rest(msg, cue)
        indices = rest.indices
    pieces = _back_by(msg, msg.pieces)
    old_pieces, new_pieces = _old_and_new(msg, pieces, title_from if rename else None)
    old = combine(old_pieces)
    new = combine(new_pieces)
    _same_half(old, new)
    # "to 2pm" with no day of its own: the event keeps its day (the executor reads it)
    time_only = (
        new.clock is not None
        and new.day is None
        and new.period is None
        and new.instant is None
        and old.day is None
        and old.period is None
    )
    shift, end_shift = _shifts(msg, new_pieces, extending=extending)
    if shift or end_shift:
        new_pieces = [p for p in new_pieces if p.kind not in (Kind.DURATION, Kind.LEAD)]
        new = combine(new_pieces)
        said = ("longer", "shorter", "later_before", "earlier_before")
        indices = tuple(k for k in indices if not any(_said_at(msg, k, w) for w in said))
        indices = tuple(strip_edges(msg.tokens, list(indices), msg.cues))  # "push back the …"
    change_start, change_end, duration, day = _new_times(
        msg, old, new, new_pieces, by_amount=moving or extending
    )
    if not (change_start or change_end or duration or day or shift):
        shift = _weeks_ahead(msg, new)
    if old.clock is not None and old.day is None and change_start is not None:
        old.day = change_start.astimezone(msg.res.tz).date()  # the move keeps to one day
    previous = _points_back(msg, cue, indices)
    target = _target(msg, old, () if previous else indices, "accs")
    if previous:
        target = target.model_copy(update={"previous": True})
    changes = None
    if change_start or change_end or new_title or duration or shift or end_shift:
        changes = EventChanges(
            start=change_start,
            end=change_end,
            title=new_title,
            duration_minutes=duration or None,
            time_only=time_only and change_start is not None,
            shift_minutes=shift,
            end_shift_minutes=end_shift,
        )
    return _update_command(
        msg, cue, rest, target, changes, day, previous=previous, readings=(new, old)
    )


def _relocated(msg: Message, cue: IntentCue, moved: Relocation) -> Command:
    """A change of place: the event named before the new place, found by its words and any
    time said with them ("move tomorrow's standup to room 4")."""
    old = combine([p for p in msg.pieces if p.end <= moved.place_from])
    target = _target(msg, old, moved.target, moved.case)
    empty = target.title is None and target.start is None and target.range_start is None
    return Command(
        intent=Intent.UPDATE_EVENT,
        lang=msg.lang,
        target=None if empty else target,
        changes=EventChanges(location=moved.place),
        missing=(Missing.TARGET,) if empty else (),
        confidence=_confidence(cue, msg, _rest(msg, cue)),
    )


def _names_the_title(msg: Message, indices: tuple[int, ...]) -> bool:
    """«измени название встречи на «Обед»», "change the title of …": a rename all the same."""
    naming = msg.cues.phrases("name_words")
    return bool(indices) and any(match_at(msg.tokens, indices[0], p) for p in naming)


def _renamed(msg: Message, cue: IntentCue) -> tuple[tuple[int, ...], str | None, int]:
    """(the words naming the event, the new title, where the new title's words begin)."""
    title_from = len(msg.tokens)
    all_words = leftover(msg.tokens, _cue_tokens(cue), msg.cues).indices
    indices, new_title = _rename_split(msg, all_words)
    if new_title is not None and indices:
        title_from = max(indices) + 1  # time words in the new name are its words
    indices = tuple(k for k in indices if k not in msg.used_by(msg.pieces))
    if new_title is None and cue.span is not None:
        indices, new_title = _rename_pronoun(msg, cue.span[1], indices)
        if new_title is not None:
            title_from = cue.span[1] + 2
    return indices, new_title, title_from


def _without_ranges(msg: Message) -> Message | None:
    """«с 7 на 8», "from 3 to 4": what the grammar read as one range starting with the old
    preposition is, in a change, the old time and the new, so the words are read again
    without ranges; None when the message has no such range."""
    first = next((p for p in msg.pieces if p.kind not in (Kind.DURATION, Kind.LEAD)), None)
    bare_clocks = any(p.kind == Kind.CLOCK_RANGE and not p.prep for p in msg.pieces)
    if first is None or (
        not bare_clocks  # "push my 3pm to 4", «перенеси 14-15»: the old clock and the new
        and (first.kind not in (Kind.PERIOD, Kind.CLOCK_RANGE) or first.prep not in OLD_PREPS)
    ):
        return None
    res = msg.res
    pieces = Grammar(
        msg.tokens,
        vocabulary(msg.lang),
        res.now,
        res.tz,
        ranges=False,
        month_first=msg.month_first,
    ).scan()
    return replace(msg, pieces=pieces)


def _same_half(old: Reading, new: Reading) -> None:
    """«с 7 на 8 утра», "from 7 to 8am": the old time is in the same half of the day
    (noon begins the afternoon: "the 10 o'clock to noon" is 10 in the morning)."""
    if (
        old.clock is not None
        and new.clock is not None
        and old.clock.bare
        and new.clock.meridiem is not None
        and old.clock.hour <= new.clock.hour < 12
    ):
        old.clock = replace(old.clock, meridiem=new.clock.meridiem, bare=False)


def _new_times(
    msg: Message, old: Reading, new: Reading, new_pieces: list[Piece], *, by_amount: bool
) -> tuple[datetime | None, datetime | None, int | None, date | None]:
    """(new start, new end, new length in minutes, new day) from the words of the change;
    `by_amount` when the verb moves or stretches (so «на час» is by an hour, not to one)."""
    res = msg.res
    change_start = change_end = None
    duration = None
    day = None
    if new.empty:
        return change_start, change_end, duration, day
    if new.day is None and new.period is None and new.instant is None:
        new.day = res.day_of(old)
    if new.clock is not None or new.instant is not None or new.part is not None:
        change_start = res.start(new)
        if change_start is not None and (new.clock_end is not None or new.duration_seconds):
            change_end = res.end(new, change_start, msg.default_seconds)
    elif new.day is not None or new.period is not None:
        day = res.day_of(new)
    if new.end_bound is not None:
        bound = Reading(day=new.day or res.day_of(old), pieces=[new.end_bound])
        moment = res.bound_moment(new.end_bound, bound)
        change_end = moment
    shifted = any(p.kind == Kind.DURATION and p.extra.get("shift") for p in new_pieces)
    by = any(p.kind == Kind.DURATION and p.prep in ("на", "by") for p in new_pieces)
    # «передвинь на час», «продли на 30 минут»: moved or stretched *by* an amount, which
    # EventChanges cannot say; «сократи до 45 минут», "make it 2 hours" is a new length
    if new.duration_seconds and not shifted and not (by and by_amount):
        duration = _minutes(new.duration_seconds)
    return change_start, change_end, duration, day


def _weeks_ahead(msg: Message, new: Reading) -> int | None:
    """ "move the dentist to the same time next week", «перенеси созвон на следующую неделю
    на то же время»: a move to a later week that keeps the time keeps the weekday too, so it
    is a shift by the weeks between this week and that one. Without "same time" the day is
    asked ("move the dentist to next week": which day?)."""
    if new.period is None or new.period[2] != "week" or new.has_time or new.day is not None:
        return None
    if find_first(msg.tokens, msg.cues.phrases("same_time")) is None:
        return None
    this_monday = msg.res.today - timedelta(days=msg.res.today.weekday())
    weeks = (new.period[0] - this_monday).days // 7
    return weeks * 7 * 24 * 60 if weeks > 0 else None


def _open_bulk_window(msg: Message, target: EventTarget, old: Reading) -> EventTarget:
    """ "push everything after lunch by an hour", «сдвинь всё после обеда на час»: a bulk
    word ("everything" is no event's name) with an open start is the rest of that day."""
    words = {" ".join(p) for p in msg.cues.phrases("bulk")}
    if old.start_bound is None or (
        target.title is not None and target.title.casefold() not in words
    ):
        return target
    start, end = _window(msg, old)  # "after lunch tomorrow": from then, not the whole day
    if start is None:
        return target
    if end is None:
        end = midnight(start.astimezone(msg.res.tz).date() + timedelta(days=1), msg.res.tz)
    return target.model_copy(update={"title": None, "range_start": start, "range_end": end})


def _update_command(
    msg: Message,
    cue: IntentCue,
    rest: Leftover,
    target: EventTarget,
    changes: EventChanges | None,
    day: date | None,
    *,
    previous: bool,
    readings: tuple[Reading, Reading],
) -> Command:
    """The update itself: of every event in a window («все встречи»), else of the one
    target, with what is still missing (the event, the change, a valid date)."""
    bulk = find_first(msg.tokens, msg.cues.phrases("bulk")) is not None
    if bulk and not previous and changes is not None and changes.shift_minutes is not None:
        # A shift has no destination: every time word names the window ("push everything
        # after lunch tomorrow by an hour" is tomorrow from lunch, not all of tomorrow).
        times = combine([p for p in msg.pieces if p.kind not in (Kind.DURATION, Kind.LEAD)])
        opened = _open_bulk_window(msg, target, times)
        if opened is not target:
            target, day = opened, None
    elif bulk and not previous and day is None and not readings[1].has_day:
        target = _open_bulk_window(msg, target, readings[0])
    if bulk and target.title is None and target.range_start is not None and not previous:
        # «Перенеси все встречи с понедельника на вторник»: the window is top-level
        return Command(
            intent=Intent.UPDATE_EVENT,
            lang=msg.lang,
            range_start=target.range_start,
            range_end=target.range_end,
            changes=changes,
            day=day,
            missing=() if changes or day else (Missing.DATE,),
            confidence=_confidence(cue, msg, rest),
        )
    empty_target = (
        target.title is None
        and target.start is None
        and target.range_start is None
        and not target.previous
    )
    if empty_target and not bulk and (changes is not None or day is not None):
        # "let's do 5 instead", «давай лучше в 15:00»: a change that names no event is of
        # the one just dealt with, as "make it 5" is; with none, the assistant asks which
        target, empty_target = target.model_copy(update={"previous": True}), False
    missing: list[Missing] = []
    if empty_target:
        missing.append(Missing.TARGET)
    if changes is None and day is None:
        missing.append(Missing.TIME)
    new, old = readings
    missing += _invalid_date(new) + _invalid_date(old)
    return Command(
        intent=Intent.UPDATE_EVENT,
        lang=msg.lang,
        target=None if empty_target else target,
        changes=changes,
        day=day,
        missing=tuple(missing),
        confidence=_confidence(cue, msg, rest),
    )


def _old_and_new(
    msg: Message, pieces: list[Piece], title_from: int | None
) -> tuple[list[Piece], list[Piece]]:
    """(pieces naming the event, pieces naming the change). A rename's time words before the
    new name (`title_from`) name the event; "same time" keeps the clock as it is."""
    if title_from is not None:
        return [p for p in msg.pieces if p.end <= title_from], []
    linked = _linked_clocks(msg, pieces)
    if linked is not None:
        return linked
    old, new = _split_update(pieces)
    if find_first(msg.tokens, msg.cues.phrases("same_time")) is not None:
        return _keeping_time(old + new)
    return old, new


def _linked_clocks(msg: Message, pieces: list[Piece]) -> tuple[list[Piece], list[Piece]] | None:
    """ "make my 10am a 9am", "turn the 4pm into a 5": two clocks joined by `new_time_links`,
    the first names the event, the second is its new time."""
    clocks = [p for p in pieces if p.kind == Kind.CLOCK]
    if len(clocks) != 2 or clocks[0].prep or clocks[1].prep:
        return None
    first, second = clocks
    between = msg.tokens[first.end : second.start]
    links = msg.cues.phrases("new_time_links")
    if not between or longest_at(between, 0, links) != len(between):
        return None
    return [p for p in pieces if p is not second], [second]


def _keeping_time(pieces: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    """ "move my 3pm to the same time tomorrow", «перенеси звонок в 16 на то же время в
    пятницу": the time stays, so a clock said names the event and only a day is new."""
    pieces = sorted(
        # «на завтра в это же время»: in a move the words keep the event's time, so the
        # clock of now that the grammar read from them is dropped and only the day is new
        (
            replace(p, kind=Kind.DAY, clock=None, grain="day") if p.extra.get("this_time") else p
            for p in pieces
        ),
        key=lambda p: p.start,
    )
    new = [p for p in pieces if p.clock is None and (p.day is not None or p.kind == Kind.DAY)]
    old = [p for p in pieces if p not in new]
    if not new:
        return [], old  # «перенеси на то же время»: no new day, nothing is moved
    return old, new


def answered_shift(msg: Message) -> int | None:
    """The signed minutes an answer to "when to?" moves the event by ("на час позже", "30
    minutes earlier"); None when it names no shift."""
    return _shifts(msg, msg.pieces, extending=False)[0]


def _shifts(msg: Message, pieces: list[Piece], *, extending: bool) -> tuple[int | None, int | None]:
    """(shift, end shift) in signed minutes: «на час позже», "push it back an hour",
    "15 minutes earlier" move the event; "extend by 30 minutes", «на час длиннее» its end."""
    deferring = any(_said_at(msg, k, "defer") for k in range(len(msg.tokens)))
    tokens = msg.tokens
    shift = end_shift = None
    for p in pieces:
        if p.kind not in (Kind.DURATION, Kind.LEAD) or not p.seconds:
            continue
        minutes = _minutes(p.seconds) or 0
        if minutes > _LONGEST_SHIFT:
            continue  # «на 1000 лет позже»: not a move to make; the time is asked for
        after = p.end
        sign = p.extra.get("shift")
        if isinstance(sign, int) and p.kind == Kind.DURATION:
            shift = sign * minutes
        elif p.kind == Kind.LEAD and tokens[after - 1].norm == "earlier":
            shift = -minutes
        elif _said_at(msg, after, "longer") or _said_before(msg, p.start, "longer"):
            end_shift = minutes
        elif _said_at(msg, after, "shorter") or _said_before(msg, p.start, "shorter"):
            end_shift = -minutes
        elif p.kind == Kind.DURATION and _said_before(msg, p.start, "later_before"):
            shift = minutes
        elif p.kind == Kind.DURATION and _said_before(msg, p.start, "earlier_before"):
            shift = -minutes
        elif deferring and p.kind == Kind.DURATION and p.prep in ("на", "by", ""):
            shift = minutes  # «отложи на 15 минут», "postpone the call (by) 30 minutes"
        elif extending and p.kind == Kind.DURATION and p.prep in ("на", "by"):
            shrinking = any(_said_before(msg, k + 1, "shorten") for k in range(0, p.start))
            end_shift = -minutes if shrinking else minutes
    return shift, end_shift


def _back_by(msg: Message, pieces: list[Piece]) -> list[Piece]:
    """«подвинь обед на 15 минут назад»: in a change, «на N назад» is a shift earlier, not
    the moment N minutes ago."""
    tokens = msg.tokens
    out: list[Piece] = []
    grammar = Grammar(
        tokens, vocabulary(msg.lang), msg.res.now, msg.res.tz, month_first=msg.month_first
    )
    for p in pieces:
        if (
            p.kind == Kind.INSTANT
            and p.start > 0
            and tokens[p.start - 1].norm == "на"
            and tokens[p.end - 1].norm == "назад"
        ):
            found = grammar.amount(p.start, bare_unit=True)
            if found is not None and found[0] > 0:
                p = replace(
                    p,
                    kind=Kind.DURATION,
                    start=p.start - 1,
                    prep="на",
                    seconds=found[0],
                    grain=found[1],
                    extra={"shift": -1},
                )
        out.append(p)
    return out


def _rename_pronoun(
    msg: Message, after_cue: int, indices: tuple[int, ...]
) -> tuple[tuple[int, ...], str | None]:
    """ "rename it to X", «переименуй её в X»: a pronoun, then the new name."""
    tokens = msg.tokens
    k = after_cue
    if k >= len(tokens) or not _said_at(msg, k, "pronouns"):
        return indices, None
    k += 1
    preps = {p[0] for p in msg.cues.phrases("new_title_preps")}
    if k >= len(tokens) or tokens[k].norm not in preps:
        return indices, None
    title = render(msg.text, tokens, list(range(k + 1, len(tokens))))
    return (after_cue,), (title[:1].upper() + title[1:]) if title else None


def _rename_split(msg: Message, indices: tuple[int, ...]) -> tuple[tuple[int, ...], str | None]:
    """«Переименуй X в «Y»», "rename X to Y": (target indices, the new title)."""
    tokens = msg.tokens
    quote = next((n for n, k in enumerate(indices) if tokens[k].norm in ("«", '"')), None)
    if quote is not None:
        inner = [k for k in indices[quote + 1 :] if tokens[k].norm not in ("»", '"')]
        before = list(indices[:quote])
        while before and tokens[before[-1]].norm in ("в", "на", "to", "as", "into", "name"):
            before.pop()
        title = render(msg.text, tokens, inner)
        return tuple(before), (title[:1].upper() + title[1:]) if title else None
    preps = {p[0] for p in msg.cues.phrases("new_title_preps")}
    if not indices:
        return indices, None
    for n in range(len(indices) - 1, 0, -1):
        if tokens[indices[n]].norm in preps:
            # the new name is everything after the preposition, time words included
            new = list(range(indices[n] + 1, len(tokens)))
            title = render(msg.text, tokens, new)
            return indices[:n], (title[:1].upper() + title[1:]) if title else None
    return indices, None
