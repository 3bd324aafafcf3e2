"""The reminder builders: a reminder to set (at a time or before an event) and the words
that are about reminders themselves («мои напоминания», "delete the reminder")."""

from __future__ import annotations

from datetime import time

from calendar_assistant.domain.commands import Command, EventTarget, Intent, Missing
from calendar_assistant.understanding.parse_message import (
    Message,
    _confidence,
    _cue_tokens,
    _invalid_date,
    _minutes,
    _rest,
    _spanned,
    _title,
    _window,
)
from calendar_assistant.understanding.parse_targets import _target
from calendar_assistant.understanding.rules.cues import find_first, match_at
from calendar_assistant.understanding.rules.intents import IntentCue
from calendar_assistant.understanding.rules.titles import Leftover, leftover, names_a_lead
from calendar_assistant.understanding.timeexpr.reading import (
    LEAD_PART_POINT,
    PART_POINT,
    Reading,
    combine,
    to_24h,
)


def _reminder(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    reading = combine(msg.pieces)
    rest = _rest(msg, cue)
    res = msg.res
    indices = rest.indices
    topic = _strip_topic(msg, indices)
    if (reading.lead_seconds is not None or reading.lead_days is not None) and not (
        reading.has_day or reading.instant is not None
    ):
        return _before_event(msg, cue, rest, reading, topic)
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
    start = None if reading.invalid else res.start(reading)
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


def _before_event(
    msg: Message, cue: IntentCue, rest: Leftover, reading: Reading, topic: tuple[int, ...]
) -> Command:
    """ "An hour before the standup", "the night before my dentist appointment", "2 days
    before my flight at 6pm": a reminder against the event named by the rest (its title
    words; «о рейсе» in the prepositional), the lead in minutes or in days before the
    event's day with the clock said (or the part's). A clock with a lead that is not whole
    days ("an hour before the standup at 9") does not say which is which: asked."""
    if topic != rest.indices:
        title = _title(msg, topic, "loct")
    else:
        title = _title(msg, rest.indices, "gent" if msg.lang == "ru" else None)
    days, at = _lead_day_clock(reading)
    unsure = days is None and reading.has_time
    return Command(
        intent=Intent.CREATE_REMINDER,
        lang=msg.lang,
        target=EventTarget(title=title) if title and not unsure else None,
        reminder_minutes_before=None
        if days is not None or unsure
        else _minutes(reading.lead_seconds),
        reminder_day_offset=days,
        reminder_at=at,
        missing=() if title and not unsure else (Missing.TARGET,),
        confidence=_confidence(cue, msg, rest),
    )


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
        if said is None and reading.lead_part is not None:
            said = time(LEAD_PART_POINT.get(reading.lead_part, PART_POINT[reading.lead_part]))
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
    if msg.lang == "en" and indices and msg.tokens[indices[0]].norm == "to":
        return indices[1:]
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
        return Command(intent=Intent.LIST_EVENTS, lang=msg.lang, target=target, confidence=0.9)
    target = _target(msg, reading, indices, None).model_copy(update={"kind": "reminder"})
    return Command(
        intent=Intent.DELETE_EVENT,
        lang=msg.lang,
        target=target,
        missing=_invalid_date(reading),
        confidence=cue.strength,
    )
