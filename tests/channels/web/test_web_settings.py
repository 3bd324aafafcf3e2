"""The web settings panel's API: the signed-in user's settings and calendars, changed under
the very rules the chat uses, and nobody else's.

The real server in process with its bot polling the fake Bot API; two Telegram users sign
in through the Login Widget's answer (browsers are httpx clients). Calendars connect to a
real Radicale over HTTP (the operator's allow-list lets loopback through, as for a
self-hosted server) and to the fake Google OAuth and Calendar servers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

import support
import web_app
import web_session
from calendar_assistant.calendars.accounts.credentials import generate_key
from calendar_assistant.config import Settings
from calendar_assistant.domain.messages import UserRef
from calendars.caldav.conftest import LOOPBACK_ALLOWED, PASSWORDS, RadicaleServer
from calendars.caldav.conftest import radicale as radicale  # the real server fixture
from calendars.google.conftest import google as google  # the fake Google Calendar
from calendars.google.conftest import google_oauth as google_oauth  # and its OAuth server
from fakes.google_calendar import FakeGoogleCalendar
from fakes.google_oauth import CLIENT_ID, CLIENT_SECRET, FakeGoogleOAuth
from fakes.telegram import FakeTelegram
from web_app import ALICE, BOB


def _settings(tmp_path: Path, fake: FakeTelegram, **extra: Any) -> Settings:
    """With connected calendars on (CREDENTIALS_KEYS, a Radicale on loopback allowed)."""
    keyed: dict[str, Any] = {"credentials_keys": generate_key(), **LOOPBACK_ALLOWED}
    return web_app.settings(tmp_path, fake, **{**keyed, **extra})


@pytest.fixture
def settings(tmp_path: Path, fake: FakeTelegram) -> Settings:
    return _settings(tmp_path, fake)


async def _read(http: httpx.AsyncClient) -> dict[str, Any]:
    answer = await http.get("/api/settings")
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


async def _chat(http: httpx.AsyncClient, text: str) -> str:
    answer = await http.post("/api/chat", json={"text": text})
    assert answer.status_code == 200, answer.text
    return "\n".join(r["text"] for r in answer.json()["replies"])


async def _telegram(fake: FakeTelegram, telegram_id: int, text: str) -> str:
    """Send `text` to the bot as that user; its answer."""
    before = len(fake.texts_to(telegram_id))
    fake.send_text(telegram_id, text, language="en")
    await fake.until(lambda: len(fake.texts_to(telegram_id)) > before, what=f"the answer to {text}")
    return fake.texts_to(telegram_id)[-1]


_MUTABLE = (
    "language",
    "timezone",
    "working_hours_start",
    "working_hours_end",
    "working_days",
    "default_duration_minutes",
    "default_reminder_minutes",
    "voice_replies",
)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in _MUTABLE}


async def test_the_panel_reads_the_settings_and_the_choices(alice: httpx.AsyncClient) -> None:
    data = await _read(alice)
    assert _values(data) == {
        "language": "en",
        "timezone": "Europe/Berlin",
        "working_hours_start": "09:00",
        "working_hours_end": "18:00",
        "working_days": [1, 2, 3, 4, 5],
        "default_duration_minutes": 60,
        "default_reminder_minutes": None,
        "voice_replies": False,
    }
    assert {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"} <= set(data["zones"])
    assert "posixrules" not in data["zones"]
    assert [c["value"] for c in data["languages"]] == ["ru", "en"]
    assert data["calendars"] == [
        {"id": None, "kind": "local", "name": "The local calendar", "default": True}
    ]
    assert data["can_connect"] is True
    providers = {p["id"]: p["asks"] for p in data["providers"]}
    # No Google OAuth client on this server: Google is not offered.
    assert providers == {
        "yandex": "nothing",
        "icloud": "nothing",
        "fastmail": "nothing",
        "nextcloud": "host",
        "other": "url",
    }


async def test_each_setting_changes_and_the_chat_sees_it(
    alice: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    saved = await alice.patch(
        "/api/settings",
        json={
            "timezone": "Asia/Tokyo",
            "working_hours_start": "08:30",
            "working_hours_end": "17:00",
            "working_days": [1, 2, 3, 4, 5, 6],
            "default_duration_minutes": 45,
            "default_reminder_minutes": 10,
            "voice_replies": True,
        },
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["message"] == "Saved."
    shown = await _chat(alice, "/settings")
    assert "Time zone: Asia/Tokyo (UTC+09:00)" in shown
    assert "Working hours: 08:30–17:00, Mon, Tue, Wed, Thu, Fri, Sat" in shown
    assert "Default duration: 45 min" in shown
    assert "Default reminder: 10 min before" in shown
    assert support.says(await _telegram(fake, ALICE, "/voice"), "en", "voice.replies_on")
    # The calendar view reads the same settings (calendar.js follows them after a save).
    view = (await alice.get("/api/calendar/settings")).json()
    assert view["timezone"] == "Asia/Tokyo"
    assert view["business_hours"] == [
        {"days_of_week": [1, 2, 3, 4, 5, 6], "start_time": "08:30", "end_time": "17:00"}
    ]
    # A new event lasts the new default duration, as the chat reads it.
    assert "10:00–10:45" in await _chat(alice, "Call with Anna tomorrow at 10am")

    # Only the fields given change; the language changes the page's words too.
    russian = await alice.post("/api/settings", json={"language": "ru"})
    assert russian.json()["message"] == "Сохранено."
    assert russian.json()["calendars"][0]["name"] == "Локальный календарь"
    assert _values(russian.json()) == {**_values(saved.json()), "language": "ru"}
    assert support.says(await _chat(alice, "/settings"), "ru", "account.settings_shown")
    off = await alice.patch("/api/settings", json={"default_reminder_minutes": None})
    assert off.json()["default_reminder_minutes"] is None
    assert "Напоминание по умолчанию: нет" in await _chat(alice, "/settings")


async def test_a_change_in_the_chat_shows_in_the_panel(
    alice: httpx.AsyncClient, fake: FakeTelegram
) -> None:
    await _chat(alice, "/settings zone New York")
    await _chat(alice, "/settings hours 22-6")  # night hours: the chat allows them
    await _telegram(fake, ALICE, "/voice on")
    data = await _read(alice)
    assert data["timezone"] == "America/New_York"
    assert (data["working_hours_start"], data["working_hours_end"]) == ("22:00", "06:00")
    assert data["voice_replies"] is True
    # ...and the panel may send them back unchanged: the same rules allow what the chat set.
    again = await alice.patch("/api/settings", json=_values(data))
    assert again.status_code == 200, again.text


async def test_a_zone_the_chat_read_from_an_offset_is_offered(alice: httpx.AsyncClient) -> None:
    await _chat(alice, "/settings zone UTC+3")
    data = await _read(alice)
    assert data["timezone"] == "Etc/GMT-3"
    assert "Etc/GMT-3" in data["zones"]  # the list holds the user's own zone, whatever it is


@pytest.mark.parametrize(
    ("patch", "says"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"timezone": "../../etc/passwd"}, "unknown time zone"),
        ({"language": "de"}, "unknown language 'de'"),
        ({"working_hours_start": "10:00", "working_hours_end": "10:00"}, "same time"),
        ({"working_days": [1, 8]}, "working days are ISO weekdays 1-7"),
        ({"working_days": []}, "working days are ISO weekdays 1-7"),
        ({"default_duration_minutes": -30}, "default duration must be 1 to 1440 minutes"),
        ({"default_duration_minutes": 0}, "default duration must be 1 to 1440 minutes"),
        ({"default_reminder_minutes": -5}, "default reminder must be 0 to 10080 minutes"),
        # One bad field refuses the whole patch: the good ones are not written either.
        ({"language": "ru", "voice_replies": True, "timezone": "Nowhere"}, "unknown time zone"),
    ],
)
async def test_a_value_its_rule_refuses_is_a_400_and_nothing_changes(
    alice: httpx.AsyncClient, patch: dict[str, Any], says: str
) -> None:
    before = _values(await _read(alice))
    answer = await alice.patch("/api/settings", json=patch)
    assert answer.status_code == 400, answer.text
    assert says in answer.json()["detail"]
    assert _values(await _read(alice)) == before


async def test_the_refusal_is_in_the_users_language(alice: httpx.AsyncClient) -> None:
    await alice.patch("/api/settings", json={"language": "ru"})
    answer = await alice.patch("/api/settings", json={"default_duration_minutes": -1})
    assert answer.status_code == 400
    assert answer.json()["detail"] == "длительность по умолчанию — от 1 до 1440 минут"
    # The chat says the same rule in the same words.
    assert "Нельзя: длительность по умолчанию — от 1 до 1440 минут." in await _chat(
        alice, "/settings duration 0"
    )


async def test_malformed_bodies_are_refused(alice: httpx.AsyncClient) -> None:
    """A value of the wrong type is the app's usual 400 naming the field (hardening)."""
    before = _values(await _read(alice))
    for body in (
        {"default_duration_minutes": "long"},
        {"working_hours_start": "25:00"},
        {"colour": "blue"},  # an unknown field is not ignored silently
        {"user_id": 2, "timezone": "Asia/Tokyo"},
    ):
        answer = await alice.patch("/api/settings", json=body)
        assert answer.status_code == 400, body
        assert isinstance(answer.json()["detail"], list)
    assert _values(await _read(alice)) == before


async def test_without_a_session_or_the_csrf_token_nothing_is_read_or_changed(
    app: FastAPI, alice: httpx.AsyncClient
) -> None:
    async with web_app.browser(app) as stranger:
        assert (await stranger.get("/api/settings")).status_code == 401
        visitor = (await stranger.get("/auth/session")).json()
        stranger.headers[web_session.CSRF] = visitor["csrf"]
        web_session.plain_cookies(stranger)
        for method, path in (
            ("PATCH", "/api/settings"),
            ("POST", "/api/settings"),
            ("POST", "/api/settings/calendars/1/disconnect"),
            ("POST", "/api/settings/calendars/google"),
            ("POST", "/api/settings/calendars/caldav"),
        ):
            answer = await stranger.request(method, path, json={"timezone": "Asia/Tokyo"})
            assert answer.status_code == 401, (method, path)
    # Alice's own session without the token: refused before any route runs.
    token = alice.headers.pop(web_session.CSRF)
    refused = await alice.patch("/api/settings", json={"timezone": "Asia/Tokyo"})
    assert refused.status_code == 403
    wrong = await alice.patch(
        "/api/settings", json={"timezone": "Asia/Tokyo"}, headers={web_session.CSRF: "x" * 43}
    )
    assert wrong.status_code == 403
    alice.headers[web_session.CSRF] = token
    assert (await _read(alice))["timezone"] == "Europe/Berlin"


async def _connect(
    http: httpx.AsyncClient, radicale: RadicaleServer, user: str, **form: str
) -> httpx.Response:
    body = {"provider": "other", "server": radicale.url, "username": user}
    body["password"] = PASSWORDS[user]
    return await http.post("/api/settings/calendars/caldav", json={**body, **form})


async def test_a_caldav_calendar_connects_and_disconnects(
    app: FastAPI, alice: httpx.AsyncClient, radicale: RadicaleServer
) -> None:
    radicale.fresh_account("alice")
    connected = await _connect(alice, radicale, "alice")
    assert connected.status_code == 200, connected.text
    assert connected.json()["message"].startswith("Connected: alice at 127.0.0.1.")
    calendars = (await _read(alice))["calendars"]
    assert [(c["kind"], c["name"], c["default"]) for c in calendars] == [
        ("local", "The local calendar", False),
        ("caldav", "CalDAV: alice @ 127.0.0.1", True),
    ]
    # New events go to Radicale now, as after /connect in the chat.
    await _chat(alice, "Dentist tomorrow at 9am")
    remote = radicale.client("alice").principal().calendars()[0].events()
    assert ["Dentist" in e.data for e in remote] == [True]
    assert "CalDAV: alice @ 127.0.0.1" in await _chat(alice, "/connect")

    account = calendars[1]["id"]
    gone = await alice.post(f"/api/settings/calendars/{account}/disconnect")
    assert gone.status_code == 200, gone.text
    assert gone.json()["message"] == (
        "Disconnected: CalDAV: alice @ 127.0.0.1. New events now go to the local calendar."
    )
    assert [c["kind"] for c in gone.json()["calendars"]] == ["local"]
    again = await alice.post(f"/api/settings/calendars/{account}/disconnect")
    assert again.status_code == 404


async def test_a_refused_caldav_login_stores_nothing(
    alice: httpx.AsyncClient, radicale: RadicaleServer
) -> None:
    wrong = await _connect(alice, radicale, "alice", password="not-the-app-password")
    assert wrong.status_code == 400
    assert wrong.json()["detail"].startswith("The server refused the user name or app password")
    for form, status in (
        ({"server": "not a url"}, 400),
        ({"server": "ftp://127.0.0.1/"}, 400),
        ({"provider": "nextcloud", "server": ""}, 400),
        ({"provider": "gopher"}, 400),
        ({"username": "alice\nbob"}, 400),
        ({"password": ""}, 400),
        # The outbound guard: the cloud metadata address is never asked (as in the chat).
        ({"server": "http://169.254.169.254/latest/meta-data/"}, 502),
    ):
        answer = await _connect(alice, radicale, "alice", **form)
        assert answer.status_code == status, (form, answer.text)
    assert [c["kind"] for c in (await _read(alice))["calendars"]] == ["local"]


async def test_one_user_cannot_touch_anothers_settings_or_calendars(
    app: FastAPI, alice: httpx.AsyncClient, bob: httpx.AsyncClient, radicale: RadicaleServer
) -> None:
    radicale.fresh_account("bob")
    assert (await _connect(bob, radicale, "bob")).status_code == 200
    bobs = (await _read(bob))["calendars"][1]["id"]
    before = await _read(bob)

    assert (await alice.patch("/api/settings", json={"timezone": "Asia/Tokyo"})).status_code == 200
    refused = await alice.post(f"/api/settings/calendars/{bobs}/disconnect")
    assert refused.status_code == 404
    # Nothing in a request names a user: the session alone says whose settings change.
    sneaky = await alice.patch(
        "/api/settings", params={"user": f"telegram:{BOB}", "user_id": "2"}, json={"language": "ru"}
    )
    assert sneaky.status_code == 200
    assert await _read(bob) == before
    assert (await _read(alice))["calendars"][1:] == []
    services = app.state.services
    record = await services.front.desk.user(UserRef(key=f"telegram:{BOB}"))
    assert [a.id for a in await services.front.desk.connections.accounts(record.id)] == [bobs]


async def test_without_credentials_keys_nothing_connects_and_the_panel_says_why(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    async with (
        web_app.running(_settings(tmp_path, fake, credentials_keys=None)) as app,
        web_app.signed_in(app, ALICE) as http,
    ):
        data = await _read(http)
        assert (data["can_connect"], data["providers"]) == (False, [])
        assert [c["kind"] for c in data["calendars"]] == ["local"]
        for path, body in (
            ("/api/settings/calendars/google", None),
            (
                "/api/settings/calendars/caldav",
                {"provider": "yandex", "username": "anna", "password": "p"},
            ),
        ):
            answer = await http.post(path, json=body)
            assert answer.status_code == 409, path
            assert "CREDENTIALS_KEYS" in answer.json()["detail"]
        assert (await http.post("/api/settings/calendars/1/disconnect")).status_code == 404


async def test_changes_count_against_the_users_message_limit(
    tmp_path: Path, fake: FakeTelegram, radicale: RadicaleServer
) -> None:
    """A change counts as a chat message does: the form cannot try CalDAV logins (or make
    the server call out) faster than the chat could."""
    async with (
        web_app.running(_settings(tmp_path, fake, rate_limit_per_minute=3)) as app,
        web_app.signed_in(app, ALICE) as http,
    ):
        assert "Europe/Berlin" in await _chat(http, "/settings")  # one message
        for _ in range(2):
            wrong = await _connect(http, radicale, "alice", password="guess")
            assert wrong.status_code == 400
        over = await _connect(http, radicale, "alice")
        assert over.status_code == 429
        assert over.json()["detail"].startswith("Too many changes: up to 3 a minute")
        refused = await http.patch("/api/settings", json={"timezone": "Asia/Tokyo"})
        assert refused.status_code == 429
        data = await _read(http)  # reading is not counted
        assert (data["timezone"], [c["kind"] for c in data["calendars"]]) == (
            "Europe/Berlin",
            ["local"],
        )


async def test_google_not_set_up_is_said(alice: httpx.AsyncClient) -> None:
    answer = await alice.post("/api/settings/calendars/google")
    assert answer.status_code == 409
    assert support.says(answer.json()["detail"], "en", "connect.google_calendar_not_set")


async def test_google_connects_through_the_chats_consent_link(
    tmp_path: Path, fake: FakeTelegram, google: FakeGoogleCalendar, google_oauth: FakeGoogleOAuth
) -> None:
    settings = _settings(
        tmp_path,
        fake,
        google_client_id=CLIENT_ID,
        google_client_secret=CLIENT_SECRET,
        google_redirect_url=f"{web_app.PUBLIC}/oauth/google/callback",
        google_auth_url=google_oauth.auth_url,
        google_token_url=google_oauth.token_url,
        google_revoke_url=google_oauth.revoke_url,
        google_api_endpoint=google.endpoint,
    )
    google.add_calendar("anna@example.org", "Anna", "Europe/Berlin", primary=True)
    async with web_app.running(settings) as app, web_app.signed_in(app, ALICE) as http:
        assert "google" in [p["id"] for p in (await _read(http))["providers"]]
        link = await http.post("/api/settings/calendars/google")
        assert link.status_code == 200, link.text
        url = link.json()["url"]
        assert url.startswith(google_oauth.auth_url + "?")
        # The chat's /connect offers the same flow: its Google button gives such a link.
        menu = (await http.post("/api/chat", json={"text": "/connect"})).json()["replies"][0]
        button = next(b for row in menu["buttons"] for b in row if b["label"] == "Google Calendar")
        in_chat = await http.post("/api/chat", json={"button": button["payload"]})
        assert google_oauth.auth_url + "?" in in_chat.json()["replies"][0]["text"]
        async with httpx.AsyncClient() as browser:
            consent = await browser.get(url)
        back = urlsplit(consent.headers["Location"])
        params = {k: v[0] for k, v in parse_qs(back.query).items()}
        assert (await http.get(back.path, params=params)).status_code == 200
        calendars = (await _read(http))["calendars"]
        assert [(c["kind"], c["name"]) for c in calendars][1:] == [
            ("google", "Google: anna@example.org")
        ]
        gone = await http.post(f"/api/settings/calendars/{calendars[1]['id']}/disconnect")
        assert gone.status_code == 200, gone.text
        assert google_oauth.revoked  # disconnecting revokes the grant at Google, as the chat
