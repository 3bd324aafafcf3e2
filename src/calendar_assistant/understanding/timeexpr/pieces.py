"""What the time grammar recognises: pieces of a time expression with their token places."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Kind(StrEnum):
    DAY = "day"  # one calendar day: «завтра», «25 ноября», "next Tuesday"
    PERIOD = "period"  # days [day, day_end): a week, month, weekend, «с 13 по 15 июля»
    CLOCK = "clock"  # a time of day: «в 3 часа дня», "5:45pm", «половина пятого»
    CLOCK_RANGE = "clock_range"  # «с 10 до 12», "from 2 to 4pm"
    PART = "part"  # a part of the day: «вечером», "tomorrow morning" (with `day`)
    INSTANT = "instant"  # a moment relative to now: «через 2 часа», "in 20 minutes"
    DURATION = "duration"  # «на полтора часа», "for 90 minutes"
    LEAD = "lead"  # a reminder's lead time: «за 15 минут до», "an hour before"
    RECURRENCE = "recurrence"  # «каждую вторую среду», "weekly on Mon and Wed"
    COUNT = "count"  # «10 раз», "5 times": how many occurrences
    BOUND = "bound"  # an open side: «до 12:30», "after 2pm", «до конца дня»
    ALL_DAY = "all_day"  # «на весь день», "all day"
    INVALID = "invalid"  # a date that does not exist: «31 февраля»


@dataclass(frozen=True, slots=True)
class Clock:
    """A time of day as said; `meridiem` is am/pm/night when a word settled it."""

    hour: int
    minute: int = 0
    meridiem: str | None = None
    bare: bool = True  # no part-of-day word and not written as 24-hour time
    precise: bool = False  # minutes were written («10:00», «половина пятого»)


@dataclass(frozen=True, slots=True)
class Recurrence:
    freq: str
    interval: int = 1
    byday: tuple[int, ...] = ()
    bymonthday: int | None = None
    setpos: int = 0  # «каждый первый понедельник месяца»: BYDAY=1MO (-1 the last), 0 none


@dataclass(slots=True)
class Piece:
    kind: Kind
    start: int  # token index of the first token
    end: int  # token index after the last token
    prep: str = ""  # the preposition the piece opened with, normalised («на», «с», "to")
    day: date | None = None
    day_end: date | None = None  # exclusive
    grain: str = "day"
    clock: Clock | None = None
    clock_end: Clock | None = None
    part: str | None = None
    instant: datetime | None = None
    seconds: float | None = None
    recurrence: Recurrence | None = None
    count: int | None = None
    side: str = ""  # for BOUND: "end" (until) or "start" (after)
    inner: Piece | None = None
    monthday: int | None = None  # a day of month said without a month («15-го», "the 15th")
    from_weekday: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def width(self) -> int:
        return self.end - self.start
