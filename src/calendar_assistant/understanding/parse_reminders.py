"""The reminder builders: a reminder to set (at a time or before an event) and the words
that are about reminders themselves («мои напоминания», "delete the reminder")."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from calendar_assistant.domain.commands import Command, EventTarget, Intent, Missing
from calendar_assistant.understanding.morphology import grammemes
from calendar_assistant.understanding.parse_message import (
    Message,
    _confidence,
    _cue_tokens,
    _invalid_date,
    _minutes,
    _points_back,
    _rest,
    _spanned,
    _title,
    _window,
)
from calendar_assistant.understanding.parse_targets import _target
from calendar_assistant.understanding.rules.cues import find_first, longest_at, match_at
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import (
    Leftover,
    leftover,
    names_a_lead,
    strip_edges,
)
from calendar_assistant.understanding.timeexpr.reading import (
    LEAD_PART_POINT,
    PART_POINT,
    Reading,
    combine,
    to_24h,
)


def _reminder(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    reading = _waking(msg, combine(msg.pieces))
    rest = _rest(msg, cue)
    res = msg.res
    indices = _after_reminder_noun(msg, cue, rest.indices)
    topic = _strip_topic(msg, indices)
    if (reading.lead_seconds is not None or reading.lead_days is not None) and not (
        reading.has_day or reading.instant is not None
    ):
        return _before_event(msg, cue, rest, reading, topic)
    timer = _timer_end(msg, reading)
    if timer is not None:
        return _timer(msg, cue, rest, topic, timer)
    title = _title(msg, topic, "loct" if topic != indices else None)
    if title is not None and names_a_lead(msg.tokens, topic, msg.cues):
        # "ping me the night before my dentist appointment" read apart: never a reminder
        # "Before my dentist appointment" at a time from now. Asked which event is meant.
        return Command(
            intent=Intent.CREATE_REMINDER,
            lang=msg.lang,
            missing=(Missing.TARGET,),
            confidence=_confidence(cue, msg, rest),
        )
    start = None if reading.invalid else res.start(reading) or _first_hourly(msg, reading)
    missing: list[Missing] = []
    if title is None:
        missing.append(Missing.TITLE)
    day = None
    if start is None:
        day = res.day_of(reading)
        missing += [Missing.TIME] if day is not None else [Missing.DATE, Missing.TIME]
    return Command(
        intent=Intent.CREATE_REMINDER,
        lang=msg.lang,
        title=title,
        start=start,
        day=day,
        recurrence=res.rrule_text(reading),
        missing=tuple(missing),
        confidence=_confidence(cue, msg, rest),
    )


def _first_hourly(msg: Message, reading: Reading) -> datetime | None:
    """ "remind me to drink water every 2 hours", «напоминай каждый час размяться» with no
    day or time said: the first one rings one interval from now (to the minute)."""
    rec = reading.recurrence
    if rec is None or rec.freq != "HOURLY" or reading.has_day or reading.has_time:
        return None
    now = msg.res.now.replace(second=0, microsecond=0)
    return now + timedelta(hours=rec.interval)


def _before_event(
    msg: Message, cue: IntentCue, rest: Leftover, reading: Reading, topic: tuple[int, ...]
) -> Command:
    """ "An hour before the standup", "the night before my dentist appointment", "2 days
    before my flight at 6pm": a reminder against the event named by the rest (its title
    words; «о рейсе» in the prepositional), the lead in minutes or in days before the
    event's day with the clock said (or the part's). A clock with a lead that is not whole
    days ("an hour before the standup at 9") does not say which is which: asked."""
    event_words, todo = _event_and_todo(msg, topic if topic != rest.indices else rest.indices)
    if topic != rest.indices:
        title = _title(msg, event_words, "loct")
    else:
        title = _title(msg, event_words, "gent" if msg.lang == "ru" else None)
    days, at = _lead_day_clock(reading)
    unsure = days is None and reading.has_time
    target = EventTarget(title=title) if title and not unsure else None
    if target is None and not unsure and _points_back(msg, cue, event_words):
        # "remind me about it an hour before", «напомни о ней за час»: the event just
        # dealt with (the conversation knows which, and asks when it does not)
        target = EventTarget(previous=True)
    return Command(
        intent=Intent.CREATE_REMINDER,
        lang=msg.lang,
        title=_title(msg, todo, None) if todo and target is not None else None,
        target=target,
        reminder_minutes_before=None
        if days is not None or unsure
        else _minutes(reading.lead_seconds),
        reminder_day_offset=days,
        reminder_at=at,
        missing=() if target is not None else (Missing.TARGET,),
        confidence=_confidence(cue, msg, rest),
    )


def _waking(msg: Message, reading: Reading) -> Reading:
    """ "Wake me up at 7", «разбуди меня в 7»: waking up is in the morning, whatever the
    clock of now (a bare 7 said at 3pm would otherwise be 7pm)."""
    clock = reading.clock
    if clock is None or clock.meridiem is not None or reading.part is not None:
        return reading
    words = msg.cues.phrases("waking_words")
    if not any(match_at(msg.tokens, k, p) for k in range(len(msg.tokens)) for p in words):
        return reading
    return replace(reading, part="morning")


def _timer_end(msg: Message, reading: Reading) -> datetime | None:
    """ "Set a timer for 10 minutes", «засеки 15 минут»: a timer is a reminder when the
    amount has passed (real elapsed time, as "in 10 minutes"). Only a length with no
    day or clock said: "a timer for 7am" is an alarm read the usual way."""
    if reading.duration_seconds is None or reading.has_day or reading.has_time:
        return None
    words = msg.cues.phrases("timer_words")
    if not any(match_at(msg.tokens, k, p) for k in range(len(msg.tokens)) for p in words):
        return None
    now = msg.res.now
    return (now.astimezone(UTC) + timedelta(seconds=reading.duration_seconds)).astimezone(
        now.tzinfo
    )


def _timer(
    msg: Message, cue: IntentCue, rest: Leftover, topic: tuple[int, ...], end: datetime
) -> Command:
    """The timer's reminder: titled by what it is for ("… for the eggs", «… на пасту»),
    else "Timer"."""
    words = msg.cues.phrases("timer_words")
    said = tuple(k for k in topic if not any(match_at(msg.tokens, k, p) for p in words))
    unused = set(range(len(msg.tokens))) - set(said)
    said = _strip_topic(msg, leftover(msg.tokens, unused, msg.cues).indices)
    for_what = said and said[0] > 0 and msg.tokens[said[0] - 1].norm == "на"
    title = _title(msg, said, "accs" if for_what else None) if said else None
    fallback = msg.cues.phrases("timer_title")[0][0]
    return Command(
        intent=Intent.CREATE_REMINDER,
        lang=msg.lang,
        title=title or fallback[:1].upper() + fallback[1:],
        start=end,
        confidence=_confidence(cue, msg, rest),
    )


def _after_reminder_noun(msg: Message, cue: IntentCue, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "I need a reminder to call mom", «мне нужно напоминание позвонить маме»: when the
    cue is the noun and words follow it, the words before it are the request around it,
    not what to be reminded of. "Dentist reminder at 5" (nothing after) keeps its words."""
    if cue.span is None:
        return indices
    start, end = cue.span
    nouns = msg.cues.phrases("reminder_nouns")
    if not any(match_at(msg.tokens, k, p) for k in range(start, end) for p in nouns):
        return indices
    after = tuple(k for k in indices if k >= end)
    particles = msg.cues.phrases("reminder_noun_particles")  # "put a reminder in for …"
    while len(after) > 1 and any(match_at(msg.tokens, after[0], p) for p in particles):
        after = tuple(strip_edges(msg.tokens, list(after[1:]), msg.cues))
    return after if after else indices


def _event_and_todo(
    msg: Message, indices: tuple[int, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """ "the night before the conference to pack", «накануне вылета собрать чемодан»: the
    event's name, then what to do (after `todo_openers`, "to" and one of `todo_verbs`, or
    from an infinitive on)."""
    openers = msg.cues.phrases("todo_openers")
    verbs = msg.cues.phrases("todo_verbs")
    for n, k in enumerate(indices[1:], 1):
        if any(match_at(msg.tokens, k, p) for p in openers):
            end = max(longest_at(msg.tokens, k, openers) or k + 1, k + 1)
            return indices[:n], tuple(i for i in indices[n:] if i >= end)
        to_verb = msg.tokens[k].norm == "to" and n + 1 < len(indices)
        if to_verb and any(match_at(msg.tokens, indices[n + 1], p) for p in verbs):
            return indices[:n], indices[n + 1 :]
        if "INFN" in grammemes(msg.tokens[k].norm):
            return indices[:n], indices[n:]
    return indices, ()


def _lead_day_clock(reading: Reading) -> tuple[int | None, time | None]:
    """Days before the event's day and the clock then: from a day lead ("the night
    before"), or a lead of whole days with a clock or part of day said ("2 days before …
    at 6pm", «за день до … вечером»); (None, None) for a lead in minutes or hours."""
    said: time | None = None
    if reading.clock is not None:
        said = time(*to_24h(reading.clock, reading.part))
    elif reading.part is not None:
        said = time(LEAD_PART_POINT.get(reading.part, PART_POINT[reading.part]))
    if reading.lead_days is not None:
        part = reading.lead_part or ("morning" if reading.lead_days == 0 else None)
        if said is None and part is not None:  # «в день вылета»: that morning
            said = time(LEAD_PART_POINT.get(part, PART_POINT[part]))
        return reading.lead_days, said
    seconds = reading.lead_seconds
    if said is not None and seconds is not None and seconds > 0 and seconds % 86400 == 0:
        return int(seconds // 86400), said
    return None, None


def _strip_topic(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """«о встрече», "about the dentist": the topic word goes, the case is prepositional."""
    if indices and any(match_at(msg.tokens, indices[0], p) for p in msg.cues.phrases("topic")):
        rest = indices[1:]
        while rest and msg.tokens[rest[0]].norm in ("the", "a", "an", "my"):
            rest = rest[1:]
        return rest
    if msg.lang == "en" and indices and msg.tokens[indices[0]].norm in ("to", "for"):
        rest = indices[1:]  # "a reminder for the meeting": the meeting, not "for the meeting"
        while rest and msg.tokens[rest[0]].norm in ("the", "a", "an", "my"):
            rest = rest[1:]
        return rest or indices
    return indices


def _about_reminders(msg: Message, cue: IntentCue) -> Command | None:
    """«Какие у меня напоминания?», «Удали напоминание про таблетки»: the reminders set.

    Listing is list_events and deleting delete_event, each with a target of kind
    "reminder" (the SPEC frame keys stay as they are). A delete cue before the reminder
    noun deletes; a listing word before it («какие», "what", "my") lists.
    """
    noun = find_first(msg.tokens, msg.cues.phrases("reminder_nouns"))
    if noun is None:
        return None
    before = frozenset(range(noun[0], len(msg.tokens)))
    deleting = cue.intent is Intent.DELETE_EVENT and cue.span is not None
    if deleting and cue.span is not None and cue.span[1] > noun[0]:
        return None
    listing = find_first(msg.tokens, msg.cues.phrases("reminder_listing"), before)
    setting = find_first(msg.tokens, msg.cues.phrases("create"), before)
    if not deleting and (listing is None or (setting is not None and setting[0] < listing[0])):
        return None
    reading = combine(msg.pieces)
    used = set(range(*noun)) | _cue_tokens(cue)
    if listing is not None:
        used |= set(range(*listing))
    indices = leftover(msg.tokens, msg.used_by(msg.pieces) | used, msg.cues).indices
    about = msg.cues.phrases("reminder_about")
    while indices and any(match_at(msg.tokens, indices[0], p) for p in about if len(p) == 1):
        indices = indices[1:]
    if not deleting:
        start, end = (None, None) if reading.empty else _window(msg, reading)
        target = EventTarget(range_start=start, range_end=end, kind="reminder")
        return Command(  # the window said is the listing's, as for events (SPEC's frame)
            intent=Intent.LIST_EVENTS,
            lang=msg.lang,
            range_start=start,
            range_end=end,
            target=target,
            confidence=0.9,
        )
    target = _target(msg, reading, indices, None).model_copy(update={"kind": "reminder"})
    return Command(
        intent=Intent.DELETE_EVENT,
        lang=msg.lang,
        target=target,
        missing=_invalid_date(reading),
        confidence=cue.strength,
    )
