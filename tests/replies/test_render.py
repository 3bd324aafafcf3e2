"""Every outcome renders in both languages; key phrases, plurals and buttons are right."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from calendar_assistant.actions.context import PendingReminder
from calendar_assistant.actions.outcomes import (
    BackendFailed,
    Cancelled,
    ChangedMeanwhile,
    ConflictFound,
    Created,
    Deleted,
    HelpShown,
    Invalid,
    Listed,
    NeedsChoice,
    NeedsConfirmation,
    NeedsDetails,
    NeedsReminderChoice,
    NeedsReminderConfirmation,
    NeedsScope,
    NoReminderFound,
    NothingFound,
    NothingToUndo,
    NotUnderstood,
    Outcome,
    Problem,
    ReminderDeleted,
    ReminderSet,
    RemindersListed,
    SearchFound,
    SlotsFound,
    Undone,
    UndoRecord,
    UndoSummary,
    Updated,
)
from calendar_assistant.domain.commands import Command, Intent, Missing
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.domain.language import Lang
from calendar_assistant.replies.payloads import Answer, read_payload
from calendar_assistant.replies.render import View, describe_rrule, render
from support import MOSCOW

NOW = datetime(2026, 11, 24, 14, tzinfo=MOSCOW)
START = datetime(2026, 11, 25, 10, tzinfo=MOSCOW)


def event(title: str = "Планёрка", start: datetime = START, **extra: object) -> Event:
    return Event("e1", title, start, start + timedelta(hours=1), "Europe/Moscow", **extra)  # type: ignore[arg-type]


UNDO = UndoRecord(UndoSummary("create"))
REMINDER = PendingReminder(1, "Выпить таблетки", START)
OUTCOMES: list[Outcome] = [
    Created(event(rrule="FREQ=WEEKLY;BYDAY=MO,WE", location="Офис", reminders=(15,)), UNDO),
    ConflictFound("Звонок", START, START + timedelta(hours=1), (event(),), ()),
    Listed(START, START + timedelta(days=1), ()),
    Listed(
        START.replace(hour=0),
        START.replace(hour=0) + timedelta(days=7),
        tuple(event(start=START + timedelta(days=d)) for d in range(25)),
    ),
    SlotsFound(START, START + timedelta(days=1), timedelta(minutes=30), ()),
    SlotsFound(
        START,
        START + timedelta(days=7),
        timedelta(minutes=30),
        tuple(
            Interval(START + timedelta(days=d), START + timedelta(days=d, hours=1))
            for d in range(10)
        ),
    ),
    SearchFound("", (event(), event("Обед", START + timedelta(hours=3)))),
    NothingFound(None, START, START + timedelta(days=1)),
    NothingFound("Дантист"),
    NeedsDetails(Command(intent=Intent.CREATE_EVENT), (Missing.DATE, Missing.TIME)),
    NeedsDetails(Command(intent=Intent.CREATE_EVENT), (Missing.DATE,)),
    NeedsDetails(Command(intent=Intent.CREATE_EVENT), (Missing.TIME,)),
    NeedsDetails(Command(intent=Intent.CREATE_REMINDER), (Missing.TITLE,)),
    NeedsDetails(Command(intent=Intent.DELETE_EVENT), (Missing.TARGET,)),
    NeedsChoice((event(), event("Планёрка 2", START + timedelta(days=1)))),
    NeedsScope(event(rrule="FREQ=DAILY"), deleting=True),
    NeedsConfirmation(deleting=True, events=(event(rrule="FREQ=DAILY"),), scope=Scope.ALL),
    NeedsConfirmation(deleting=True, events=(event(rrule="FREQ=DAILY"),), scope=Scope.FOLLOWING),
    NeedsConfirmation(
        deleting=False, events=(event(), event("Обед")), new_start=START + timedelta(days=1)
    ),
    Updated(event(), event("Созвон"), None, UNDO, START, START + timedelta(hours=1)),
    Updated(event(), event(), Scope.THIS, UNDO, START, START + timedelta(hours=2)),
    Updated(
        event(),
        event(),
        None,
        UNDO,
        START + timedelta(days=1),
        START + timedelta(days=1, hours=1),
        3,
    ),
    Deleted((event(), event()), None, UNDO),
    Deleted((event(),), Scope.ALL, UNDO),
    Deleted((event(),), Scope.FOLLOWING, UNDO),
    ReminderSet("Позвонить маме", START, None, None, UNDO),
    ReminderSet("Планёрка", START - timedelta(minutes=90), event(), 90, UNDO),
    Undone(UndoSummary("delete_many", count=5)),
    Undone(UndoSummary("move_many", count=2)),
    Undone(UndoSummary("reminder", "Позвонить")),
    Undone(UndoSummary("delete", "Планёрка", START, START + timedelta(hours=1))),
    Undone(UndoSummary("create", "Обед", START, START + timedelta(hours=1))),
    Undone(UndoSummary("update", "Обед", START, START + timedelta(hours=1))),
    Undone(UndoSummary("reminder_deleted", "Позвонить", START)),
    Undone(UndoSummary("reminder_deleted", "Позвонить")),
    NothingToUndo(),
    Cancelled(True),
    Cancelled(False),
    ChangedMeanwhile(None),
    ChangedMeanwhile(event("Планёрка (перенесена)")),
    BackendFailed("x"),
    HelpShown(),
    NotUnderstood(),
    *(Invalid(p, 29) for p in Problem),
    Invalid(Problem.BAD_DATE, 31),
    Invalid(Problem.BAD_DATE),
    RemindersListed(()),
    RemindersListed(tuple(REMINDER for _ in range(23))),
    NeedsReminderChoice((REMINDER, REMINDER)),
    NeedsReminderConfirmation(REMINDER),
    ReminderDeleted(REMINDER, UNDO),
    NoReminderFound("таблетки", gone=True),
    NoReminderFound("таблетки", START),
    NoReminderFound(None),
    ConflictFound(
        "Звонок",
        START,
        START + timedelta(hours=1),
        (event(),),
        (Interval(START + timedelta(hours=2), START + timedelta(hours=3)),),
    ),
]


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: type(o).__name__)
def test_every_outcome_renders(outcome: Outcome, lang: str) -> None:
    reply = render(outcome, View(lang=lang, zone=MOSCOW, now=NOW, token="t0k3n"))  # type: ignore[arg-type]
    assert reply.text.strip()
    assert "{" not in reply.text
    for row in reply.buttons:
        for button in row:
            read = read_payload(button.payload)
            assert read is not None
            assert read[0] == "t0k3n"


SNAPSHOTS = Path(__file__).parent / "snapshots"


def _written(outcome: Outcome, v: View) -> str:
    reply = render(outcome, v)
    buttons = " | ".join(b.label for row in reply.buttons for b in row)
    return f"## {type(outcome).__name__}\n{reply.text}\n" + (f"[{buttons}]\n" if buttons else "")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_reply_reads_as_in_the_snapshot(lang: Lang) -> None:
    """One snapshot per language of every outcome's reply: a change of wording shows up as
    a diff to review (`UPDATE_SNAPSHOTS=1` rewrites the files after a deliberate change)."""
    v = View(lang=lang, zone=MOSCOW, now=NOW, token="t")
    written = "\n".join(_written(outcome, v) for outcome in OUTCOMES)
    path = SNAPSHOTS / f"replies.{lang}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(written, encoding="utf-8")
    assert written == path.read_text(encoding="utf-8")


def test_scope_buttons_carry_their_answers() -> None:
    scope = render(
        next(o for o in OUTCOMES if isinstance(o, NeedsScope)),
        View(lang="en", zone=MOSCOW, now=NOW, token="t"),
    )
    assert [read_payload(b.payload) for b in scope.buttons[0]] == [
        ("t", Answer.THIS, None),
        ("t", Answer.FOLLOWING, None),
        ("t", Answer.ALL, None),
    ]


@pytest.mark.parametrize(
    ("rule", "ru", "en"),
    [
        ("FREQ=DAILY", "каждый день", "every day"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "по будням", "every weekday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "раз в две недели (ср)", "every other week (Wed)"),
        ("FREQ=MONTHLY;COUNT=3", "каждый месяц, 3 раза", "every month, 3 times"),
        ("FREQ=DAILY;INTERVAL=5;COUNT=21", "раз в 5 дней, 21 раз", "every 5 days, 21 times"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU", "раз в 3 недели (вт)", "every 3 weeks (Tue)"),
        ("FREQ=HOURLY", "каждый час", "every hour"),
        ("FREQ=HOURLY;INTERVAL=2", "раз в 2 часа", "every 2 hours"),
        ("FREQ=HOURLY;INTERVAL=5", "раз в 5 часов", "every 5 hours"),
        ("FREQ=MINUTELY", "FREQ=MINUTELY", "FREQ=MINUTELY"),
    ],
)
def test_recurrence_in_words(rule: str, ru: str, en: str) -> None:
    assert describe_rrule(rule, View(lang="ru", zone=MOSCOW, now=NOW)) == ru
    assert describe_rrule(rule, View(lang="en", zone=MOSCOW, now=NOW)) == en


def test_an_undo_summary_kept_before_it_was_typed_still_reads() -> None:
    kept = {
        "kind": "update",
        "title": "Обед",
        "start": START.isoformat(),
        "end": (START + timedelta(hours=1)).isoformat(),
        "all_day": False,
        "rrule": None,
        "new_title": "Обед",
        "new_start": START.isoformat(),
    }
    summary = UndoSummary.from_json(kept)
    assert summary == UndoSummary("update", "Обед", START, START + timedelta(hours=1))
    assert UndoSummary.from_json(summary.to_json()) == summary
    with pytest.raises(ValueError, match="unknown undo kind"):
        UndoSummary.from_json({"kind": "teleport"})
