"""Capabilities from the calendar's accessRole, through google-api-python-client and the
fake Google server: a calendar shared read-only is never written, and the chat says why."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from calendar_assistant.calendars.accounts.credentials import CredentialCipher, generate_key
from calendar_assistant.calendars.accounts.registry import CalendarRegistry
from calendar_assistant.calendars.accounts.store import AccountStore
from calendar_assistant.calendars.base import Capabilities, ReadOnlyCalendar, capabilities_of
from calendar_assistant.calendars.google import GoogleApi, GoogleCalendar, GoogleClientConfig
from calendar_assistant.domain.events import Event, EventPatch
from calendar_assistant.domain.intervals import Interval
from calendar_assistant.storage.database import Database
from calendar_assistant.storage.users import UserRepository
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import FakeGoogleOAuth

from ..read_only_dialogue import ANNA, NOW, PLANNING, ask_read_only, create_in
from .conftest import grant

SHARED = "team@group.calendar.google.com"
WEEK = (NOW, NOW + timedelta(days=7))


def _open(api: GoogleApi, gid: str = SHARED) -> GoogleCalendar:
    return GoogleCalendar(api, gid, timezone="Europe/Moscow", calendar_id=f"google:{gid}")


async def _shared_with_planning(google: FakeGoogleCalendar, api: GoogleApi, role: str) -> Event:
    """The owner's calendar with PLANNING in it, then shared with the user as `role`."""
    google.add_calendar(SHARED, "Team", "Europe/Moscow")
    planning = await _open(api).create_event(PLANNING)
    google.share(SHARED, role)
    google.requests.clear()
    return planning


@pytest.mark.parametrize(
    ("role", "read_only"),
    [("owner", False), ("writer", False), ("reader", True), ("freeBusyReader", True)],
)
async def test_the_access_role_decides(
    google: FakeGoogleCalendar, api: GoogleApi, role: str, read_only: bool
) -> None:
    google.add_calendar(SHARED, "Team", "Europe/Moscow", access_role=role)
    calendar = _open(api)
    assert calendar.capabilities == Capabilities()  # not asked yet: the optimistic default
    assert (await capabilities_of(calendar)).read_only is read_only
    assert calendar.capabilities.read_only is read_only
    assert (await capabilities_of(calendar)).free_busy
    asked = [p for _m, p in google.requests if "/calendarList/" in p]
    assert len(asked) == 1  # read once per backend instance


async def test_a_calendar_missing_from_the_list_is_taken_as_writable(
    google: FakeGoogleCalendar, api: GoogleApi
) -> None:
    assert await capabilities_of(_open(api, "nobody@example.org")) == Capabilities()


async def test_every_write_to_a_reader_calendar_is_refused_unsent(
    google: FakeGoogleCalendar, api: GoogleApi
) -> None:
    planning = await _shared_with_planning(google, api, "reader")
    before = google.stored(SHARED)
    calendar = _open(api)
    assert [e.title for e in await calendar.list_events(*WEEK)] == ["Планёрка"]
    with pytest.raises(ReadOnlyCalendar):
        await calendar.create_event(PLANNING)
    with pytest.raises(ReadOnlyCalendar):
        await calendar.update_event(planning.id, EventPatch(title="Моя"))
    with pytest.raises(ReadOnlyCalendar):
        await calendar.delete_event(planning.id)
    with pytest.raises(ReadOnlyCalendar):
        await calendar.restore(planning.id, [])
    assert google.writes() == []
    assert google.stored(SHARED) == before


async def test_a_calendar_shared_read_only_meanwhile_is_refused_by_google(
    google: FakeGoogleCalendar, api: GoogleApi
) -> None:
    """The role was read as writer; the owner then made it read-only. Google's 403
    `requiredAccessLevel` gives the same refusal, and the next write is not even sent."""
    planning = await _shared_with_planning(google, api, "writer")
    calendar = _open(api)
    assert not (await capabilities_of(calendar)).read_only
    google.share(SHARED, "reader")
    before = google.stored(SHARED)
    with pytest.raises(ReadOnlyCalendar):
        await calendar.delete_event(planning.id)
    assert calendar.capabilities.read_only
    sent = len(google.writes())
    with pytest.raises(ReadOnlyCalendar):
        await calendar.create_event(PLANNING)
    assert len(google.writes()) == sent == 1
    assert google.stored(SHARED) == before


async def test_a_free_busy_reader_gives_busy_time_and_no_events(
    google: FakeGoogleCalendar, api: GoogleApi
) -> None:
    planning = await _shared_with_planning(google, api, "freeBusyReader")
    calendar = _open(api)
    assert await calendar.list_events(*WEEK) == []
    assert await calendar.get_event(planning.id) is None
    assert await calendar.free_busy(*WEEK) == [Interval(planning.start, planning.end)]
    assert not [p for _m, p in google.requests if "/events" in p]  # titles are not asked


async def test_the_chat_answers_read_only_and_sends_no_write(
    database: Database, tmp_path: Path, google: FakeGoogleCalendar, api: GoogleApi
) -> None:
    await _shared_with_planning(google, api, "reader")
    before = google.stored(SHARED)
    await ask_read_only(database, tmp_path, lambda: _open(api))
    assert google.writes() == []
    assert google.stored(SHARED) == before
    google.share(SHARED, "writer")
    await create_in(database, tmp_path, _open(api))
    assert [e.title for e in await _open(api).list_events(*WEEK)] == ["Планёрка", "Обед с Машей"]


async def test_a_users_calendar_whose_default_is_read_only_refuses(
    database: Database,
    tmp_path: Path,
    google: FakeGoogleCalendar,
    google_oauth: FakeGoogleOAuth,
    client_config: GoogleClientConfig,
    api: GoogleApi,
) -> None:
    """Through the registry, as the server runs it: the user's calendar is resolved per
    message and combines the local one with the account's calendars; new events go to the
    shared calendar, which the user may only read, so the chat refuses and Google gets no
    write. With the own calendar chosen for new events, they are written there."""
    own = "anna@example.org"
    google.add_calendar(own, "Anna", "Europe/Moscow", primary=True)
    await _shared_with_planning(google, api, "reader")
    store = AccountStore(database, CredentialCipher([generate_key()]))
    user = await UserRepository(database).get_or_create(ANNA.key)
    account = await store.add(
        user.id,
        "google",
        label=own,
        secret=grant(google_oauth),
        calendars=[own, SHARED],
        default_calendar=SHARED,
        make_default=True,
    )
    registry = CalendarRegistry(database, store, google=client_config)
    await ask_read_only(database, tmp_path, lambda: registry.calendar(user.id))
    assert google.writes() == []
    await store.choose_calendars(user.id, account.id, [own, SHARED], own)
    await create_in(database, tmp_path, registry.calendar(user.id))
    assert [e.title for e in await _open(api, own).list_events(*WEEK)] == ["Обед с Машей"]
