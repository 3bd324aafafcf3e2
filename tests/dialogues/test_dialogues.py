"""Scripted dialogues (JSON files beside this one) run through the real Assistant.

Each dialogue pins `now` and a zone, may put events in the calendar first, then plays the
user's lines (or button presses) and checks fragments of every reply and the calendar
state afterwards. Everything is real: the rule parser, the SQLite database, the local
calendar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.events import Event, EventPatch, NewEvent
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage import Database, ReminderRepository, UserRepository, UserSettings

HERE = Path(__file__).parent
# A dialogue may carry "xfail": a reason naming a piece not written yet; strict, so it
# must be removed the moment that piece lands.
DIALOGUES = [
    pytest.param(
        d,
        id=f"{path.stem}:{d['name']}",
        marks=[pytest.mark.xfail(reason=d["xfail"], strict=True)] if "xfail" in d else [],
    )
    for path in sorted(HERE.glob("*.json"))
    for d in json.loads(path.read_text(encoding="utf-8"))
]


@dataclass
class Script:
    assistant: Assistant
    user: UserRef
    zone: ZoneInfo
    now: datetime
    last: list[Reply]


def _event_line(event: Event, zone: ZoneInfo) -> str:
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    if event.all_day:
        return f"{start.date().isoformat()} all-day {event.title}"
    return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} {event.title}"


def _button_payload(replies: list[Reply], label: str) -> str:
    """The payload of the newest button with this label (or a label starting with it)."""
    buttons = [b for r in replies for row in r.buttons for b in row]
    for button in buttons:
        if button.label == label or button.label.startswith(label):
            return button.payload
    raise AssertionError(f"no button {label!r} in {[b.label for b in buttons]}")


async def _seed(calendar: LocalCalendar, zone: ZoneInfo, events: list[dict[str, Any]]) -> None:
    for spec in events:
        start = datetime.fromisoformat(spec["start"])
        if start.tzinfo is None:
            start = start.replace(tzinfo=zone)
        if spec.get("all_day"):
            end = start + timedelta(days=1)
        else:
            end = start + timedelta(minutes=int(spec.get("minutes", 60)))
        await calendar.create_event(
            NewEvent(
                title=spec["title"],
                start=start,
                end=end,
                timezone=zone.key,
                all_day=bool(spec.get("all_day", False)),
                rrule=spec.get("rrule"),
            )
        )


async def _change_outside(calendar: LocalCalendar, change: dict[str, Any], now: datetime) -> None:
    """Another client edits the calendar between two messages (a concurrent edit)."""
    for event in await calendar.list_events(now, now + timedelta(days=366)):
        if event.title == change["title"]:
            await calendar.update_event(event.id, EventPatch(title=change["rename"]))
            return
    raise AssertionError(f"no event {change['title']!r} to change")


def _check_reply(turn: dict[str, Any], replies: list[Reply]) -> None:
    text = "\n".join(r.text for r in replies)
    labels = [b.label for r in replies for row in r.buttons for b in row]
    for fragment in turn.get("expect", []):
        assert fragment.lower() in text.lower(), f"{fragment!r} not in reply:\n{text}"
    for fragment in turn.get("expect_not", []):
        assert fragment.lower() not in text.lower(), f"{fragment!r} unexpectedly in:\n{text}"
    for label in turn.get("buttons", []):
        assert any(label == b or b.startswith(label) for b in labels), (
            f"no button {label!r}: {labels}"
        )


@pytest.mark.parametrize("dialogue", DIALOGUES)
async def test_dialogue(dialogue: dict[str, Any], database: Database, tmp_path: Path) -> None:
    """One dialogue, on the `database` fixture: a SQLite file, then PostgreSQL."""
    zone = ZoneInfo(dialogue.get("tz", "Europe/Moscow"))
    settings = Settings(data_dir=tmp_path)
    user = UserRef(key="dialogue:user", display_name="Tester")
    record = await UserRepository(database).get_or_create(
        user.key,
        user.display_name,
        UserSettings(
            language=dialogue.get("lang", "ru"),
            timezone=zone.key,
            default_reminder_minutes=dialogue.get("default_reminder"),
        ),
    )
    calendar = LocalCalendar(database, record.id)
    await _seed(calendar, zone, dialogue.get("events", []))
    assistant = Assistant(
        database, assistant_config(settings), lambda uid: LocalCalendar(database, uid)
    )
    now = datetime.fromisoformat(dialogue["now"])
    last: list[Reply] = []
    shown: list[Reply] = []  # every reply so far, newest first: old buttons stay pressable
    for turn in dialogue["turns"]:
        if "now" in turn:
            now = datetime.fromisoformat(turn["now"])
        if "outside" in turn:
            await _change_outside(calendar, turn["outside"], now)
            continue
        if "press" in turn:
            inbound = Inbound(button=_button_payload(shown, turn["press"]))
        else:
            inbound = Inbound(text=turn["say"] * int(turn.get("repeat", 1)))
        last = await assistant.handle(user, inbound, now)
        shown = last + shown
        assert last, "every message gets a reply"
        _check_reply(turn, last)
    expected = dialogue.get("calendar")
    if expected is not None:
        first = date.fromisoformat(expected["from"])
        last_day = date.fromisoformat(expected["to"])
        events = await calendar.list_events(
            datetime.combine(first, datetime.min.time(), tzinfo=zone),
            datetime.combine(last_day, datetime.min.time(), tzinfo=zone),
        )
        assert [_event_line(e, zone) for e in events] == expected["events"]
        if "locations" in expected:  # where each event is held, by title (None: no place)
            assert {e.title: e.location for e in events} == expected["locations"]
    if "reminders" in dialogue:
        stored = await ReminderRepository(database).list_for_user(record.id)
        assert [f"{r.due.astimezone(zone):%Y-%m-%d %H:%M} {r.text}" for r in stored] == dialogue[
            "reminders"
        ]
