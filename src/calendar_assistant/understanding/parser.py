"""`parse`: one message → one typed Command, by the offline grammar (SPEC.md §1–§3).

The stages: tokens → time pieces (timeexpr) → intent cue (rules.intents) → what is left is
the title, place and people (rules.titles) → slots resolved against `now` (SPEC §2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent, Missing
from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.intent.features import features
from calendar_assistant.understanding.intent.guards import (
    ACT_ACCOUNT,
    ACT_READ,
    ACT_WRITE,
    ASK_TOGETHER,
    CONFIRM_AT_LEAST,
    SECOND_AT_LEAST,
    asks_something_else,
    holds_a_question,
    is_question,
    is_write,
    names_nothing,
    opens_a_question,
    seeks_information,
)
from calendar_assistant.understanding.intent.labels import ACCOUNT_COMMANDS, WRITES, intent_of
from calendar_assistant.understanding.intent.model import ModelError, intent_model
from calendar_assistant.understanding.morphology import grammemes, is_known_word, nominative_name
from calendar_assistant.understanding.rules.cues import (
    Cues,
    Phrase,
    cues,
    find_first,
    longest_at,
    match_at,
)
from calendar_assistant.understanding.rules.intents import IntentCue, classify, points_back
from calendar_assistant.understanding.rules.titles import (
    Leftover,
    attendees,
    calendar_title,
    is_generic,
    is_hollow,
    leftover,
    names_a_lead,
    quoted,
    render,
    split_location,
)
from calendar_assistant.understanding.timeexpr.grammar import Grammar
from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece
from calendar_assistant.understanding.timeexpr.reading import (
    LEAD_PART_POINT,
    PART_POINT,
    Reading,
    Resolver,
    combine,
    midnight,
    to_24h,
)
from calendar_assistant.understanding.timeexpr.span import read_pieces
from calendar_assistant.understanding.timeexpr.vocabulary import vocabulary, within_one_edit
from calendar_assistant.understanding.tokens import Token

NEW_PREPS = frozenset({"на", "to"})
_LONGEST_SHIFT = 366 * 24 * 60  # minutes: EventChanges holds shifts up to a year
OLD_PREPS = frozenset({"с", "со", "from"})
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
    return Message(
        text, tokens, pieces, language, cues(language), Resolver(now, tz),
        max(1, default_duration_minutes) * 60.0, month_first,
    )  # fmt: skip


def parse(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang | None = None,
    default_duration_minutes: int = 60,
    month_first: bool | None = None,
) -> Command:
    """Understand one message (never raises on any input; unknown → Intent.UNKNOWN).
    `month_first` is the user's stored date order for numeric dates (3/4 is March 4 when
    True, 3 April when False); None follows the zone (`month_first_in`)."""
    try:
        msg = read_message(
            text,
            now=now,
            tz=tz,
            lang=lang,
            default_duration_minutes=default_duration_minutes,
            month_first=month_first,
        )
        return understand(msg)
    except ModelError:
        raise  # no model is a set-up error to show, never a silent «unknown»
    except Exception:  # the boundary promise: a bad message is unknown, never a crash
        return Command(intent=Intent.UNKNOWN, lang=lang or "ru", confidence=0.0)


def understand(msg: Message) -> Command:
    """The classifier ranks the readings; guards and the calibrated probability decide
    whether to act on the first, ask between the two likeliest, or ask to confirm."""
    old = _resize_cue(msg, classify(msg.tokens, msg.pieces, msg.cues))
    ranked = ranked_labels(msg, old)
    asks = is_question(msg.tokens, msg.cues)
    opens = opens_a_question(msg.tokens, msg.cues)
    told = seeks_information(msg.tokens, msg.pieces, msg.cues)  # "tell me…": a write is asked
    readings: list[Command] = []
    for label, p in ranked[:4]:
        if (label == "create_event" and asks) or (label in WRITES and opens):
            continue  # a question is never a create; «что/когда/did you…» never a write
        if label in ACCOUNT_COMMANDS and p < ACT_ACCOUNT:
            continue  # an unsure account reading: the calendar readings compete without it
        command = _reading(msg, label, old)
        if command is None:
            continue  # a guard refused this reading
        readings.append(command.model_copy(update={"confidence": round(min(1.0, p), 3)}))
        if len(readings) == 2 or _sure(readings[0], told=told):
            break
    if readings and readings[0].intent is Intent.CANCEL and points_back(msg.tokens, msg.cues):
        readings = _pointed_delete(msg, old, readings)
    if readings and _time_alone(msg, readings[0]):
        shown = _reading(msg, "list_events", old)
        if shown is not None:  # «завтра после обеда»: show that time, or create an event?
            p = round(dict(ranked).get("list_events", 0.0), 3)
            shown = shown.model_copy(update={"confidence": p})
            return shown.model_copy(update={"readings": (shown, readings[0])})
    return _settle(msg, readings, told=told)


def _pointed_delete(msg: Message, old: IntentCue, readings: list[Command]) -> list[Command]:
    """ "cancel that", «отмени это»: a delete of the event just discussed (the conversation
    confirms it first, and reads it as a dialogue cancel while a question is open)."""
    pointed = _reading(msg, "delete_event", old)
    if pointed is None:
        return readings
    sure = max(readings[0].confidence, ACT_WRITE)
    return [pointed.model_copy(update={"confidence": sure}), *readings[1:]]


def _time_alone(msg: Message, first: Command) -> bool:
    """A create with nothing but time words («завтра после обеда», "tomorrow at 3") is a
    guess between showing that time and making an event there: it is asked, never done."""
    if first.intent is not Intent.CREATE_EVENT or first.title is not None or not msg.pieces:
        return False
    return not _rest(msg, IntentCue(Intent.UNKNOWN, None, 0.0)).indices


def ranked_labels(msg: Message, old: IntentCue | None = None) -> list[tuple[str, float]]:
    """Every label with its calibrated probability, likeliest first."""
    if old is None:
        old = _resize_cue(msg, classify(msg.tokens, msg.pieces, msg.cues))
    feats = features(msg.tokens, msg.pieces, msg.lang, old.intent.value)
    probs = intent_model().probabilities(feats)
    return sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))


def account_command(
    text: str, *, now: datetime, tz: ZoneInfo, lang: Lang | None = None
) -> str | None:
    """The account command typed as words («подключи гугл календарь», "what data do you
    keep"): the slash command's name when the classifier is sure, else None."""
    msg = read_message(text, now=now, tz=tz, lang=lang, default_duration_minutes=60)
    label, p = ranked_labels(msg)[0]
    return ACCOUNT_COMMANDS.get(label) if p >= ACT_ACCOUNT else None


def _sure(command: Command, *, told: bool = False) -> bool:
    """Sure enough to act on; a write read from words seeking information never is."""
    if told and is_write(command):
        return False
    return command.intent is Intent.UNKNOWN or command.confidence >= (
        ACT_WRITE if is_write(command) else ACT_READ
    )


def _settle(msg: Message, readings: list[Command], *, told: bool = False) -> Command:
    """Act on the first reading when it is sure enough; else carry the readings to ask."""
    if not readings:
        return Command(intent=Intent.UNKNOWN, lang=msg.lang, confidence=0.0)
    first = readings[0]
    if _sure(first, told=told):
        return first
    if first.confidence < SECOND_AT_LEAST:  # the likely readings were refused: nothing is left
        return Command(intent=Intent.UNKNOWN, lang=msg.lang, confidence=first.confidence)
    second = readings[1] if len(readings) > 1 else None
    if (
        second is not None
        and second.intent not in (Intent.UNKNOWN, first.intent)
        and second.confidence >= SECOND_AT_LEAST
        and first.confidence + second.confidence >= ASK_TOGETHER
    ):
        return first.model_copy(update={"readings": (first, second)})
    if is_write(first) and first.confidence >= CONFIRM_AT_LEAST:
        return first.model_copy(update={"readings": (first,)})  # ask before doing it
    if is_write(first):  # "tell me a joke": too unlikely a write to even offer
        return Command(intent=Intent.UNKNOWN, lang=msg.lang, confidence=first.confidence)
    return first


#: The cue list (rules/data) whose span is cut from the title for each label.
_CUE_KEYS = {
    "create_event": "create",
    "list_events": "list",
    "find_free_slots": "free",
    "update_event": "update",
    "delete_event": "delete",
    "create_reminder": "reminder",
    "search_events": "search",
    "list_reminders": "list",
    "delete_reminder": "delete",
}


def _cue_for(msg: Message, label: str, old: IntentCue) -> IntentCue:
    """The cue the slot builders cut from the title: the rules' own when they agree with
    the classifier, else the first cue phrase of the chosen intent (if any is said), else
    the rules' cue all the same: command words («покажи», "set up") are never a title."""
    intent = intent_of(label)
    if old.intent is intent:
        return old
    key = _CUE_KEYS.get(label)
    span = None
    if key is not None:
        span = find_first(msg.tokens, msg.cues.phrases(key), frozenset(msg.used_by(msg.pieces)))
    return IntentCue(intent, span if span is not None else old.span, 0.9)


def _reading(msg: Message, label: str, old: IntentCue) -> Command | None:
    """The command for one reading of the message, or None when a guard refuses it."""
    if label in ACCOUNT_COMMANDS or label == "unknown":
        return Command(intent=Intent.UNKNOWN, lang=msg.lang)
    cue = _cue_for(msg, label, old)
    if label in ("list_reminders", "delete_reminder"):
        return _reminders(msg, label, cue)
    if label in ("list_events", "delete_event", "update_event", "create_event"):
        about = _about_reminders(msg, cue)
        if about is not None:
            return about
    builder = _BUILDERS.get(cue.intent)
    if builder is None:
        return Command(intent=cue.intent, lang=msg.lang)
    command = builder(msg, cue)
    if (
        command.intent is Intent.CREATE_EVENT
        and command.title
        and (names_nothing(command.title, msg.cues) or asks_something_else(command.title, msg.cues))
    ):
        return None  # "What is my schedule", "Check event …": the title names no event
    named = command.title or (command.target.title if command.target else None)
    asked = any(t.norm == "?" for t in msg.tokens)
    if named and asked and holds_a_question(named, msg.cues):
        return None  # «напомни, что …» has no «?»: a clause of the request, not a question
    return command


def _reminders(msg: Message, label: str, cue: IntentCue) -> Command:
    """The reminders themselves: listed, or one (or all) deleted (`EventTarget.kind`)."""
    about = _about_reminders(msg, cue)
    if about is not None and about.intent is cue.intent:
        return about
    if label == "list_reminders":
        reading = combine(msg.pieces)
        start, end = (None, None) if reading.empty else _window(msg, reading)
        target = EventTarget(range_start=start, range_end=end, kind="reminder")
        return Command(intent=Intent.LIST_EVENTS, lang=msg.lang, target=target)
    command = _delete(msg, cue)
    target = (command.target or EventTarget()).model_copy(update={"kind": "reminder"})
    missing = tuple(m for m in command.missing if m is not Missing.TARGET)
    return command.model_copy(update={"target": target, "missing": missing})


# ---------------------------------------------------------------------- shared pieces

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
    pronouns = tuple(p for p in msg.cues.phrases("pronouns") if len(p) == 1)
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


# ---------------------------------------------------------------------- create


def _create(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    reading = combine(msg.pieces)
    rest = _rest(msg, cue)
    named = quoted(msg.tokens, rest.indices)
    if named is not None:  # «Создай встречу «Обсуждение бюджета»»: the quoted name is the title
        rest = Leftover(named)
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


def _minutes(seconds: float | None) -> int | None:
    return None if seconds is None else max(0, round(seconds / 60))


# ---------------------------------------------------------------------- reminders


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


# ---------------------------------------------------------------------- list, free, search


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


def _asks_who(msg: Message) -> bool:
    """ "who am I meeting", «с кем …», «кто у меня …»: a question about the people."""
    return find_first(msg.tokens, msg.cues.phrases("who_question")) is not None


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


def _search(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    msg = _by_hour_adjective(msg)
    reading = combine(msg.pieces)
    rest = _rest(msg, cue)
    indices = _without_event_verb(msg, _without_asking(msg, rest.indices))
    person = _person(msg, indices)
    asked_who = person is None and _asks_who(msg)  # "who am I meeting today": no title
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
            target=EventTarget(),
            confidence=_confidence(cue, msg, rest),
        )
    if title is None and start is None:
        return Command(intent=Intent.UNKNOWN, lang=msg.lang, confidence=0.3)  # "What time is it?"
    target = EventTarget(title=title, range_start=start, range_end=end)
    missing = () if title or start else (Missing.TARGET,)
    return Command(
        intent=Intent.SEARCH_EVENTS,
        lang=msg.lang,
        target=target,
        missing=missing,
        confidence=_confidence(cue, msg, rest),
    )


def _without_asking(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "give me the lowdown on the dinner", "tell me the date of Ana's party": the words
    asking to be told (`info_openers`, `search_lead`) that open what is left name nothing;
    the title is what follows them."""
    leads = (msg.cues.phrases("info_openers"), msg.cues.phrases("search_lead"))
    for _ in range(4):
        if not indices:
            return indices
        end = max((longest_at(msg.tokens, indices[0], p) or 0) for p in leads)
        taken = [k for k in indices if k < end]
        if not end or len(taken) == len(indices):
            return indices
        indices = indices[len(taken) :]
    return indices


def _without_event_verb(msg: Message, indices: tuple[int, ...]) -> tuple[int, ...]:
    """ "when does the hockey game start": a verb of the event happening (`event_verbs`)
    ending what is left names no event; the title is what comes before it."""
    verbs = msg.cues.phrases("event_verbs")
    for k in range(len(indices)):
        end = longest_at(msg.tokens, indices[k], verbs)
        if end is not None and end - 1 == indices[-1]:
            return indices[:k]
    return indices


def _names_an_event(msg: Message) -> bool:
    """A generic noun ("event", «событие») is said somewhere, even as a filler word."""
    generic = tuple(p for p in msg.cues.phrases("generic") if len(p) == 1)
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
        rest and msg.tokens[rest[0]].raw[:1].isupper()
    ):
        return None  # "my meeting with Anna" is a title; "meeting Anna", a verb and a person
    names = attendees(msg.tokens, rest, msg.lang)
    if not names:  # "when do I see Sarah Lee", «когда я увижу Машу»: the capitalised words
        said: list[str] = []
        for n, k in enumerate(rest):
            token = msg.tokens[k]
            if k != rest[0] + n or token.kind != "word" or not token.raw[:1].isupper():
                break
            said.append(nominative_name(token.raw) if msg.lang == "ru" else token.raw)
        names = tuple(said)
    return " ".join(names) if names else None


# ---------------------------------------------------------------------- delete, update


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


def _delete(msg: Message, cue: IntentCue) -> Command:
    cue = _spanned(msg, cue)
    msg = _by_hour_adjective(msg)
    reading = combine(msg.pieces)
    rest = _rest(msg, cue)
    bulk = find_first(msg.tokens, msg.cues.phrases("bulk")) is not None or (
        cue.span is not None
        and any(match_at(msg.tokens, cue.span[0], p) for p in msg.cues.phrases("clear"))
    )
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


def _invalid_date(reading: Reading) -> tuple[Missing, ...]:
    """«31 февраля»: ask for the date again rather than act on the rest of the words."""
    return (Missing.DATE,) if reading.invalid else ()


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
    msg = _by_hour_adjective(msg)
    res = msg.res
    rename = cue.span is not None and any(
        match_at(msg.tokens, cue.span[0], p) for p in msg.cues.phrases("rename")
    )
    rest = _rest(msg, cue)
    indices = rest.indices
    naming = msg.cues.phrases("name_words")
    if indices and any(match_at(msg.tokens, indices[0], p) for p in naming):
        rename = True  # «измени название встречи на «Обед»», "change the title of …"
    extending = cue.span is not None and any(
        match_at(msg.tokens, cue.span[0], p) for p in msg.cues.phrases("extend")
    )
    moving = cue.span is not None and any(
        match_at(msg.tokens, cue.span[0], p) for p in msg.cues.phrases("move")
    )
    new_title = None
    title_from = len(msg.tokens)
    if rename:
        all_words = leftover(msg.tokens, _cue_tokens(cue), msg.cues).indices
        indices, new_title = _rename_split(msg, all_words)
        if new_title is not None and indices:
            title_from = max(indices) + 1  # time words in the new name are its words
        indices = tuple(k for k in indices if k not in msg.used_by(msg.pieces))
        if new_title is None and cue.span is not None:
            indices, new_title = _rename_pronoun(msg, cue.span[1], indices)
            if new_title is not None:
                title_from = cue.span[1] + 2
    pieces = msg.pieces
    first = next((p for p in pieces if p.kind not in (Kind.DURATION, Kind.LEAD)), None)
    if (
        first is not None
        and first.kind in (Kind.PERIOD, Kind.CLOCK_RANGE)
        and first.prep in OLD_PREPS
    ):
        pieces = Grammar(
            msg.tokens,
            vocabulary(msg.lang),
            res.now,
            res.tz,
            ranges=False,
            month_first=msg.month_first,
        ).scan()
        msg = replace(msg, pieces=pieces)
        rest = _rest(msg, cue)
        indices = rest.indices
    pieces = _back_by(msg, pieces)
    old_pieces, new_pieces = _old_and_new(msg, pieces, title_from if rename else None)
    old = combine(old_pieces)
    new = combine(new_pieces)
    if (
        old.clock is not None
        and new.clock is not None
        and old.clock.bare
        and new.clock.meridiem is not None
        and old.clock.hour <= new.clock.hour < 12
    ):
        # «с 7 на 8 утра», "from 7 to 8am": the old time is in the same half of the day
        # (noon begins the afternoon: "the 10 o'clock to noon" is 10 in the morning)
        old.clock = replace(old.clock, meridiem=new.clock.meridiem, bare=False)
    change_start = change_end = None
    duration = None
    day = None
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
    if not new.empty:
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
        if new.duration_seconds and not shifted and not (by and (moving or extending)):
            duration = _minutes(new.duration_seconds)
    if old.clock is not None and old.day is None and change_start is not None:
        old.day = change_start.astimezone(res.tz).date()  # the move keeps to one day
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
    bulk = find_first(msg.tokens, msg.cues.phrases("bulk")) is not None
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
    missing: list[Missing] = []
    if empty_target:
        missing.append(Missing.TARGET)
    if changes is None and day is None:
        missing.append(Missing.TIME)
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
    old, new = _split_update(pieces)
    if find_first(msg.tokens, msg.cues.phrases("same_time")) is not None:
        return _keeping_time(old + new)
    return old, new


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
        elif deferring and p.kind == Kind.DURATION and p.prep in ("на", "by"):
            shift = minutes  # «отложи на 15 минут», "postpone the call by 30 minutes"
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


_BUILDERS = {
    Intent.CREATE_EVENT: _create,
    Intent.CREATE_REMINDER: _reminder,
    Intent.LIST_EVENTS: _list,
    Intent.FIND_FREE_SLOTS: _free,
    Intent.SEARCH_EVENTS: _search,
    Intent.DELETE_EVENT: _delete,
    Intent.UPDATE_EVENT: _update,
}
