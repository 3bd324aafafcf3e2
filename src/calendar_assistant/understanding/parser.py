"""`parse`: one message → one typed Command, by the offline grammar (SPEC.md §1–§3).

The stages: tokens → time pieces (timeexpr) → intent cue (rules.intents) → what is left is
the title, place and people (rules.titles) → slots resolved against `now` (SPEC §2).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from calendar_assistant.domain.commands import Command, EventTarget, Intent, Missing
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
    narrates_the_past,
    opens_a_question,
    seeks_information,
)
from calendar_assistant.understanding.intent.labels import ACCOUNT_COMMANDS, WRITES, intent_of
from calendar_assistant.understanding.intent.model import ModelError, intent_model
from calendar_assistant.understanding.parse_create import _create, said_as_a_move
from calendar_assistant.understanding.parse_lists import _free, _list, _search
from calendar_assistant.understanding.parse_message import Message as Message
from calendar_assistant.understanding.parse_message import _resize_cue as _resize_cue
from calendar_assistant.understanding.parse_message import _rest, _window
from calendar_assistant.understanding.parse_message import read_message as read_message
from calendar_assistant.understanding.parse_reminders import _about_reminders, _reminder
from calendar_assistant.understanding.parse_targets import _delete
from calendar_assistant.understanding.parse_updates import _update
from calendar_assistant.understanding.rules.cues import find_first
from calendar_assistant.understanding.rules.intents import IntentCue, classify, points_back
from calendar_assistant.understanding.timeexpr.pieces import Kind
from calendar_assistant.understanding.timeexpr.reading import combine


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
        _, msg = _read_once(text, now, tz, lang, default_duration_minutes, month_first)
        return understand(msg)
    except ModelError:
        raise  # no model is a set-up error to show, never a silent «unknown»
    except Exception:  # the boundary promise: a bad message is unknown, never a crash
        return Command(intent=Intent.UNKNOWN, lang=lang or "ru", confidence=0.0)


#: A new event said the way a move is said is at most this likely: below acting, so it is
#: offered beside the move or asked about, never made at once.
_MOVE_SAID_AT_MOST = 0.5


#: A change read from words with no verb of changing ("standup at 9", «стоматолог в 15»)
#: is at most this likely: asked about (change it, or make a new one?), never done at once.
_UNSAID_CHANGE_AT_MOST = 0.6


def _no_change_said(msg: Message) -> bool:
    """An event's name and a time said "at" it, nothing else ("standup at 9", «стоматолог
    в 15»): no word asks for a change, as "to 10", "push", "make it" would."""
    used = frozenset(msg.used_by(msg.pieces))
    words = [t for k, t in enumerate(msg.tokens) if k not in used and t.kind == "word"]
    at = {"at", "в", "во"}
    correcting = msg.cues.single("correcting")
    return (
        0 < len(words) <= _NAME_WORDS_AT_MOST
        and not any(find_first([t], correcting) is not None for t in words)
        and any(p.kind is Kind.CLOCK and p.prep in at for p in msg.pieces)
        and find_first(msg.tokens, msg.cues.phrases("update"), used) is None
        and not points_back(msg.tokens, msg.cues)
    )


#: "standup at 9", "team sync at 10": a name of one or two words.
_NAME_WORDS_AT_MOST = 2


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
        if label == "create_event" and said_as_a_move(msg):
            p = min(p, _MOVE_SAID_AT_MOST)  # «встреча с Иваном с 12 на 13»: asked, never made
        if label == "update_event" and _no_change_said(msg):
            p = min(p, _UNSAID_CHANGE_AT_MOST)  # "standup at 9": a time said, no change asked
        command = _reading(msg, label, old)
        if command is None:
            continue  # a guard refused this reading
        readings.append(command.model_copy(update={"confidence": round(min(1.0, p), 3)}))
        if len(readings) == 2 or _sure(readings[0], told=told):
            break
    readings.sort(key=lambda r: -r.confidence)  # a capped reading falls behind the next
    if readings and readings[0].intent is Intent.CANCEL and points_back(msg.tokens, msg.cues):
        readings = _pointed_delete(msg, old, readings)
    if readings and _time_alone(msg, readings[0]):
        shown = _reading(msg, "list_events", old)
        if shown is not None:  # «завтра после обеда»: show that time, or create an event?
            p = round(dict(ranked).get("list_events", 0.0), 3)
            shown = shown.model_copy(update={"confidence": p})
            pair = (readings[0], shown) if _clock_alone(msg) else (shown, readings[0])
            return pair[0].model_copy(update={"readings": pair})
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


def _clock_alone(msg: Message) -> bool:
    """ "four pm", «в 15:00»: a moment without a day names a time to book more often than
    a span to look at, so making the event is offered first (both are asked)."""
    return all(p.kind is Kind.CLOCK and p.day is None for p in msg.pieces)


def ranked_labels(msg: Message, old: IntentCue | None = None) -> list[tuple[str, float]]:
    """Every label with its calibrated probability, likeliest first."""
    if old is None:
        old = _resize_cue(msg, classify(msg.tokens, msg.pieces, msg.cues))
    feats = features(msg.tokens, msg.pieces, msg.lang, old.intent.value)
    probs = intent_model().probabilities(feats)
    return sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))


def account_command(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang | None = None,
    default_duration_minutes: int = 60,
    month_first: bool | None = None,
) -> str | None:
    """The account command typed as words («подключи гугл календарь», "what data do you
    keep"): the slash command's name when the classifier is sure, else None.

    The account desk asks this of every typed message before the assistant parses it with
    the same clock and settings: the message read here is handed to that `parse` (once)
    instead of being read again, a third of the understanding's time per message."""
    key, msg = _read_once(text, now, tz, lang, default_duration_minutes, month_first)
    label, p = ranked_labels(msg)[0]
    command = ACCOUNT_COMMANDS.get(label) if p >= ACT_ACCOUNT else None
    if command is None:
        _read_before.keep(key, msg)
    return command


def _read_once(
    text: str,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang | None,
    default_duration_minutes: int,
    month_first: bool | None,
) -> tuple[tuple[object, ...], Message]:
    """The message read with these arguments (the one handed on, if it matches), and the
    arguments as the hand-off's key."""
    key = (text, now, tz, lang, default_duration_minutes, month_first)
    msg = _read_before.take(key) or read_message(
        text,
        now=now,
        tz=tz,
        lang=lang,
        default_duration_minutes=default_duration_minutes,
        month_first=month_first,
    )
    return key, msg


class _HandOff:
    """The last message `account_command` read, for the `parse` of the same text with the
    same arguments that follows it; taken once, and only by an exact match of every
    argument, so any other parse (another user's message meanwhile, another clock) reads
    afresh. Reading is a pure function of these arguments and ranking does not change the
    message, so the answer is the one a fresh read gives (checked on every text the project
    holds)."""

    def __init__(self) -> None:
        self._kept: tuple[tuple[object, ...], Message] | None = None

    def keep(self, key: tuple[object, ...], msg: Message) -> None:
        self._kept = (key, msg)

    def take(self, key: tuple[object, ...]) -> Message | None:
        kept, self._kept = self._kept, None
        return kept[1] if kept is not None and kept[0] == key else None


_read_before = _HandOff()


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
    if span is None and old.span is not None and _names_events(msg, old.span):
        return IntentCue(intent, None, 0.9)  # «сколько дней до встречи с …»: a noun, kept
    return IntentCue(intent, span if span is not None else old.span, 0.9)


def _names_events(msg: Message, span: tuple[int, int]) -> bool:
    """The rules' cue is only a noun naming events («встречи» in «сколько дней до встречи с
    Иваном», `kept_cue_nouns`): no command word, so another reading keeps it among the
    event's words."""
    nouns = msg.cues.single("kept_cue_nouns")
    return all(find_first(msg.tokens[k : k + 1], nouns) is not None for k in range(*span))


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
    if command.intent is Intent.CREATE_EVENT and _told_of_the_past(msg, command):
        return None  # "I had lunch with Tom yesterday": what happened, not an event to make
    named = command.title or (command.target.title if command.target else None)
    asked = any(t.norm == "?" for t in msg.tokens)
    if named and asked and holds_a_question(named, msg.cues):
        return None  # «напомни, что …» has no «?»: a clause of the request, not a question
    return command


def _told_of_the_past(msg: Message, command: Command) -> bool:
    """A create whose time is already gone (a day before today, today with no clock, or a
    clock passed), told with a past-tense verb: narration («встреча сегодня прошла
    отлично»), not a request. Said of a time to come («я записался к врачу на пятницу»)
    it is an event to keep."""
    now = msg.res.now
    if command.start is not None:
        gone = command.start <= now
    elif command.day is not None:
        gone = command.day <= now.date()
    else:
        return False
    return gone and narrates_the_past(msg.tokens, msg.cues)


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


_BUILDERS = {
    Intent.CREATE_EVENT: _create,
    Intent.CREATE_REMINDER: _reminder,
    Intent.LIST_EVENTS: _list,
    Intent.FIND_FREE_SLOTS: _free,
    Intent.SEARCH_EVENTS: _search,
    Intent.DELETE_EVENT: _delete,
    Intent.UPDATE_EVENT: _update,
}
