"""Phrasebook of the English time grammar: phrase → the span it denotes (SPEC §2, §3b).

The clock is pinned at 2027-03-12T16:00:00-05:00 in America/New_York; expected times are wall-clock times there.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.understanding.timeexpr import read_time

TZ = ZoneInfo("America/New_York")
NOW = datetime.fromisoformat("2027-03-12T16:00:00-05:00")


def _local(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=TZ)


PHRASES = [
    ("today", "time", "2027-03-12 00:00", "2027-03-13 00:00", "day"),
    ("tomorrow", "time", "2027-03-13 00:00", "2027-03-14 00:00", "day"),
    ("yesterday", "time", "2027-03-11 00:00", "2027-03-12 00:00", "day"),
    ("the day after tomorrow", "time", "2027-03-14 00:00", "2027-03-15 00:00", "day"),
    ("on Monday", "time", "2027-03-15 00:00", "2027-03-16 00:00", "day"),
    ("on Friday", "time", "2027-03-19 00:00", "2027-03-20 00:00", "day"),
    ("this Friday", "time", "2027-03-12 00:00", "2027-03-13 00:00", "day"),
    ("next Friday", "time", "2027-03-19 00:00", "2027-03-20 00:00", "day"),
    ("last Friday", "time", "2027-03-05 00:00", "2027-03-06 00:00", "day"),
    ("this Sunday", "time", "2027-03-14 00:00", "2027-03-15 00:00", "day"),
    ("Monday", "time", "2027-03-15 00:00", "2027-03-16 00:00", "day"),
    ("November 25", "time", "2027-11-25 00:00", "2027-11-26 00:00", "day"),
    ("Nov 30th", "time", "2027-11-30 00:00", "2027-12-01 00:00", "day"),
    ("December 1st", "time", "2027-12-01 00:00", "2027-12-02 00:00", "day"),
    ("December 25th, 2027", "time", "2027-12-25 00:00", "2027-12-26 00:00", "day"),
    ("the 5th", "time", "2027-04-05 00:00", "2027-04-06 00:00", "day"),
    ("on the 15th", "time", "2027-03-15 00:00", "2027-03-16 00:00", "day"),
    ("5th of January", "time", "2028-01-05 00:00", "2028-01-06 00:00", "day"),
    ("the 1st of March", "time", "2028-03-01 00:00", "2028-03-02 00:00", "day"),
    ("at 10", "time", "2027-03-13 10:00", "2027-03-13 11:00", "hour"),
    ("at 3", "time", "2027-03-13 15:00", "2027-03-13 16:00", "hour"),
    ("at 9", "time", "2027-03-13 09:00", "2027-03-13 10:00", "hour"),
    ("at 12", "time", "2027-03-13 12:00", "2027-03-13 13:00", "hour"),
    ("at 7", "time", "2027-03-12 19:00", "2027-03-12 20:00", "hour"),
    ("at 10am", "time", "2027-03-13 10:00", "2027-03-13 11:00", "hour"),
    ("at 10 am", "time", "2027-03-13 10:00", "2027-03-13 11:00", "hour"),
    ("at 10 a.m.", "time", "2027-03-13 10:00", "2027-03-13 11:00", "hour"),
    ("at 3pm", "time", "2027-03-13 15:00", "2027-03-13 16:00", "hour"),
    ("at 3:30pm", "time", "2027-03-13 15:30", "2027-03-13 15:31", "minute"),
    ("5:45pm", "time", "2027-03-12 17:45", "2027-03-12 17:46", "minute"),
    ("at 17:00", "time", "2027-03-12 17:00", "2027-03-12 17:01", "minute"),
    ("at noon", "time", "2027-03-13 12:00", "2027-03-13 13:00", "hour"),
    ("at midnight", "time", "2027-03-13 00:00", "2027-03-13 01:00", "hour"),
    ("at ten", "time", "2027-03-13 10:00", "2027-03-13 11:00", "hour"),
    ("at seven pm", "time", "2027-03-12 19:00", "2027-03-12 20:00", "hour"),
    ("at 8 in the evening", "time", "2027-03-12 20:00", "2027-03-12 21:00", "hour"),
    ("at 7 in the morning", "time", "2027-03-13 07:00", "2027-03-13 08:00", "hour"),
    ("at 11 at night", "time", "2027-03-12 23:00", "2027-03-13 00:00", "hour"),
    ("quarter past 4", "time", "2027-03-12 16:15", "2027-03-12 16:16", "minute"),
    ("half past 10", "time", "2027-03-13 10:30", "2027-03-13 10:31", "minute"),
    ("quarter to 5", "time", "2027-03-12 16:45", "2027-03-12 16:46", "minute"),
    ("10 past 3", "time", "2027-03-13 15:10", "2027-03-13 15:11", "minute"),
    ("20 minutes to 6", "time", "2027-03-12 17:40", "2027-03-12 17:41", "minute"),
    ("at 9 o'clock", "time", "2027-03-13 09:00", "2027-03-13 10:00", "hour"),
    ("tomorrow at 10", "time", "2027-03-13 10:00", "2027-03-13 11:00", "hour"),
    ("tomorrow at 9:30am", "time", "2027-03-13 09:30", "2027-03-13 09:31", "minute"),
    ("Friday at 3pm", "time", "2027-03-19 15:00", "2027-03-19 16:00", "hour"),
    ("on Monday at 9", "time", "2027-03-15 09:00", "2027-03-15 10:00", "hour"),
    ("next Tuesday at 2pm", "time", "2027-03-16 14:00", "2027-03-16 15:00", "hour"),
    ("December 3 at 11am", "time", "2027-12-03 11:00", "2027-12-03 12:00", "hour"),
    ("in 2 hours", "time", "2027-03-12 18:00", "2027-03-12 18:01", "minute"),
    ("in 30 minutes", "time", "2027-03-12 16:30", "2027-03-12 16:31", "minute"),
    ("in an hour", "time", "2027-03-12 17:00", "2027-03-12 17:01", "minute"),
    ("in half an hour", "time", "2027-03-12 16:30", "2027-03-12 16:31", "minute"),
    ("in 3 days", "time", "2027-03-15 00:00", "2027-03-16 00:00", "day"),
    ("in a week", "time", "2027-03-19 00:00", "2027-03-20 00:00", "day"),
    ("in 2 weeks", "time", "2027-03-26 00:00", "2027-03-27 00:00", "day"),
    ("in a month", "time", "2027-04-12 00:00", "2027-04-13 00:00", "day"),
    ("3 days ago", "time", "2027-03-09 00:00", "2027-03-10 00:00", "day"),
    ("2 weeks ago", "time", "2027-02-26 00:00", "2027-02-27 00:00", "day"),
    ("an hour ago", "time", "2027-03-12 15:00", "2027-03-12 15:01", "minute"),
    ("this morning", "interval", "2027-03-12 06:00", "2027-03-12 12:00", "hour"),
    ("this afternoon", "interval", "2027-03-12 12:00", "2027-03-12 18:00", "hour"),
    ("this evening", "interval", "2027-03-12 18:00", "2027-03-13 00:00", "hour"),
    ("tonight", "interval", "2027-03-12 18:00", "2027-03-13 00:00", "hour"),
    ("tomorrow morning", "interval", "2027-03-13 06:00", "2027-03-13 12:00", "hour"),
    ("tomorrow afternoon", "interval", "2027-03-13 12:00", "2027-03-13 18:00", "hour"),
    ("tomorrow evening", "interval", "2027-03-13 18:00", "2027-03-14 00:00", "hour"),
    ("Friday evening", "interval", "2027-03-19 18:00", "2027-03-20 00:00", "hour"),
    ("Monday morning", "interval", "2027-03-15 06:00", "2027-03-15 12:00", "hour"),
    ("in the morning", "interval", "2027-03-12 06:00", "2027-03-12 12:00", "hour"),
    ("from 2 to 4pm", "interval", "2027-03-13 14:00", "2027-03-13 16:00", "minute"),
    ("from 9 to 5", "interval", "2027-03-13 09:00", "2027-03-13 17:00", "minute"),
    ("from 10am to 2pm", "interval", "2027-03-13 10:00", "2027-03-13 14:00", "minute"),
    ("from 9:30 to 11", "interval", "2027-03-13 09:30", "2027-03-13 11:00", "minute"),
    ("between 10 and 4", "interval", "2027-03-13 10:00", "2027-03-13 16:00", "minute"),
    ("9:30-11:00", "interval", "2027-03-13 09:30", "2027-03-13 11:00", "minute"),
    ("tomorrow from 1 to 3", "interval", "2027-03-13 13:00", "2027-03-13 15:00", "minute"),
    ("this week", "interval", "2027-03-08 00:00", "2027-03-15 00:00", "week"),
    ("next week", "interval", "2027-03-15 00:00", "2027-03-22 00:00", "week"),
    ("last week", "interval", "2027-03-01 00:00", "2027-03-08 00:00", "week"),
    ("this month", "interval", "2027-03-01 00:00", "2027-04-01 00:00", "month"),
    ("next month", "interval", "2027-04-01 00:00", "2027-05-01 00:00", "month"),
    ("in December", "interval", "2027-12-01 00:00", "2028-01-01 00:00", "month"),
    ("in January", "interval", "2028-01-01 00:00", "2028-02-01 00:00", "month"),
    ("this year", "interval", "2027-01-01 00:00", "2028-01-01 00:00", "year"),
    ("next year", "interval", "2028-01-01 00:00", "2029-01-01 00:00", "year"),
    ("this weekend", "interval", "2027-03-13 00:00", "2027-03-15 00:00", "day"),
    ("next weekend", "interval", "2027-03-20 00:00", "2027-03-22 00:00", "day"),
    ("the weekend", "interval", "2027-03-13 00:00", "2027-03-15 00:00", "day"),
    ("by end of day", "interval", None, "2027-03-13 00:00", "day"),
    ("until the end of the week", "interval", None, "2027-03-15 00:00", "week"),
    ("after 2pm", "interval", "2027-03-13 14:00", None, "hour"),
    ("before noon", "interval", None, "2027-03-13 12:00", "hour"),
    ("until 5pm", "interval", None, "2027-03-12 17:00", "hour"),
    ("the next 3 days", "interval", "2027-03-12 00:00", "2027-03-15 00:00", "day"),
    ("next 2 weeks", "interval", "2027-03-12 00:00", "2027-03-26 00:00", "day"),
    ("for 2 hours", "duration", 7200),
    ("for 90 minutes", "duration", 5400),
    ("45 minutes", "duration", 2700),
    ("an hour and a half", "duration", 5400),
    ("1.5 hours", "duration", 5400),
    ("1h30", "duration", 5400),
    ("half an hour", "duration", 1800),
    ("for 30 mins", "duration", 1800),
    ("every day", "time", "2027-03-12 00:00", "2027-03-13 00:00", "day", "FREQ=DAILY"),
    ("every day at 9am", "time", "2027-03-13 09:00", "2027-03-13 10:00", "hour", "FREQ=DAILY"),
    ("daily at 8", "time", "2027-03-13 08:00", "2027-03-13 09:00", "hour", "FREQ=DAILY"),
    ("every week", "time", "2027-03-12 00:00", "2027-03-13 00:00", "day", "FREQ=WEEKLY"),
    ("every Monday", "time", "2027-03-15 00:00", "2027-03-16 00:00", "day", "FREQ=WEEKLY;BYDAY=MO"),
    (
        "every Tuesday at 10",
        "time",
        "2027-03-16 10:00",
        "2027-03-16 11:00",
        "hour",
        "FREQ=WEEKLY;BYDAY=TU",
    ),
    (
        "every other Friday",
        "time",
        "2027-03-12 00:00",
        "2027-03-13 00:00",
        "day",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
    ),
    (
        "every other Wednesday at 3pm",
        "time",
        "2027-03-17 15:00",
        "2027-03-17 16:00",
        "hour",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
    ),
    (
        "every weekday",
        "time",
        "2027-03-12 00:00",
        "2027-03-13 00:00",
        "day",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    ),
    (
        "every weekday at 9:15",
        "time",
        "2027-03-15 09:15",
        "2027-03-15 09:16",
        "minute",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    ),
    (
        "on weekdays at 8",
        "time",
        "2027-03-15 08:00",
        "2027-03-15 09:00",
        "hour",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    ),
    (
        "weekly on Mon and Wed",
        "time",
        "2027-03-15 00:00",
        "2027-03-16 00:00",
        "day",
        "FREQ=WEEKLY;BYDAY=MO,WE",
    ),
    (
        "every Monday and Thursday",
        "time",
        "2027-03-15 00:00",
        "2027-03-16 00:00",
        "day",
        "FREQ=WEEKLY;BYDAY=MO,TH",
    ),
    ("on Mondays", "time", "2027-03-15 00:00", "2027-03-16 00:00", "day", "FREQ=WEEKLY;BYDAY=MO"),
    (
        "on Tuesdays and Thursdays at 6pm",
        "time",
        "2027-03-16 18:00",
        "2027-03-16 19:00",
        "hour",
        "FREQ=WEEKLY;BYDAY=TU,TH",
    ),
    ("every month", "time", "2027-03-12 00:00", "2027-03-13 00:00", "day", "FREQ=MONTHLY"),
    (
        "monthly on the 1st",
        "time",
        "2027-04-01 00:00",
        "2027-04-02 00:00",
        "day",
        "FREQ=MONTHLY;BYMONTHDAY=1",
    ),
    (
        "every month on the 15th at 10am",
        "time",
        "2027-03-15 10:00",
        "2027-03-15 11:00",
        "hour",
        "FREQ=MONTHLY;BYMONTHDAY=15",
    ),
    (
        "every 2 weeks",
        "time",
        "2027-03-12 00:00",
        "2027-03-13 00:00",
        "day",
        "FREQ=WEEKLY;INTERVAL=2",
    ),
    ("every year", "time", "2027-03-12 00:00", "2027-03-13 00:00", "day", "FREQ=YEARLY"),
    (
        "every Friday until December 31",
        "time",
        "2027-03-12 00:00",
        "2027-03-13 00:00",
        "day",
        "FREQ=WEEKLY;BYDAY=FR;UNTIL=20280101T045959Z",
    ),
    (
        "every day for 5 times",
        "time",
        "2027-03-12 00:00",
        "2027-03-13 00:00",
        "day",
        "FREQ=DAILY;COUNT=5",
    ),
    (
        "every day 10 times",
        "time",
        "2027-03-12 00:00",
        "2027-03-13 00:00",
        "day",
        "FREQ=DAILY;COUNT=10",
    ),
    ("wendesday", None),
    ("on wendesday", "time", "2027-03-17 00:00", "2027-03-18 00:00", "day"),
    ("on Firday", "time", "2027-03-19 00:00", "2027-03-20 00:00", "day"),
    ("on Decmber 5", "time", "2027-12-05 00:00", "2027-12-06 00:00", "day"),
    ("february 30", None),
    ("meeting with Anna", None),
    ("hello", None),
    ("12/25", "time", "2027-12-25 00:00", "2027-12-26 00:00", "day"),
    ("1/15/2027", "time", "2027-01-15 00:00", "2027-01-16 00:00", "day"),
    ("wendesday at 3", "time", "2027-03-17 15:00", "2027-03-17 16:00", "hour"),
    ("on Decmber 5", "time", "2027-12-05 00:00", "2027-12-06 00:00", "day"),
]


@pytest.mark.parametrize("case", PHRASES, ids=[c[0] for c in PHRASES])
def test_phrase(case: tuple[object, ...]) -> None:
    text = str(case[0])
    span = read_time(text, now=NOW, tz=TZ, lang="en")
    if case[1] is None:
        assert span is None
        return
    assert span is not None, text
    assert span.kind == case[1]
    if span.kind == "duration":
        assert span.duration_seconds == case[2]
        return
    assert span.start == _local(case[2])  # type: ignore[arg-type]
    assert span.end == _local(case[3])  # type: ignore[arg-type]
    assert span.grain == case[4]
    assert span.recurrence == (case[5] if len(case) > 5 else None)
