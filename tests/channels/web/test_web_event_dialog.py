"""The calendar's event dialog through the real server app: POST
/api/calendar/events/{event_id}/change builds a typed command for exactly that event and
runs it as a turn of the user's web chat (same questions, confirmations and undo), and
GET /api/calendar/version changes when the calendar changes anywhere (Telegram included).

Two events share a title on purpose: only the id can tell them apart, so a change that
found its event by title would ask "which one?" or touch the wrong one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from calendar_assistant.config import Settings
from calendar_assistant.domain.events import NewEvent
from calendar_assistant.domain.messages import UserRef
from channels.web.test_web_calendar import _at, _store, _week
from fakes.telegram import FakeTelegram
from support import BERLIN


def _sync(day: int, hour: int = 9) -> NewEvent:
    return NewEvent("Sync", *_at(day, hour), timezone="Europe/Berlin")


async def _change(http: httpx.AsyncClient, event_id: str, **body: Any) -> httpx.Response:
    return await http.post(f"/api/calendar/events/{event_id}/change", json=body)


def _said(answer: httpx.Response) -> str:
    assert answer.status_code == 200, answer.text
    return "\n".join(r["text"] for r in answer.json()["replies"])


async def _times(http: httpx.AsyncClient) -> list[tuple[object, object]]:
    return sorted((e["title"], e["start"]) for e in await _week(http))  # type: ignore[type-var]


async def test_each_action_changes_exactly_that_event(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    first = await _store(app, 801, _sync(25))
    second = await _store(app, 801, _sync(26))

    moved = _said(await _change(alice, first.id, action="move", start="2026-11-27T10:30"))
    assert "Sync" in moved
    assert await _times(alice) == [
        ("Sync", "2026-11-26T09:00:00+01:00"),
        ("Sync", "2026-11-27T10:30:00+01:00"),
    ]
    renamed = _said(await _change(alice, second.id, action="rename", title="Retro"))
    assert "Retro" in renamed
    assert await _times(alice) == [
        ("Retro", "2026-11-26T09:00:00+01:00"),
        ("Sync", "2026-11-27T10:30:00+01:00"),
    ]
    # an offset given is honoured (09:00 UTC is 10:00 in Berlin)
    _said(await _change(alice, second.id, action="move", start="2026-11-26T09:00:00+00:00"))
    assert ("Retro", "2026-11-26T10:00:00+01:00") in await _times(alice)

    reminded = await _change(alice, first.id, action="remind", minutes_before=30)
    assert "Sync" in _said(reminded)
    services = app.state.services
    record = await services.front.desk.user(UserRef(key="telegram:801"))
    reminders = await services.runtime.assistant.reminders.list_for_user(record.id)
    assert [(r.event_id, r.minutes_before, r.due) for r in reminders] == [
        (first.id, 30, datetime(2026, 11, 27, 10, 0, tzinfo=BERLIN))
    ]


async def test_delete_asks_first_and_only_the_confirmation_deletes(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    first = await _store(app, 801, _sync(25))
    await _store(app, 801, _sync(26))
    asked = await _change(alice, first.id, action="delete")
    assert asked.status_code == 200
    replies = asked.json()["replies"]
    buttons = [b for row in replies[-1]["buttons"] for b in row]
    assert len(buttons) >= 2, replies  # yes and no, as the chat asks
    assert len(await _week(alice)) == 2  # nothing deleted yet
    # "No" keeps it; asking again and pressing "yes" deletes exactly that one.
    no = await alice.post("/api/chat", json={"button": buttons[-1]["payload"]})
    assert no.status_code == 200
    assert len(await _week(alice)) == 2
    again = (await _change(alice, first.id, action="delete")).json()["replies"]
    yes = next(b for row in again[-1]["buttons"] for b in row)
    done = await alice.post("/api/chat", json={"button": yes["payload"]})
    assert "Sync" in _said(done)
    assert await _times(alice) == [("Sync", "2026-11-26T09:00:00+01:00")]


async def test_undo_in_the_chat_takes_a_dialog_move_back(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    first = await _store(app, 801, _sync(25))
    _said(await _change(alice, first.id, action="move", start="2026-11-28T15:00"))
    assert await _times(alice) == [("Sync", "2026-11-28T15:00:00+01:00")]
    undone = await alice.post("/api/chat", json={"text": "undo"})
    assert undone.status_code == 200
    assert await _times(alice) == [("Sync", "2026-11-25T09:00:00+01:00")]


async def test_one_occurrence_of_a_series_is_asked_about_and_moved(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    start, end = _at(2, 8, 30)  # Mondays at 08:00 since 2 November
    series = await _store(
        app, 801, NewEvent("Stand-up", start, end, "Europe/Berlin", rrule="FREQ=WEEKLY")
    )
    shown = await _week(alice)
    assert shown[0]["occurrence"] == "2026-11-23T08:00:00+01:00"
    asked = await _change(
        alice,
        series.id,
        action="move",
        start="2026-11-24T16:00",
        occurrence=str(shown[0]["occurrence"]),
    )
    question = asked.json()["replies"][-1]
    assert question["buttons"], question  # this one, the following, or all: as in the chat
    this_one = question["buttons"][0][0]["payload"]
    assert (await alice.post("/api/chat", json={"button": this_one})).status_code == 200
    assert await _times(alice) == [("Stand-up", "2026-11-24T16:00:00+01:00")]
    # The next week's occurrence stays where it was.
    answer = await alice.get(
        "/api/calendar/events",
        params={"start": "2026-11-30T00:00:00+01:00", "end": "2026-12-07T00:00:00+01:00"},
    )
    assert [e["start"] for e in answer.json()["events"]] == ["2026-11-30T08:00:00+01:00"]
    # A series without its occurrence named is not guessed at.
    whole = await _change(alice, series.id, action="move", start="2026-11-25T09:00")
    assert whole.status_code == 404


async def test_another_users_event_is_not_found_and_stays(
    app: FastAPI, alice: httpx.AsyncClient, bob: httpx.AsyncClient
) -> None:
    hers = await _store(app, 801, _sync(25))
    before = await _times(alice)
    for body in (
        {"action": "delete"},
        {"action": "move", "start": "2026-11-27T10:00"},
        {"action": "rename", "title": "Mine now"},
        {"action": "remind", "minutes_before": 5},
    ):
        answer = await _change(bob, hers.id, **body)
        assert answer.status_code == 404, answer.text
        assert "Sync" not in answer.text
    assert (await _change(bob, "no-such-event", action="delete")).status_code == 404
    assert await _times(alice) == before
    assert await _week(bob) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"action": "explode"},
        {"action": "move"},
        {"action": "move", "start": "tomorrow at ten"},
        {"action": "move", "start": "2026-11-27T10:00", "title": "also this"},
        {"action": "rename"},
        {"action": "rename", "title": "   "},
        {"action": "rename", "title": "x" * 1001},
        {"action": "remind"},
        {"action": "remind", "minutes_before": -5},
        {"action": "remind", "minutes_before": "soon"},
        {"action": "delete", "minutes_before": 5},
        {"action": "delete", "user": "telegram:802"},
        {"action": "delete", "occurrence": "2026-11-25T09:00"},
        {"action": "delete", "occurrence": "not a time"},
    ],
)
async def test_bad_bodies_are_refused_and_change_nothing(
    app: FastAPI, alice: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    first = await _store(app, 801, _sync(25))
    answer = await _change(alice, first.id, **body)
    assert answer.status_code == 400, answer.text
    assert await _times(alice) == [("Sync", "2026-11-25T09:00:00+01:00")]
    raw = await alice.post(
        f"/api/calendar/events/{first.id}/change",
        content=b"action=delete",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert raw.status_code == 400
    assert await _times(alice) == [("Sync", "2026-11-25T09:00:00+01:00")]


async def test_a_title_with_markup_stays_text(app: FastAPI, alice: httpx.AsyncClient) -> None:
    first = await _store(app, 801, _sync(25))
    title = "<script>alert(1)</script> & <b>x</b>"
    answer = await _change(alice, first.id, action="rename", title=title)
    assert title in _said(answer)
    assert await _times(alice) == [(title, "2026-11-25T09:00:00+01:00")]
    assert answer.headers["content-type"].startswith("application/json")


async def test_the_version_changes_with_the_calendar_wherever_it_changed(
    app: FastAPI, alice: httpx.AsyncClient, bob: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    async def version(http: httpx.AsyncClient) -> str:
        answer = await http.get("/api/calendar/version")
        assert answer.status_code == 200
        return str(answer.json()["version"])

    empty = await version(alice)
    assert await version(alice) == empty  # nothing changed: the same stamp
    settings = await alice.get("/api/calendar/settings")
    assert settings.json()["poll_seconds"] > 0

    made = await _store(app, 801, _sync(25))  # stored directly
    stored = await version(alice)
    assert stored != empty
    # Bob's calendar is his own: Alice's stamp does not move with it.
    await _store(app, 802, _sync(26))
    assert await version(alice) == stored

    fake.send_text(801, "Dentist tomorrow at 4pm", language="en")  # in Telegram
    await fake.until(lambda: any("Dentist" in t for t in fake.texts_to(801)), what="the reply")
    by_telegram = await version(alice)
    assert by_telegram != stored

    _said(await _change(alice, made.id, action="rename", title="Retro"))
    renamed = await version(alice)
    assert renamed != by_telegram
    assert (await alice.post("/api/chat", json={"text": "undo"})).status_code == 200
    # A page that saw the rename sees a new stamp (the same as before the rename, as the
    # calendar is the same again: a page that saw neither has nothing to fetch).
    assert await version(alice) != renamed
    assert ("Sync", "2026-11-25T09:00:00+01:00") in await _times(alice)


async def test_a_rate_limited_user_is_answered_by_the_front_door(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    """The dialog goes through the chat's front door: its rate limit counts it too."""
    first = await _store(app, 801, _sync(25))
    limit = Settings.model_fields["rate_limit_per_minute"].default  # the fixture keeps it
    for _ in range(limit):
        await alice.post("/api/chat", json={"text": "what is on tomorrow?"})
    answer = await _change(alice, first.id, action="move", start="2026-11-27T10:00")
    assert "a minute" in _said(answer)
    assert await _times(alice) == [("Sync", "2026-11-25T09:00:00+01:00")]


async def test_an_all_day_event_moves_by_its_date_and_keeps_its_days(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    day = datetime(2026, 11, 24, tzinfo=BERLIN)
    offsite = await _store(
        app, 801, NewEvent("Offsite", day, day + timedelta(days=2), "Europe/Berlin", True)
    )
    _said(await _change(alice, offsite.id, action="move", start="2026-11-26T00:00"))
    [shown] = await _week(alice)
    assert (shown["start"], shown["end"], shown["all_day"]) == ("2026-11-26", "2026-11-28", True)
