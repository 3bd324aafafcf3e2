"""`complete`: read the answer to a clarifying question into the pending Command.

After «Во сколько?» the user says «в 3», «завтра в 10» or «в 10 на полтора часа»; after
«Как назвать встречу?» they say «Встреча с Петром». A message that opens with a command of
its own («Удали встречу…») is not an answer: the caller parses it afresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from calendar_assistant.domain.commands import Command, EventChanges, EventTarget, Intent, Missing
from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.parse_updates import answered_shift
from calendar_assistant.understanding.parser import Message, read_message
from calendar_assistant.understanding.rules.intents import classify
from calendar_assistant.understanding.rules.titles import calendar_title, is_generic, leftover
from calendar_assistant.understanding.timeexpr.reading import Reading, combine, midnight

_NOT_ANSWERS = frozenset({Intent.CANCEL, Intent.HELP, Intent.UNDO})


def complete(
    pending: Command,
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    default_duration_minutes: int = 60,
    month_first: bool | None = None,
) -> Command | None:
    """Read the user's answer to a clarifying question about `pending.missing`.

    Returns the completed (or still partial, with fewer `missing`) Command, or None when
    the text is not an answer but a new request (then the caller parses it afresh).
    `month_first` is the user's date order for numeric dates, as for `parse`.
    """
    try:
        has_letters = any(ch.isalpha() for ch in text[:2000])
        lang: Lang | None = None if has_letters else pending.lang
        msg = read_message(
            text,
            now=now,
            tz=tz,
            lang=lang,
            default_duration_minutes=default_duration_minutes,
            month_first=month_first,
        )
        return _complete(pending, msg)
    except Exception:  # the boundary promise: an odd answer is "not an answer", never a crash
        return None


def _complete(pending: Command, msg: Message) -> Command | None:
    cue = classify(msg.tokens, msg.pieces, msg.cues)
    if cue.intent in _NOT_ANSWERS or cue.span is not None:
        return None  # a command of its own
    reading = combine(msg.pieces)
    rest = leftover(msg.tokens, msg.used_by(msg.pieces), msg.cues).indices
    words = None
    if rest and not is_generic(msg.tokens, rest, msg.cues):
        words = calendar_title(msg.text, msg.tokens, rest, msg.lang, "accs")
    if pending.intent in (Intent.CREATE_EVENT, Intent.CREATE_REMINDER):
        return _complete_create(pending, msg, reading, words)
    if pending.intent in (Intent.UPDATE_EVENT, Intent.DELETE_EVENT, Intent.SEARCH_EVENTS):
        return _complete_target(pending, msg, reading, words)
    return None


def _complete_create(
    pending: Command, msg: Message, reading: Reading, words: str | None
) -> Command | None:
    res = msg.res
    update: dict[str, Any] = {}
    missing = list(pending.missing)
    if Missing.TITLE in missing and words:
        update["title"] = words
        missing.remove(Missing.TITLE)
    elif Missing.TARGET in missing and words:  # «Напомни за 15 минут» → «до планёрки»
        update["target"] = EventTarget(title=words)
        missing.remove(Missing.TARGET)
    wants_time = Missing.TIME in missing or Missing.DATE in missing
    if not reading.empty and not reading.invalid and (wants_time or pending.start is not None):
        if reading.day is None and reading.period is None and reading.instant is None:
            reading.day = pending.day or (pending.start.date() if pending.start else None)
        if reading.all_day and reading.day is not None:
            update.update(
                start=midnight(reading.day, res.tz),
                end=midnight(reading.day + timedelta(days=1), res.tz),
                all_day=True,
            )
            missing = [m for m in missing if m not in (Missing.DATE, Missing.TIME)]
        else:
            start = res.start(reading)
            if start is not None:
                if reading.duration_seconds is None and pending.start and pending.end:
                    length = pending.end.astimezone(UTC) - pending.start.astimezone(UTC)
                    reading.duration_seconds = length.total_seconds()
                end = res.end(reading, start, msg.default_seconds)
                update.update(
                    start=start, end=end if pending.intent == Intent.CREATE_EVENT else None
                )
                update["day"] = None
                missing = [m for m in missing if m not in (Missing.DATE, Missing.TIME)]
            else:
                day = res.day_of(reading)
                if day is not None:
                    update["day"] = day
                    if Missing.DATE in missing:
                        missing.remove(Missing.DATE)
                    if Missing.TIME not in missing:
                        missing.append(Missing.TIME)
        if reading.recurrence is not None:
            update["recurrence"] = res.rrule_text(reading, bool(update.get("all_day")))
    if not update:
        return None
    update["missing"] = tuple(missing)
    return pending.model_copy(update=update)


def _moving_by(pending: Command, missing: list[Missing], msg: Message) -> int | None:
    """The signed minutes an update asking when to move the event(s) to is answered with
    ("на час позже"); None for any other question or answer."""
    asks = Missing.TIME in missing or (Missing.DATE in missing and pending.target is None)
    return answered_shift(msg) if pending.intent == Intent.UPDATE_EVENT and asks else None


def _complete_target(
    pending: Command, msg: Message, reading: Reading, words: str | None
) -> Command | None:
    res = msg.res
    update: dict[str, Any] = {}
    missing = list(pending.missing)
    if Missing.TARGET in missing and (words or not reading.empty):
        target = pending.target or EventTarget()
        fields: dict[str, Any] = {}
        if words:
            fields["title"] = words
        if reading.clock is not None:
            fields["start"] = res.start(reading)
        elif not reading.empty:
            window = res.window(reading)
            if window is not None:
                fields["range_start"], fields["range_end"] = window
        update["target"] = target.model_copy(update=fields)
        missing.remove(Missing.TARGET)
    elif (shift := _moving_by(pending, missing, msg)) is not None:
        # «На когда перенести?» — «на час позже»: a shift is as good an answer as a time
        # (and the only one for a bulk shift's window, which asks for a date).
        changes = pending.changes or EventChanges()
        update["changes"] = changes.model_copy(update={"shift_minutes": shift})
        missing = [m for m in missing if m not in (Missing.TIME, Missing.DATE)]
    elif Missing.TIME in missing and not reading.empty and pending.intent == Intent.UPDATE_EVENT:
        start = res.start(reading)
        if start is None:
            return None
        changes = pending.changes or EventChanges()
        update["changes"] = changes.model_copy(update={"start": start})
        missing.remove(Missing.TIME)
    if not update:
        return None
    update["missing"] = tuple(missing)
    return pending.model_copy(update=update)
