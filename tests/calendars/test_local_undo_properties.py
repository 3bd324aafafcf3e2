"""Property: any change to a series, then `restore` of the snapshot taken before it, gives
back exactly the calendar there was (what undo relies on). Runs on a SQLite file."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.storage import Database, UserRepository

ZONES = [ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]
RULES = ["FREQ=WEEKLY", "FREQ=DAILY;COUNT=12", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=DAILY;INTERVAL=3"]
FIRST_DAY = date(2027, 3, 1)  # both zones change to summer time within the window


@dataclass(frozen=True)
class Change:
    """One change to a series: what, to which occurrence (by index), how."""

    kind: str  # "update" or "delete"
    scope: Scope
    index: int
    shift_hours: int
    title: str | None


changes = st.builds(
    Change,
    kind=st.sampled_from(["update", "delete"]),
    scope=st.sampled_from(list(Scope)),
    index=st.integers(0, 20),
    shift_hours=st.integers(-30, 30),
    title=st.one_of(st.none(), st.sampled_from(["Moved", "Renamed", "Другое"])),
)


class World:
    """An event loop and one database shared by all examples; a fresh user per example."""

    def __init__(self, path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.db = self.loop.run_until_complete(Database.open(f"sqlite+aiosqlite:///{path}"))
        self.users = itertools.count()

    def calendar(self) -> LocalCalendar:
        key = f"prop:{next(self.users)}"
        user = self.loop.run_until_complete(UserRepository(self.db).get_or_create(key))
        return LocalCalendar(self.db, user.id)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    made = World(tmp_path_factory.mktemp("undo") / "c.sqlite3")
    yield made
    made.loop.run_until_complete(made.db.close())
    made.loop.close()


def _view(events: list[Event]) -> list[tuple[object, ...]]:
    return [(e.id, e.title, e.start, e.end, e.recurrence_id, e.all_day) for e in events]


async def _apply(calendar: LocalCalendar, series: Event, changes_: list[Change]) -> None:
    window = _window(series)
    for change in changes_:
        listed = [e for e in await calendar.list_events(*window) if e.id == series.id]
        if not listed:
            return
        target = listed[change.index % len(listed)]
        assert target.recurrence_id is not None
        if change.kind == "delete":
            await calendar.delete_event(
                series.id, scope=change.scope, occurrence=target.recurrence_id
            )
            continue
        patch = EventPatch(
            start=target.start + timedelta(hours=change.shift_hours)
            if change.shift_hours
            else None,
            title=change.title,
        )
        result = await calendar.update_event(
            series.id, patch, scope=change.scope, occurrence=target.recurrence_id
        )
        if result.id != series.id:  # a split: the tail is a new series; undo removes it
            return


def _window(series: Event) -> tuple[datetime, datetime]:
    zone = ZoneInfo(series.timezone)
    return (
        datetime.combine(FIRST_DAY - timedelta(days=3), time(0), tzinfo=zone),
        datetime.combine(FIRST_DAY + timedelta(days=60), time(0), tzinfo=zone),
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    zone=st.sampled_from(ZONES),
    rule=st.sampled_from(RULES),
    hour=st.sampled_from([0, 9, 10, 23]),
    steps=st.lists(changes, min_size=1, max_size=4),
)
def test_restore_undoes_any_change_to_a_series(
    world: World, zone: ZoneInfo, rule: str, hour: int, steps: list[Change]
) -> None:
    calendar = world.calendar()

    async def scenario() -> None:
        start = datetime.combine(FIRST_DAY, time(hour), tzinfo=zone)
        series = await calendar.create_event(
            NewEvent("Standup", start, start + timedelta(minutes=45), str(zone), rrule=rule)
        )
        await _apply(calendar, series, steps[:-1])  # some history first
        window = _window(series)
        before_list = await calendar.list_events(*window)
        ids = {e.id for e in before_list} | {series.id}
        before = {i: await calendar.snapshot(i) for i in ids}
        await _apply(calendar, series, steps[-1:])
        after_ids = {e.id for e in await calendar.list_events(*window)}
        for new_id in after_ids - ids:
            await calendar.restore(new_id, [])
        for event_id, snapshot in before.items():
            await calendar.restore(event_id, snapshot)
        assert _view(await calendar.list_events(*window)) == _view(before_list)
        for event_id, snapshot in before.items():
            assert await calendar.snapshot(event_id) == snapshot

    world.loop.run_until_complete(scenario())
