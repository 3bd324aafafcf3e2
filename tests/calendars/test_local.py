"""The local calendar: the shared contract on SQLite and PostgreSQL, plus what is its own."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from calendar_assistant.calendars.base import CalendarBackend, EventNotFound, VersionConflict
from calendar_assistant.calendars.local import DuplicateEvent, LocalCalendar
from calendar_assistant.domain.events import EventPatch, NewEvent, Scope
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.models import EventRow
from calendar_assistant.storage.users import UserRepository

from .contract import CalendarContract, at, first_monday, midnight


async def _calendar(database: Database, key: str) -> LocalCalendar:
    user = await UserRepository(database).get_or_create(key)
    return LocalCalendar(database, user.id)


@pytest.fixture
async def backend(database: Database) -> LocalCalendar:
    return await _calendar(database, "test:alice")


class TestLocalCalendarContract(CalendarContract):
    """Every contract test, on a SQLite file and on PostgreSQL."""


def test_local_calendar_is_a_calendar_backend(database: Database) -> None:
    calendar: CalendarBackend = LocalCalendar(database, 1)
    assert calendar.capabilities.series_scopes


async def test_users_never_see_each_others_events(database: Database, tz: ZoneInfo) -> None:
    alice = await _calendar(database, "test:alice")
    bob = await _calendar(database, "test:bob")
    day = date(2027, 1, 20)
    event = await alice.create_event(NewEvent("Secret", at(tz, day, 10), at(tz, day, 11), str(tz)))
    window = (midnight(tz, day), midnight(tz, day + timedelta(1)))
    assert await bob.list_events(*window) == []
    assert await bob.get_event(event.id) is None
    assert await bob.snapshot(event.id) == []
    assert await bob.free_busy(*window) == []
    with pytest.raises(EventNotFound):
        await bob.update_event(event.id, EventPatch(title="Mine"))
    with pytest.raises(EventNotFound):
        await bob.delete_event(event.id)
    await bob.restore(event.id, [])  # removes nothing of Alice's
    assert [e.title for e in await alice.list_events(*window)] == ["Secret"]
    # The same id may exist for two users (e.g. both import one ICS file).
    await bob.create_event(
        NewEvent("Bob's", at(tz, day, 12), at(tz, day, 13), str(tz), id=event.id)
    )
    assert [e.title for e in await alice.list_events(*window)] == ["Secret"]
    assert [e.title for e in await bob.list_events(*window)] == ["Bob's"]


async def test_duplicate_id_is_refused(backend: LocalCalendar, tz: ZoneInfo) -> None:
    day = date(2027, 1, 21)
    await backend.create_event(NewEvent("A", at(tz, day, 9), at(tz, day, 10), str(tz), id="uid-1"))
    with pytest.raises(DuplicateEvent):
        await backend.create_event(
            NewEvent("B", at(tz, day, 9), at(tz, day, 10), str(tz), id="uid-1")
        )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=SOMETIMES", "not supported"),
        ("BYDAY=MO", "FREQ"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270101T000000Z", "COUNT or UNTIL"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "never"),
        ("FREQ=WEEKLY;BYDAY=XX", "not valid"),
    ],
)
async def test_bad_rules_are_refused_and_nothing_is_stored(
    backend: LocalCalendar, database: Database, tz: ZoneInfo, rule: str, message: str
) -> None:
    day = date(2027, 1, 22)
    with pytest.raises(ValueError, match=message):
        await backend.create_event(
            NewEvent("Bad", at(tz, day, 9), at(tz, day, 10), str(tz), rrule=rule)
        )
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(EventRow)) == 0


async def test_bad_input_is_refused(backend: LocalCalendar, tz: ZoneInfo) -> None:
    day = date(2027, 1, 22)
    with pytest.raises(ValueError, match="zone"):
        await backend.create_event(NewEvent("X", at(tz, day, 9), at(tz, day, 10), "Mars/Base"))
    with pytest.raises(ValueError, match="title"):
        await backend.create_event(NewEvent("  ", at(tz, day, 9), at(tz, day, 10), str(tz)))
    with pytest.raises(ValueError, match="midnight"):
        await backend.create_event(NewEvent("X", at(tz, day, 9), at(tz, day, 10), str(tz), True))
    with pytest.raises(ValueError, match="before"):
        await backend.list_events(at(tz, day, 10), at(tz, day, 9))
    with pytest.raises(ValueError, match="attendees"):
        await backend.create_event(
            NewEvent("X", at(tz, day, 9), at(tz, day, 10), str(tz), attendees=("a",) * 201)
        )
    with pytest.raises(ValueError, match="title"):
        await backend.create_event(NewEvent("x" * 1001, at(tz, day, 9), at(tz, day, 10), str(tz)))
    with pytest.raises(ValueError, match="reminder"):
        await backend.create_event(
            NewEvent("X", at(tz, day, 9), at(tz, day, 10), str(tz), reminders=(-5,))
        )
    assert await backend.list_events(at(tz, day, 0), at(tz, day, 23)) == []
    series = await backend.create_event(
        NewEvent("S", at(tz, day, 9), at(tz, day, 10), str(tz), rrule="FREQ=DAILY")
    )
    with pytest.raises(ValueError, match="occurrence"):
        await backend.update_event(series.id, EventPatch(title="x"), scope=Scope.THIS)
    with pytest.raises(EventNotFound):  # 09:30 is not an occurrence
        await backend.delete_event(series.id, scope=Scope.THIS, occurrence=at(tz, day, 9, 30))


async def test_series_starts_at_its_first_occurrence(backend: LocalCalendar, tz: ZoneInfo) -> None:
    saturday = date(2027, 1, 23)
    created = await backend.create_event(
        NewEvent(
            "Weekdays",
            at(tz, saturday, 9),
            at(tz, saturday, 10),
            str(tz),
            rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        )
    )
    assert created.start == at(tz, saturday + timedelta(2), 9)


async def test_concurrent_creates_of_one_id_store_one(backend: LocalCalendar, tz: ZoneInfo) -> None:
    day = date(2027, 1, 21)
    results = await asyncio.gather(
        *(
            backend.create_event(
                NewEvent(f"Copy {i}", at(tz, day, 9), at(tz, day, 10), str(tz), id="uid-race")
            )
            for i in range(4)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, DuplicateEvent) for r in results if isinstance(r, BaseException))
    assert len(await backend.snapshot("uid-race")) == 1


async def test_concurrent_writers_one_wins_the_other_sees_a_conflict(
    database: Database, tz: ZoneInfo
) -> None:
    first = await _calendar(database, "test:alice")
    second = LocalCalendar(database, (await UserRepository(database).get("test:alice")).id)  # type: ignore[union-attr]
    day = date(2027, 1, 25)
    created = await first.create_event(NewEvent("Call", at(tz, day, 9), at(tz, day, 10), str(tz)))
    results = await asyncio.gather(
        first.update_event(created.id, EventPatch(title="A"), expected_version=created.version),
        second.update_event(created.id, EventPatch(title="B"), expected_version=created.version),
        return_exceptions=True,
    )
    conflicts = [r for r in results if isinstance(r, VersionConflict)]
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(conflicts) == 1
    assert len(winners) == 1
    assert conflicts[0].current.title == winners[0].title
    stored = await first.get_event(created.id)
    assert stored is not None
    assert stored.title == winners[0].title
    assert stored.version == created.version + 1


async def test_moving_a_series_to_another_weekday_moves_its_byday(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await backend.create_event(
        NewEvent(
            "Standup",
            at(tz, monday, 10),
            at(tz, monday, 10, 30),
            str(tz),
            rrule="FREQ=WEEKLY;BYDAY=MO",
        )
    )
    moved = await backend.update_event(
        series.id, EventPatch(start=at(tz, monday + timedelta(3), 10))
    )
    assert moved.rrule is not None
    assert "BYDAY=TH" in moved.rrule
    listed = await backend.list_events(midnight(tz, monday), midnight(tz, monday + timedelta(21)))
    assert [e.start.isoweekday() for e in listed] == [4, 4, 4]


async def test_split_of_a_count_series_keeps_the_total(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await backend.create_event(
        NewEvent(
            "Course",
            at(tz, monday, 18),
            at(tz, monday, 19),
            str(tz),
            rrule="FREQ=WEEKLY;COUNT=5",
        )
    )
    listed = await backend.list_events(midnight(tz, monday), midnight(tz, monday + timedelta(70)))
    pivot = listed[2].recurrence_id
    assert pivot is not None
    await backend.update_event(
        series.id, EventPatch(title="Course II"), scope=Scope.FOLLOWING, occurrence=pivot
    )
    after = await backend.list_events(midnight(tz, monday), midnight(tz, monday + timedelta(70)))
    assert [e.title for e in after] == ["Course"] * 2 + ["Course II"] * 3


async def test_an_override_moved_outside_the_series_window_is_still_listed(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await backend.create_event(
        NewEvent(
            "Demo", at(tz, monday, 10), at(tz, monday, 11), str(tz), rrule="FREQ=WEEKLY;COUNT=2"
        )
    )
    far = at(tz, monday + timedelta(days=60), 10)
    await backend.update_event(
        series.id, EventPatch(start=far), scope=Scope.THIS, occurrence=at(tz, monday, 10)
    )
    listed = await backend.list_events(far - timedelta(hours=1), far + timedelta(hours=1))
    assert [(e.title, e.start, e.recurrence_id) for e in listed] == [
        ("Demo", far, at(tz, monday, 10))
    ]


async def test_updating_all_keeps_overrides_and_exceptions_in_step(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await backend.create_event(
        NewEvent("Sync", at(tz, monday, 10), at(tz, monday, 11), str(tz), rrule="FREQ=WEEKLY")
    )
    week = timedelta(weeks=1)
    await backend.delete_event(series.id, scope=Scope.THIS, occurrence=at(tz, monday + week, 10))
    await backend.update_event(
        series.id,
        EventPatch(location="Room 1"),
        scope=Scope.THIS,
        occurrence=at(tz, monday + 2 * week, 10),
    )
    await backend.update_event(series.id, EventPatch(start=at(tz, monday, 11), title="Sync 2"))
    listed = await backend.list_events(midnight(tz, monday), midnight(tz, monday + 4 * week))
    assert [(e.start, e.title, e.location) for e in listed] == [
        (at(tz, monday, 11), "Sync 2", None),
        (at(tz, monday + 2 * week, 11), "Sync 2", "Room 1"),
        (at(tz, monday + 3 * week, 11), "Sync 2", None),
    ]


async def test_list_of_a_long_running_series_is_fast_forwarded_correctly(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    start = datetime(2001, 1, 1, 8, 0, tzinfo=tz)  # a Monday, 26 years earlier
    await backend.create_event(
        NewEvent(
            "Old habit",
            start,
            start + timedelta(minutes=15),
            str(tz),
            rrule="FREQ=WEEKLY;INTERVAL=2",
        )
    )
    monday = first_monday(tz)
    listed = await backend.list_events(midnight(tz, monday), midnight(tz, monday + timedelta(28)))
    assert len(listed) == 2
    for event in listed:
        assert event.start.isoweekday() == 1
        assert event.start.astimezone(tz).hour == 8
        assert ((event.start.date() - start.date()).days // 7) % 2 == 0


async def test_moving_a_monthly_series_moves_its_day_of_the_month(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    first = date(2027, 1, 15)
    series = await backend.create_event(
        NewEvent(
            "Rent",
            at(tz, first, 9),
            at(tz, first, 10),
            str(tz),
            rrule="FREQ=MONTHLY;BYMONTHDAY=15",
        )
    )
    await backend.update_event(series.id, EventPatch(start=at(tz, date(2027, 1, 17), 9)))
    listed = await backend.list_events(midnight(tz, first), midnight(tz, date(2027, 5, 1)))
    assert [(e.start.month, e.start.day) for e in listed] == [(1, 17), (2, 17), (3, 17), (4, 17)]


async def test_a_moved_occurrence_can_be_named_by_its_new_start(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await backend.create_event(
        NewEvent("Sync", at(tz, monday, 10), at(tz, monday, 11), str(tz), rrule="FREQ=WEEKLY")
    )
    original = at(tz, monday + timedelta(weeks=1), 10)
    moved_to = at(tz, monday + timedelta(weeks=1, days=1), 15)
    await backend.update_event(
        series.id, EventPatch(start=moved_to), scope=Scope.THIS, occurrence=original
    )
    await backend.update_event(
        series.id, EventPatch(title="Sync (moved)"), scope=Scope.THIS, occurrence=moved_to
    )
    window = (midnight(tz, monday), midnight(tz, monday + timedelta(weeks=3)))
    listed = await backend.list_events(*window)
    assert [(e.title, e.start, e.recurrence_id) for e in listed] == [
        ("Sync", at(tz, monday, 10), at(tz, monday, 10)),
        ("Sync (moved)", moved_to, original),
        ("Sync", at(tz, monday + timedelta(weeks=2), 10), at(tz, monday + timedelta(weeks=2), 10)),
    ]
    await backend.delete_event(series.id, scope=Scope.THIS, occurrence=moved_to)
    master = await backend.get_event(series.id)
    assert master is not None
    assert master.exdates == (original,)
    assert [e.title for e in await backend.list_events(*window)] == ["Sync", "Sync"]


async def test_two_calendars_of_one_user_are_separate(database: Database, tz: ZoneInfo) -> None:
    user = await UserRepository(database).get_or_create("test:alice")
    home = LocalCalendar(database, user.id)
    work = LocalCalendar(database, user.id, calendar_id="work")
    day = date(2027, 1, 26)
    event = await work.create_event(NewEvent("Review", at(tz, day, 9), at(tz, day, 10), str(tz)))
    assert event.calendar_id == "work"
    window = (midnight(tz, day), midnight(tz, day + timedelta(1)))
    assert await home.list_events(*window) == []
    assert await home.get_event(event.id) is None
    assert [e.calendar_id for e in await work.list_events(*window)] == ["work"]
    snapshot = await work.snapshot(event.id)
    await work.delete_event(event.id)
    await work.restore(event.id, snapshot)
    assert await work.get_event(event.id) == event


async def test_deleting_the_last_occurrence_removes_the_series(
    backend: LocalCalendar, tz: ZoneInfo
) -> None:
    monday = first_monday(tz)
    series = await backend.create_event(
        NewEvent(
            "Pair", at(tz, monday, 10), at(tz, monday, 11), str(tz), rrule="FREQ=DAILY;COUNT=2"
        )
    )
    await backend.delete_event(series.id, scope=Scope.THIS, occurrence=at(tz, monday, 10))
    assert await backend.get_event(series.id) is not None
    await backend.delete_event(
        series.id, scope=Scope.THIS, occurrence=at(tz, monday + timedelta(1), 10)
    )
    assert await backend.get_event(series.id) is None
    assert await backend.snapshot(series.id) == []


async def test_extreme_times_are_handled(backend: LocalCalendar, tz: ZoneInfo) -> None:
    day = date(2027, 1, 27)
    event = await backend.create_event(NewEvent("Now", at(tz, day, 9), at(tz, day, 10), str(tz)))
    await backend.create_event(
        NewEvent("Always", at(tz, day, 8), at(tz, day, 9), str(tz), rrule="FREQ=YEARLY")
    )
    everything = (datetime.min.replace(tzinfo=tz), datetime.max.replace(tzinfo=tz))
    listed = await backend.list_events(*everything)
    assert event.id in {e.id for e in listed}
    assert len(await backend.free_busy(*everything)) > 100
    far = datetime(9999, 12, 30, 10, tzinfo=tz)
    with pytest.raises(ValueError, match="between 1900 and 2200"):
        await backend.create_event(NewEvent("Far", far, far + timedelta(hours=1), str(tz)))
    with pytest.raises(ValueError, match="between 1900 and 2200"):
        await backend.update_event(event.id, EventPatch(start=datetime(1, 1, 2, tzinfo=tz)))
    assert await backend.get_event(event.id) == event
