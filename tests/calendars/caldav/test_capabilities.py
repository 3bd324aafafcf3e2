"""Capabilities read from a real Radicale whose rights file (`type = from_file`) shares
frank's calendar with erin read-only: erin's writes are refused before anything is sent,
and the calendar stays as frank left it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from calendar_assistant.calendars.accounts.combined import CombinedCalendar
from calendar_assistant.calendars.base import (
    Capabilities,
    ReadOnlyCalendar,
    capabilities_of,
)
from calendar_assistant.calendars.caldav import CalDavCalendar, discover_calendars
from calendar_assistant.calendars.local import LocalCalendar
from calendar_assistant.domain.events import Event, EventPatch
from calendar_assistant.storage.database import Database
from support import make_user

from ..read_only_dialogue import (
    NOW,
    PLANNING,
    READ_ONLY_REPLY,
    ask,
    ask_read_only,
    confirmed,
    create_in,
)
from .conftest import RadicaleServer, start_radicale

#: Everyone owns their own calendars; erin may only read frank's calendar "shared".
RIGHTS = """\
[root]
user: .+
collection:
permissions: R
[principal]
user: .+
collection: {user}
permissions: RW
[erin-reads-franks-shared]
user: erin
collection: frank/shared
permissions: r
[own-calendars]
user: .+
collection: {user}/[^/]+
permissions: rw
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    with start_radicale(tmp_path_factory.mktemp("radicale-rights"), RIGHTS) as started:
        yield started


@pytest.fixture(scope="module")
def shared_url(server: RadicaleServer) -> str:
    principal = server.client("frank").principal()
    return str(principal.make_calendar(name="Shared", cal_id="shared").url)


def _open(server: RadicaleServer, user: str, url: str) -> CalDavCalendar:
    return CalDavCalendar.at_url(
        server.client(user), url, timezone="Europe/Moscow", calendar_id=f"dav:{user}"
    )


@pytest.fixture
async def planning(server: RadicaleServer, shared_url: str) -> Event:
    """PLANNING put in the shared calendar by its owner, alone there."""
    frank = _open(server, "frank", shared_url)
    for event in await frank.list_events(NOW, NOW + timedelta(days=7)):
        await frank.delete_event(event.id)
    return await frank.create_event(PLANNING)


@pytest.fixture
async def local(database: Database) -> LocalCalendar:
    """Anna's own calendar in the database: writable, empty."""
    return LocalCalendar(database, await make_user(database, "test:anna"))


def _combined(
    server: RadicaleServer, shared_url: str, local: LocalCalendar, default: str
) -> CombinedCalendar:
    """Anna's local calendar beside erin's read-only view of frank's shared calendar."""
    shared = _open(server, "erin", shared_url)
    return CombinedCalendar({"local": local, "dav:erin": shared}, default=default)


async def _as_frank_sees(server: RadicaleServer, url: str) -> list[Event]:
    return await _open(server, "frank", url).list_events(NOW, NOW + timedelta(days=7))


async def test_capabilities_follow_the_rights(server: RadicaleServer, shared_url: str) -> None:
    own = server.client("erin").principal().make_calendar(name="Mine")
    tasks = (
        server.client("erin")
        .principal()
        .make_calendar(name="Tasks", supported_calendar_component_set=["VTODO"])
    )
    shared = _open(server, "erin", shared_url)
    assert shared.capabilities == Capabilities()  # not asked yet: the optimistic default
    assert (await capabilities_of(shared)).read_only
    assert shared.capabilities.read_only
    assert not shared.capabilities.recurrence
    assert await capabilities_of(_open(server, "erin", str(own.url))) == Capabilities()
    assert await capabilities_of(_open(server, "frank", shared_url)) == Capabilities()
    # A collection for tasks only takes no events: nothing is written there, and it is not
    # offered when calendars are discovered (connecting, /calendars).
    assert (await capabilities_of(_open(server, "erin", str(tasks.url)))).read_only
    found = {c.url for c in await discover_calendars(server.client("erin"))}
    assert str(own.url) in found
    assert str(tasks.url) not in found


async def test_every_write_is_refused_and_nothing_changes(
    server: RadicaleServer, shared_url: str, planning: Event
) -> None:
    erin = _open(server, "erin", shared_url)
    before = await _as_frank_sees(server, shared_url)
    assert [e.title for e in await erin.list_events(NOW, NOW + timedelta(days=7))] == ["Планёрка"]
    with pytest.raises(ReadOnlyCalendar):
        await erin.create_event(PLANNING)
    with pytest.raises(ReadOnlyCalendar):
        await erin.update_event(planning.id, EventPatch(title="Моя"))
    with pytest.raises(ReadOnlyCalendar):
        await erin.delete_event(planning.id)
    with pytest.raises(ReadOnlyCalendar):
        await erin.restore(planning.id, [])
    assert await _as_frank_sees(server, shared_url) == before


async def test_the_chat_answers_read_only(
    database: Database,
    tmp_path: Path,
    server: RadicaleServer,
    shared_url: str,
    planning: Event,
) -> None:
    before = await _as_frank_sees(server, shared_url)
    await ask_read_only(database, tmp_path, lambda: _open(server, "erin", shared_url))
    assert await _as_frank_sees(server, shared_url) == before == [planning]
    own = server.client("erin").principal().make_calendar(name="Writable")
    writable = _open(server, "erin", str(own.url))
    await create_in(database, tmp_path, writable)
    found = await writable.list_events(NOW, NOW + timedelta(days=2))
    assert [e.title for e in found] == ["Обед с Машей"]


async def test_combined_with_a_read_only_default_refuses(
    database: Database,
    tmp_path: Path,
    server: RadicaleServer,
    shared_url: str,
    planning: Event,
    local: LocalCalendar,
) -> None:
    await ask_read_only(
        database, tmp_path, lambda: _combined(server, shared_url, local, default="dav:erin")
    )
    assert await _as_frank_sees(server, shared_url) == [planning]
    assert await local.list_events(NOW, NOW + timedelta(days=7)) == []


async def test_combined_refuses_a_change_in_its_read_only_member(
    database: Database,
    tmp_path: Path,
    server: RadicaleServer,
    shared_url: str,
    planning: Event,
    local: LocalCalendar,
) -> None:
    """New events go to the writable default; the shared event still cannot be changed."""
    combined = _combined(server, shared_url, local, default="local")
    assert not (await capabilities_of(combined)).read_only
    await create_in(database, tmp_path, combined)
    moved = await ask(database, tmp_path, combined, "Перенеси планёрку завтра на 12")
    assert READ_ONLY_REPLY in moved, moved
    with pytest.raises(ReadOnlyCalendar):
        await combined.update_event(planning.id, EventPatch(title="Моя"))
    assert await _as_frank_sees(server, shared_url) == [planning]


async def test_a_bulk_delete_touching_a_read_only_member_changes_nothing(
    database: Database,
    tmp_path: Path,
    server: RadicaleServer,
    shared_url: str,
    planning: Event,
    local: LocalCalendar,
) -> None:
    """All or nothing: the own event (at 8, so deleted first) is put back, the shared one
    was never sent, and the reply says why."""
    combined = _combined(server, shared_url, local, default="local")
    await create_in(database, tmp_path, combined, "Завтрак с Машей завтра в 8")
    mine = await local.list_events(NOW, NOW + timedelta(days=2))
    answer = await confirmed(database, tmp_path, combined, "Удали все встречи завтра")
    assert READ_ONLY_REPLY in answer, answer
    assert [e.title for e in mine] == ["Завтрак с Машей"]
    assert await local.list_events(NOW, NOW + timedelta(days=2)) == mine
    assert await _as_frank_sees(server, shared_url) == [planning]
