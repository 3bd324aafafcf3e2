"""The contract every CalendarBackend keeps: one test class, reused by every backend.

A backend's test module subclasses `CalendarContract` and provides two fixtures:
`backend` (an empty calendar of one user, a CalendarBackend) and `tz` (a ZoneInfo; the
shared conftest runs each test in Europe/Berlin and America/New_York, both of which change
to summer time in March 2027, on the 28th and the 14th).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.calendars.base import (
    CalendarBackend,
    Capabilities,
    EventNotFound,
    VersionConflict,
    capabilities_of,
)
from calendar_assistant.domain.events import Event, EventPatch, NewEvent, Scope
from calendar_assistant.domain.intervals import Interval

# The Sunday each test zone changes to summer time in 2027.
DST_SUNDAY = {"Europe/Berlin": date(2027, 3, 28), "America/New_York": date(2027, 3, 14)}


def at(tz: ZoneInfo, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def midnight(tz: ZoneInfo, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def first_monday(tz: ZoneInfo) -> date:
    """A Monday two weeks before the zone's DST change: a weekly series crosses it."""
    return DST_SUNDAY[str(tz)] - timedelta(days=13)


def elapsed(event: Event) -> timedelta:
    """Real length (Python subtracts wall clocks of datetimes sharing a zone)."""
    return event.end.astimezone(UTC) - event.start.astimezone(UTC)


def shape(events: list[Event]) -> list[tuple[str, datetime, datetime]]:
    return [(e.title, e.start, e.end) for e in events]


class CalendarContract:
    """Behaviour all backends share: CRUD, ranges, all-day, series and their scopes,
    version checks, free/busy and undo snapshots."""

    # ------------------------------------------------------------ basics

    async def test_an_own_calendar_can_do_everything(self, backend: CalendarBackend) -> None:
        """Each contract calendar is the user's own: series, their scopes, free/busy,
        reminders and writes, as the server reports once asked (read-only calendars are
        tested per backend: tests/calendars/*/test_capabilities.py)."""
        assert await capabilities_of(backend) == Capabilities()
        assert backend.capabilities == Capabilities()

    async def test_create_then_get_keeps_every_field(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = date(2027, 1, 12)
        created = await backend.create_event(
            NewEvent(
                title="Встреча с командой",
                start=at(tz, day, 10),
                end=at(tz, day, 11, 30),
                timezone=str(tz),
                location="Room 4",
                description="Quarterly plan",
                attendees=("anna@example.org",),
                reminders=(15,),
            )
        )
        assert created.id
        fetched = await backend.get_event(created.id)
        assert fetched is not None
        assert fetched.title == "Встреча с командой"
        assert (fetched.start, fetched.end) == (at(tz, day, 10), at(tz, day, 11, 30))
        assert fetched.timezone == str(tz)
        assert fetched.location == "Room 4"
        assert fetched.description == "Quarterly plan"
        assert fetched.attendees == ("anna@example.org",)
        assert fetched.reminders == (15,)
        assert not fetched.all_day
        assert fetched.rrule is None
        assert fetched.version == created.version

    async def test_get_unknown_is_none(self, backend: CalendarBackend) -> None:
        assert await backend.get_event("no-such-event") is None

    async def test_update_or_delete_unknown_raises_not_found(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        with pytest.raises(EventNotFound):
            await backend.update_event("no-such-event", EventPatch(title="x"))
        with pytest.raises(EventNotFound):
            await backend.delete_event("no-such-event")

    async def test_range_end_is_exclusive_and_overlap_counts(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = date(2027, 2, 3)
        await backend.create_event(NewEvent("Dentist", at(tz, day, 10), at(tz, day, 11), str(tz)))
        assert await backend.list_events(at(tz, day, 11), at(tz, day, 12)) == []
        assert await backend.list_events(at(tz, day, 9), at(tz, day, 10)) == []
        assert len(await backend.list_events(at(tz, day, 10, 59), at(tz, day, 12))) == 1
        assert len(await backend.list_events(at(tz, day, 9), at(tz, day, 10, 1))) == 1
        assert len(await backend.list_events(at(tz, day, 10, 15), at(tz, day, 10, 30))) == 1

    async def test_list_is_sorted_by_start(self, backend: CalendarBackend, tz: ZoneInfo) -> None:
        day = date(2027, 2, 4)
        for hour, title in ((15, "C"), (9, "A"), (12, "B")):
            await backend.create_event(
                NewEvent(title, at(tz, day, hour), at(tz, day, hour + 1), str(tz))
            )
        listed = await backend.list_events(midnight(tz, day), midnight(tz, day + timedelta(1)))
        assert [e.title for e in listed] == ["A", "B", "C"]

    async def test_an_event_in_another_zone_keeps_its_instant(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        tokyo = ZoneInfo("Asia/Tokyo")
        start = datetime(2027, 2, 5, 9, 0, tzinfo=tokyo)
        created = await backend.create_event(
            NewEvent("Tokyo call", start, start + timedelta(hours=1), "Asia/Tokyo")
        )
        listed = await backend.list_events(start - timedelta(hours=1), start + timedelta(hours=2))
        assert [e.id for e in listed] == [created.id]
        assert listed[0].start == start
        assert listed[0].timezone == "Asia/Tokyo"

    async def test_update_moves_and_keeps_length(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = date(2027, 2, 8)
        created = await backend.create_event(
            NewEvent("Review", at(tz, day, 10), at(tz, day, 11, 30), str(tz))
        )
        moved = await backend.update_event(created.id, EventPatch(start=at(tz, day, 14)))
        assert (moved.start, moved.end) == (at(tz, day, 14), at(tz, day, 15, 30))
        assert moved.version > created.version
        renamed = await backend.update_event(created.id, EventPatch(title="Design review"))
        fetched = await backend.get_event(created.id)
        assert fetched is not None
        assert fetched.title == renamed.title == "Design review"
        assert (fetched.start, fetched.end) == (at(tz, day, 14), at(tz, day, 15, 30))

    async def test_update_with_end_before_start_changes_nothing(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = date(2027, 2, 9)
        created = await backend.create_event(
            NewEvent("Review", at(tz, day, 10), at(tz, day, 11), str(tz))
        )
        with pytest.raises(ValueError, match="end"):
            await backend.update_event(created.id, EventPatch(end=at(tz, day, 9)))
        assert await backend.get_event(created.id) == created

    async def test_delete_removes(self, backend: CalendarBackend, tz: ZoneInfo) -> None:
        day = date(2027, 2, 10)
        created = await backend.create_event(
            NewEvent("Lunch", at(tz, day, 13), at(tz, day, 14), str(tz))
        )
        await backend.delete_event(created.id)
        assert await backend.get_event(created.id) is None
        assert await backend.list_events(midnight(tz, day), midnight(tz, day + timedelta(1))) == []

    async def test_naive_range_is_refused(self, backend: CalendarBackend) -> None:
        with pytest.raises(ValueError, match="aware"):
            await backend.list_events(datetime(2027, 1, 1), datetime(2027, 1, 2))

    # ------------------------------------------------------------ all-day

    async def test_all_day_event_covers_its_local_day_only(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = DST_SUNDAY[str(tz)]  # a 23-hour day
        created = await backend.create_event(
            NewEvent("Hike", midnight(tz, day), midnight(tz, day + timedelta(1)), str(tz), True)
        )
        assert created.all_day
        assert elapsed(created) == timedelta(hours=23)
        same_day = await backend.list_events(at(tz, day, 12), at(tz, day, 13))
        assert [e.id for e in same_day] == [created.id]
        assert same_day[0].all_day
        next_day = day + timedelta(1)
        assert await backend.list_events(midnight(tz, next_day), at(tz, next_day, 23)) == []
        before = day - timedelta(1)
        assert await backend.list_events(midnight(tz, before), midnight(tz, day)) == []

    async def test_all_day_series_stays_on_whole_days(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        first = DST_SUNDAY[str(tz)] - timedelta(days=14)
        await backend.create_event(
            NewEvent(
                "Family day",
                midnight(tz, first),
                midnight(tz, first + timedelta(1)),
                str(tz),
                all_day=True,
                rrule="FREQ=WEEKLY;COUNT=4",
            )
        )
        listed = await backend.list_events(midnight(tz, first), midnight(tz, first + timedelta(35)))
        assert [e.start.date() for e in listed] == [first + timedelta(7 * i) for i in range(4)]
        for event in listed:
            assert event.all_day
            assert event.start.astimezone(tz).time() == time(0)
            assert event.end.astimezone(tz).time() == time(0)
            assert (event.end.date() - event.start.date()).days == 1

    # ------------------------------------------------------------ series

    async def _weekly(
        self, backend: CalendarBackend, tz: ZoneInfo, rule: str = "FREQ=WEEKLY;BYDAY=MO"
    ) -> Event:
        monday = first_monday(tz)
        return await backend.create_event(
            NewEvent("Standup", at(tz, monday, 10), at(tz, monday, 10, 30), str(tz), rrule=rule)
        )

    def _weeks(self, tz: ZoneInfo, count: int = 6) -> tuple[datetime, datetime]:
        monday = first_monday(tz)
        return midnight(tz, monday), midnight(tz, monday + timedelta(weeks=count))

    async def test_weekly_series_keeps_wall_clock_time_across_dst(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        assert len(listed) == 6
        monday = first_monday(tz)
        for week, event in enumerate(listed):
            expected = at(tz, monday + timedelta(weeks=week), 10)
            assert event.id == series.id
            assert event.start == expected
            assert event.start.astimezone(tz).time() == time(10)
            assert elapsed(event) == timedelta(minutes=30)
            assert event.recurrence_id == expected
            assert event.is_recurring
        offsets = {e.start.astimezone(tz).utcoffset() for e in listed}
        assert len(offsets) == 2  # the same 10:00 on both sides of the change

    async def test_master_is_returned_by_get(self, backend: CalendarBackend, tz: ZoneInfo) -> None:
        series = await self._weekly(backend, tz)
        master = await backend.get_event(series.id)
        assert master is not None
        assert master.rrule is not None
        assert "FREQ=WEEKLY" in master.rrule
        assert master.start == at(tz, first_monday(tz), 10)

    async def test_count_and_until_end_the_series(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        await self._weekly(backend, tz, "FREQ=WEEKLY;BYDAY=MO;COUNT=3")
        assert len(await backend.list_events(*self._weeks(tz, 10))) == 3
        until = first_monday(tz) + timedelta(weeks=1)
        other = await backend.create_event(
            NewEvent(
                "Sync",
                at(tz, first_monday(tz), 15),
                at(tz, first_monday(tz), 16),
                str(tz),
                rrule=f"FREQ=DAILY;UNTIL={until:%Y%m%d}",
            )
        )
        days = [e for e in await backend.list_events(*self._weeks(tz, 10)) if e.id == other.id]
        assert [e.start.date() for e in days] == [
            first_monday(tz) + timedelta(days=i) for i in range(8)
        ]

    async def test_a_window_inside_an_occurrence_finds_it(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        monday = first_monday(tz) + timedelta(weeks=3)
        listed = await backend.list_events(at(tz, monday, 10, 10), at(tz, monday, 10, 20))
        assert [(e.id, e.start) for e in listed] == [(series.id, at(tz, monday, 10))]

    async def test_update_this_occurrence_only(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        target = listed[2]
        assert target.recurrence_id is not None
        changed = await backend.update_event(
            series.id,
            EventPatch(title="Planning", start=target.start + timedelta(hours=2)),
            scope=Scope.THIS,
            occurrence=target.recurrence_id,
        )
        assert changed.title == "Planning"
        after = await backend.list_events(*self._weeks(tz))
        assert len(after) == 6
        titles = [e.title for e in after]
        assert titles.count("Planning") == 1
        moved = next(e for e in after if e.title == "Planning")
        assert moved.start == target.start + timedelta(hours=2)
        assert moved.recurrence_id == target.recurrence_id
        assert moved.id == series.id
        untouched = [e for e in after if e.title == "Standup"]
        assert all(e.start.astimezone(tz).time() == time(10) for e in untouched)
        master = await backend.get_event(series.id)
        assert master is not None
        assert master.title == "Standup"

    async def test_delete_this_occurrence_only(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        gone = listed[3]
        assert gone.recurrence_id is not None
        await backend.delete_event(series.id, scope=Scope.THIS, occurrence=gone.recurrence_id)
        after = await backend.list_events(*self._weeks(tz))
        assert [e.start for e in after] == [e.start for e in listed if e.start != gone.start]

    async def test_delete_this_on_a_changed_occurrence_removes_it(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        target = listed[1].recurrence_id
        assert target is not None
        await backend.update_event(
            series.id,
            EventPatch(title="Moved", start=listed[1].start + timedelta(days=1)),
            scope=Scope.THIS,
            occurrence=target,
        )
        await backend.delete_event(series.id, scope=Scope.THIS, occurrence=target)
        after = await backend.list_events(*self._weeks(tz))
        assert len(after) == 5
        assert "Moved" not in {e.title for e in after}
        assert target not in {e.recurrence_id for e in after}

    async def test_moving_an_all_day_event_keeps_it_all_day(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = DST_SUNDAY[str(tz)] - timedelta(days=1)
        created = await backend.create_event(
            NewEvent("Trip", midnight(tz, day), midnight(tz, day + timedelta(2)), str(tz), True)
        )
        moved = await backend.update_event(
            created.id, EventPatch(start=midnight(tz, day + timedelta(7)))
        )
        assert moved.all_day
        assert (moved.start, moved.end) == (
            midnight(tz, day + timedelta(7)),
            midnight(tz, day + timedelta(9)),
        )

    async def test_update_this_and_following_splits(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        pivot = listed[2]
        assert pivot.recurrence_id is not None
        new_start = pivot.start + timedelta(hours=1)
        result = await backend.update_event(
            series.id,
            EventPatch(start=new_start, title="Late standup"),
            scope=Scope.FOLLOWING,
            occurrence=pivot.recurrence_id,
        )
        assert result.start == new_start
        after = await backend.list_events(*self._weeks(tz))
        assert shape(after[:2]) == shape(listed[:2])
        assert [e.title for e in after[2:]] == ["Late standup"] * 4
        assert all(e.start.astimezone(tz).time() == time(11) for e in after[2:])
        assert all(elapsed(e) == timedelta(minutes=30) for e in after)

    async def test_delete_this_and_following(self, backend: CalendarBackend, tz: ZoneInfo) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        pivot = listed[3]
        assert pivot.recurrence_id is not None
        await backend.delete_event(series.id, scope=Scope.FOLLOWING, occurrence=pivot.recurrence_id)
        after = await backend.list_events(*self._weeks(tz, 12))
        assert shape(after) == shape(listed[:3])

    async def test_update_all_moves_every_occurrence_on_the_wall_clock(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        monday = first_monday(tz)
        await backend.update_event(
            series.id, EventPatch(start=at(tz, monday, 9), title="Early standup")
        )
        after = await backend.list_events(*self._weeks(tz))
        assert len(after) == 6
        assert {e.start.astimezone(tz).time() for e in after} == {time(9)}
        assert {e.title for e in after} == {"Early standup"}

    async def test_delete_all_removes_the_series(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        await backend.delete_event(series.id, scope=Scope.ALL)
        assert await backend.list_events(*self._weeks(tz)) == []
        assert await backend.get_event(series.id) is None

    # ------------------------------------------------------------ versions

    async def test_stale_version_is_refused_with_the_current_state(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = date(2027, 2, 15)
        created = await backend.create_event(
            NewEvent("Call", at(tz, day, 10), at(tz, day, 11), str(tz))
        )
        first = await backend.update_event(
            created.id, EventPatch(title="Call with Ivan"), expected_version=created.version
        )
        with pytest.raises(VersionConflict) as caught:
            await backend.update_event(
                created.id, EventPatch(title="Call with Anna"), expected_version=created.version
            )
        assert caught.value.current.title == "Call with Ivan"
        assert caught.value.current.version == first.version
        with pytest.raises(VersionConflict):
            await backend.delete_event(created.id, expected_version=created.version)
        still = await backend.get_event(created.id)
        assert still is not None
        assert still.title == "Call with Ivan"
        await backend.delete_event(created.id, expected_version=first.version)
        assert await backend.get_event(created.id) is None

    async def test_series_changes_bump_the_version(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        occurrence = (await backend.list_events(*self._weeks(tz)))[1].recurrence_id
        assert occurrence is not None
        await backend.delete_event(
            series.id, scope=Scope.THIS, occurrence=occurrence, expected_version=series.version
        )
        with pytest.raises(VersionConflict):
            await backend.update_event(
                series.id, EventPatch(title="x"), expected_version=series.version
            )

    # ------------------------------------------------------------ free/busy

    async def test_free_busy_merges_and_clips(self, backend: CalendarBackend, tz: ZoneInfo) -> None:
        day = date(2027, 2, 17)
        for start, end in ((9, 11), (10, 12), (14, 15), (15, 16), (20, 23)):
            await backend.create_event(
                NewEvent("Busy", at(tz, day, start), at(tz, day, end), str(tz))
            )
        busy = await backend.free_busy(at(tz, day, 8), at(tz, day, 21))
        assert busy == [
            Interval(at(tz, day, 9), at(tz, day, 12)),
            Interval(at(tz, day, 14), at(tz, day, 16)),
            Interval(at(tz, day, 20), at(tz, day, 21)),
        ]

    async def test_free_busy_includes_series_occurrences(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        await self._weekly(backend, tz)
        busy = await backend.free_busy(*self._weeks(tz, 2))
        monday = first_monday(tz)
        assert busy == [
            Interval(
                at(tz, monday + timedelta(weeks=w), 10), at(tz, monday + timedelta(weeks=w), 10, 30)
            )
            for w in range(2)
        ]

    # ------------------------------------------------------------ undo snapshots

    async def test_restore_undoes_an_update(self, backend: CalendarBackend, tz: ZoneInfo) -> None:
        day = date(2027, 2, 18)
        created = await backend.create_event(
            NewEvent("Call", at(tz, day, 10), at(tz, day, 11), str(tz), location="Zoom")
        )
        before = await backend.snapshot(created.id)
        await backend.update_event(created.id, EventPatch(title="Other", start=at(tz, day, 15)))
        await backend.restore(created.id, before)
        assert await backend.snapshot(created.id) == before
        assert await backend.get_event(created.id) == before[0]

    async def test_restore_brings_back_a_deleted_event(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = date(2027, 2, 19)
        created = await backend.create_event(
            NewEvent("Call", at(tz, day, 10), at(tz, day, 11), str(tz))
        )
        before = await backend.snapshot(created.id)
        await backend.delete_event(created.id)
        assert await backend.snapshot(created.id) == []
        await backend.restore(created.id, before)
        listed = await backend.list_events(midnight(tz, day), midnight(tz, day + timedelta(1)))
        assert shape(listed) == [("Call", at(tz, day, 10), at(tz, day, 11))]

    async def test_restore_of_empty_snapshot_undoes_a_create(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        day = date(2027, 2, 22)
        created = await backend.create_event(
            NewEvent("Call", at(tz, day, 10), at(tz, day, 11), str(tz))
        )
        await backend.restore(created.id, [])
        assert await backend.get_event(created.id) is None

    async def test_restore_brings_back_a_deleted_series_exactly(
        self, backend: CalendarBackend, tz: ZoneInfo
    ) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        assert listed[1].recurrence_id is not None
        assert listed[4].recurrence_id is not None
        await backend.update_event(
            series.id,
            EventPatch(title="Retro", start=listed[1].start + timedelta(hours=4)),
            scope=Scope.THIS,
            occurrence=listed[1].recurrence_id,
        )
        await backend.delete_event(series.id, scope=Scope.THIS, occurrence=listed[4].recurrence_id)
        before_list = await backend.list_events(*self._weeks(tz))
        before = await backend.snapshot(series.id)
        await backend.delete_event(series.id, scope=Scope.ALL)
        await backend.restore(series.id, before)
        assert await backend.snapshot(series.id) == before
        after_list = await backend.list_events(*self._weeks(tz))
        assert shape(after_list) == shape(before_list)
        assert [e.recurrence_id for e in after_list] == [e.recurrence_id for e in before_list]

    async def test_restore_undoes_a_split(self, backend: CalendarBackend, tz: ZoneInfo) -> None:
        series = await self._weekly(backend, tz)
        listed = await backend.list_events(*self._weeks(tz))
        pivot = listed[3].recurrence_id
        assert pivot is not None
        before = await backend.snapshot(series.id)
        tail = await backend.update_event(
            series.id, EventPatch(title="New"), scope=Scope.FOLLOWING, occurrence=pivot
        )
        if tail.id != series.id:
            await backend.restore(tail.id, [])
        await backend.restore(series.id, before)
        assert shape(await backend.list_events(*self._weeks(tz))) == shape(listed)
