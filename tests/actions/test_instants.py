"""On a fall-back night wall clocks repeat; the executor's arithmetic (and the shared domain
checks it relies on) work on instants, so an hour stays an hour."""

from __future__ import annotations

from datetime import datetime, timedelta

from calendar_assistant.actions.context import instant
from calendar_assistant.domain.events import Event
from calendar_assistant.domain.intervals import Interval
from support import NEW_YORK

FIRST_0145 = datetime(2027, 11, 7, 1, 45, tzinfo=NEW_YORK)  # EDT
SECOND_0115 = datetime(2027, 11, 7, 1, 15, fold=1, tzinfo=NEW_YORK)  # EST, 30 minutes later


def test_instants_order_a_repeated_wall_clock() -> None:
    assert SECOND_0115 < FIRST_0145  # Python's wall-clock view, the trap
    assert instant(SECOND_0115) - instant(FIRST_0145) == timedelta(minutes=30)


def test_an_interval_across_the_fold_is_half_an_hour() -> None:
    span = Interval(FIRST_0145, SECOND_0115)
    assert span.duration == timedelta(minutes=30)
    later = Interval(SECOND_0115, SECOND_0115 + timedelta(hours=1))
    assert not span.overlaps(later)
    assert span.overlaps(
        Interval(FIRST_0145 - timedelta(minutes=5), FIRST_0145 + timedelta(minutes=1))
    )


def test_an_event_across_the_fold_is_valid() -> None:
    event = Event("e", "Call", FIRST_0145, SECOND_0115, "America/New_York")
    assert instant(event.end) > instant(event.start)
