"""The pending question survives a JSON round trip; broken or stale state is dropped."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calendar_assistant.actions.outcomes import Resolution
from calendar_assistant.conversation.state import (
    LAST_EVENT_TTL,
    Pending,
    Stage,
    last_event_at,
    last_event_of,
    remembered,
)
from calendar_assistant.domain.commands import Command, EventTarget, Intent, Missing
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.intervals import Interval

NY = ZoneInfo("America/New_York")
NOW = datetime(2027, 3, 13, 12, tzinfo=NY)


def _pending() -> Pending:
    event = Event(
        id="e1",
        title="Standup",
        start=datetime(2027, 3, 15, 9, tzinfo=NY),
        end=datetime(2027, 3, 15, 9, 15, tzinfo=NY),
        timezone="America/New_York",
        rrule="FREQ=DAILY",
        recurrence_id=datetime(2027, 3, 15, 9, tzinfo=NY),
        version=3,
    )
    command = Command(
        intent=Intent.DELETE_EVENT,
        lang="en",
        target=EventTarget(title="Standup"),
        missing=(Missing.TARGET,),
    )
    return Pending(
        stage=Stage.SCOPE,
        command=command,
        token="abc123",
        asked_at=NOW,
        lang="en",
        resolution=Resolution(target=event, scope=Scope.FOLLOWING, confirmed=True),
        choices=(event,),
        slots=(Interval(event.start, event.end),),
    )


def test_round_trip_through_json() -> None:
    pending = _pending()
    data = json.loads(json.dumps(pending.to_json()))
    back = Pending.from_json(data)
    assert back is not None
    assert back.stage is Stage.SCOPE
    assert back.command == pending.command
    assert back.resolution == pending.resolution
    assert back.choices == pending.choices
    assert back.slots == pending.slots


def test_unreadable_state_is_none() -> None:
    assert Pending.from_json({"stage": "nonsense"}) is None
    data = _pending().to_json()
    data["asked_at"] = "2027-03-13T12:00:00"  # naive: refused
    assert Pending.from_json(data) is None


def test_a_question_expires_after_an_hour() -> None:
    pending = _pending()
    assert not pending.expired(NOW + timedelta(minutes=59))
    assert pending.expired(NOW + timedelta(hours=1, minutes=1))


def test_the_event_last_dealt_with_is_kept_beside_the_question_and_goes_stale() -> None:
    """«перенеси её»: the remembered event reads back; after a while, or broken, it is gone."""
    pending = _pending()
    event = pending.choices[0]
    state = json.loads(json.dumps(pending.to_json() | remembered(event, NOW)))
    assert last_event_of(state, NOW + timedelta(minutes=30)) == event
    assert Pending.from_json(state) == pending  # the extra keys do not disturb the question
    alone = json.loads(json.dumps(remembered(event, NOW)))
    assert Pending.from_json(alone) is None  # nothing asked: no question to answer
    assert last_event_of(alone, NOW) == event
    later = NOW + timedelta(minutes=50)
    assert last_event_at(alone, later) == (event, NOW)  # when it was dealt with, kept as is
    assert last_event_of(alone, NOW + LAST_EVENT_TTL + timedelta(minutes=1)) is None
    assert last_event_of(alone | {"last_at": "2027-03-13T12:00:00"}, NOW) is None  # naive
    assert last_event_of(alone | {"last_event": {"id": 1}}, NOW) is None
    assert last_event_of({"stage": "confirm"}, NOW) is None
    assert last_event_of(None, NOW) is None
    assert remembered(None, NOW) == {}
