"""Every outcome renders in both languages; key phrases, plurals and buttons are right."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

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
    NeedsScope,
    NothingFound,
    NothingToUndo,
    NotUnderstood,
    Outcome,
    Problem,
    ReminderSet,
    SearchFound,
    SlotsFound,
    Undone,
    UndoRecord,
    Updated,
)
from calendar_assistant.domain.commands import Command, Intent, Missing
from calendar_assistant.domain.events import Event, Scope
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.replies.payloads import Answer, read_payload
from calendar_assistant.replies.render import View, describe_rrule, render
from support import MOSCOW

NOW = datetime(2026, 11, 24, 14, tzinfo=MOSCOW)
START = datetime(2026, 11, 25, 10, tzinfo=MOSCOW)


def event(title: str = "Планёрка", start: datetime = START, **extra: object) -> Event:
    return Event("e1", title, start, start + timedelta(hours=1), "Europe/Moscow", **extra)  # type: ignore[arg-type]


UNDO = UndoRecord({"kind": "create"})
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
    Undone({"kind": "delete_many", "count": 5}),
    Undone({"kind": "move_many", "count": 2}),
    Undone({"kind": "reminder", "title": "Позвонить"}),
    Undone(
        {
            "kind": "delete",
            "title": "Планёрка",
            "start": START.isoformat(),
            "end": (START + timedelta(hours=1)).isoformat(),
        }
    ),
    NothingToUndo(),
    Cancelled(True),
    Cancelled(False),
    ChangedMeanwhile(None),
    ChangedMeanwhile(event("Планёрка (перенесена)")),
    BackendFailed("x"),
    HelpShown(),
    NotUnderstood(),
    *(Invalid(p, 29) for p in Problem),
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


def test_key_phrases() -> None:
    ru = View(lang="ru", zone=MOSCOW, now=NOW, token="t")
    en = View(lang="en", zone=MOSCOW, now=NOW, token="t")
    many = OUTCOMES[3]
    assert "ср, 25 ноября – вт, 1 декабря: 25 встреч." in render(many, ru).text
    assert "…и ещё 5 встреч" in render(many, ru).text
    assert "25 meetings" in render(many, en).text
    bulk_move = render(OUTCOMES[18], ru)
    assert bulk_move.text.startswith("Перенести 2 встречи на чт, 26 ноября")
    assert [b.label for b in bulk_move.buttons[0]] == ["Да", "Нет"]
    assert render(OUTCOMES[21], en).text == "Moved 3 meetings to Thu, Nov 26."
    assert (
        render(OUTCOMES[26], ru).text
        == "Напомню за 1 час 30 минут до «Планёрка»: ср, 25 ноября, 08:30."
    )
    scope = render(OUTCOMES[15], en)
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
        ("FREQ=MONTHLY;COUNT=3", "каждый месяц, 3 раз", "every month, 3 times"),
        ("FREQ=HOURLY", "FREQ=HOURLY", "FREQ=HOURLY"),
    ],
)
def test_recurrence_in_words(rule: str, ru: str, en: str) -> None:
    assert describe_rrule(rule, View(lang="ru", zone=MOSCOW, now=NOW)) == ru
    assert describe_rrule(rule, View(lang="en", zone=MOSCOW, now=NOW)) == en
