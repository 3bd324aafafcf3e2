"""Signing in to the web app: who gets in, with what proof, and what a session may touch.

The real server in process (its lifespan run as uvicorn would) with its bot polling the
fake Bot API; browsers are httpx clients over the ASGI transport, each with the client
address and Host it would have. The deployment is public (PUBLIC_URL is https), so nobody
is signed in without a link or the Login Widget.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import socket
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

import web_app
import web_session
from calendar_assistant.channels.web.sessions import COOKIE, SessionCodec, new_session
from calendar_assistant.config import Settings
from calendar_assistant.server import create_app
from fakes.telegram import TOKEN, FakeTelegram
from support import Clock, says
from web_app import NOW, OUTSIDER, PUBLIC, browser

#: Routes anyone may call: probes, the webhook (its own secret), the OAuth callback (its
#: state), the API docs, and the way in. Every other route needs a session.
OPEN_ROUTES = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/telegram/webhook",
    "/oauth/google/callback",
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/signin",
    "/static/{name}",
    "/auth/session",
    "/auth/link",
    "/auth/telegram",
    "/auth/signout",
}


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def _settings(tmp_path: Path, fake: FakeTelegram, **extra: Any) -> Settings:
    """web_app's public deployment, its reminders polled often."""
    return web_app.settings(tmp_path, fake, **{"reminder_poll_seconds": 0.1, **extra})


Start = Callable[..., Any]


@pytest.fixture
def start(tmp_path: Path, fake: FakeTelegram, clock: Clock) -> Start:
    """`async with start(**settings) as app:` the server, its bot connected."""

    def running(**extra: Any) -> AbstractAsyncContextManager[FastAPI]:
        return web_app.running(_settings(tmp_path, fake, **extra), clock)

    return running


async def visitor(http: httpx.AsyncClient) -> str:
    """A browser that opened the sign-in page: it holds a visitor's CSRF token."""
    answer = (await http.get("/auth/session")).json()
    assert answer["user"] is None
    http.headers[web_session.CSRF] = answer["csrf"]
    return str(answer["csrf"])


async def ask_for_link(fake: FakeTelegram, telegram_id: int, base: str = PUBLIC) -> str:
    """Send /web to the bot; the token from the link it answers with."""
    before = len(fake.texts_to(telegram_id))
    fake.send_text(telegram_id, "/web", language="en")
    await fake.until(lambda: len(fake.texts_to(telegram_id)) > before, what="the /web answer")
    text = fake.texts_to(telegram_id)[-1]
    found = re.search(re.escape(base) + r"/signin#link=([A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)


async def say(http: httpx.AsyncClient, text: str) -> str:
    answer = await http.post("/api/chat", json={"text": text})
    assert answer.status_code == 200, answer.text
    return "\n".join(r["text"] for r in answer.json()["replies"])


def _routes(routes: list[Any]) -> list[Any]:
    """Every route, with the routers included into the app opened up (no prefixes used)."""
    found: list[Any] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += _routes(inner.routes) if inner is not None else [route]
    return found


def _paths(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in _routes(app.routes):
        path = getattr(route, "path", "")
        methods = getattr(route, "methods", None) or {"GET"}
        for method in sorted(methods - {"HEAD"}):
            found.append((method, path))
    return found


# -- nobody gets in without proof ------------------------------------------------------


async def test_every_route_but_the_open_ones_needs_a_session(start: Start) -> None:
    async with start() as app, browser(app) as http:
        routes = _paths(app)
        assert {path for _, path in routes} >= OPEN_ROUTES - {"/docs/oauth2-redirect"}
        guarded = [(m, p) for m, p in routes if p not in OPEN_ROUTES]
        assert ("POST", "/api/chat") in guarded
        assert ("POST", "/api/calendar/events/{event_id:path}/change") in guarded
        assert ("GET", "/api/calendar/version") in guarded
        assert ("GET", "/") in guarded
        assert {
            ("GET", "/api/settings"),
            ("PATCH", "/api/settings"),
            ("POST", "/api/settings"),
            ("POST", "/api/settings/calendars/{account_id}/disconnect"),
            ("POST", "/api/settings/calendars/google"),
            ("POST", "/api/settings/calendars/caldav"),
        } <= set(guarded)
        for method, path in guarded:
            url = path.replace("{name}", "x")
            bare = await http.request(method, url, json={} if method != "GET" else None)
            assert bare.status_code in (401, 403, 303), (method, path, bare.status_code)
            if bare.status_code == 303:
                assert bare.headers["location"] == "/signin"
        await visitor(http)  # with a valid CSRF token the answer is still: sign in first
        for method, path in guarded:
            answer = await http.request(method, path, json={} if method != "GET" else None)
            if method == "GET" and path == "/":
                assert answer.status_code == 303
                assert answer.headers["location"] == "/signin"
            else:
                assert answer.status_code == 401, (method, path)
                assert "sign in" in answer.json()["detail"]
        api = [r for r in _routes(app.routes) if isinstance(r, APIRoute) and "/api/" in r.path]
        assert len(api) >= 2
        assert all((sorted(r.methods)[0], r.path) in guarded for r in api)


async def test_a_public_server_signs_nobody_in_by_address(start: Start) -> None:
    async with start() as app:
        for client in (OUTSIDER, ("127.0.0.1", 40000)):
            for base in (PUBLIC, "http://127.0.0.1"):
                async with browser(app, base, client) as http:
                    assert (await http.get("/auth/session")).json()["user"] is None
                    page = await http.get("/")
                    assert page.status_code == 303
                    assert page.headers["location"] == "/signin"


async def test_a_laptop_signs_in_only_its_own_loopback_browser(
    start: Start, tmp_path: Path
) -> None:
    async with start(public_url=None) as app:
        async with browser(app, "http://127.0.0.1:8000", ("127.0.0.1", 40000)) as http:
            assert (await http.get("/auth/session")).json()["user"]["name"] == "Local user"
        async with browser(app, "http://localhost:8000", ("::1", 40000)) as http:
            assert (await http.get("/")).status_code == 200
        refused: list[tuple[str, tuple[str, int], dict[str, str]]] = [
            ("http://192.168.1.20:8000", ("192.168.1.30", 40000), {}),  # the LAN
            ("http://127.0.0.1:8000", ("127.0.0.1", 40000), {"X-Forwarded-For": "198.51.100.9"}),
            ("http://127.0.0.1:8000", ("127.0.0.1", 40000), {"Forwarded": "for=198.51.100.9"}),
            ("http://127.0.0.1:8000", ("127.0.0.1", 40000), {"CF-Connecting-IP": "198.51.100.9"}),
            ("http://rebound.example:8000", ("127.0.0.1", 40000), {}),  # DNS rebinding
        ]
        for base, client, headers in refused:
            async with browser(app, base, client) as http:
                answer = await http.get("/auth/session", headers=headers)
                assert answer.json()["user"] is None, (base, client, headers)
                page = await http.get("/", headers=headers)
                assert page.status_code == 303


# -- one-time links from /web -----------------------------------------------------------


async def test_a_link_from_web_signs_in_the_telegram_user_once(
    start: Start, fake: FakeTelegram
) -> None:
    async with start() as app:
        fake.send_text(501, "Dentist tomorrow at 9am", language="en")
        await fake.until(lambda: any("Dentist" in t for t in fake.texts_to(501)))
        token = await ask_for_link(fake, 501)
        async with browser(app) as http:
            await visitor(http)
            signed = await http.post("/auth/link", json={"token": token})
            assert signed.status_code == 200
            assert "HttpOnly" in signed.headers["set-cookie"]
            assert "Secure" in signed.headers["set-cookie"]
            assert "samesite=lax" in signed.headers["set-cookie"].lower()
            session = (await http.get("/auth/session")).json()
            assert session["user"] is not None
            http.headers[web_session.CSRF] = session["csrf"]
            # The same user as the Telegram chat: the event made there is here.
            assert "Dentist" in await say(http, "What is on tomorrow?")
        async with browser(app) as other:
            await visitor(other)
            again = await other.post("/auth/link", json={"token": token})
            assert again.status_code == 401
            assert (await other.get("/auth/session")).json()["user"] is None


async def test_expired_and_forged_links_are_refused(
    start: Start, fake: FakeTelegram, clock: Clock
) -> None:
    async with start() as app, browser(app) as http:
        await visitor(http)
        token = await ask_for_link(fake, 502)
        clock.now += timedelta(minutes=11)
        assert (await http.post("/auth/link", json={"token": token})).status_code == 401
        for forged in ("x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B")):
            assert (await http.post("/auth/link", json={"token": forged})).status_code == 401
        fresh = await ask_for_link(fake, 502)
        assert (await http.post("/auth/link", json={"token": fresh})).status_code == 200


def _redis_or_skip() -> str:
    url = "redis://127.0.0.1:6379/15"
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return url
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")


@pytest.mark.parametrize("shared", [False, True], ids=["in-process", "redis"])
async def test_sign_in_attempts_are_rate_limited(start: Start, shared: bool) -> None:
    extra: dict[str, Any] = {"redis_url": _redis_or_skip()} if shared else {}
    # Fresh addresses: a Redis counter outlives the test for the rest of its minute.
    address, other = (f"198.51.100.{n}" for n in secrets.SystemRandom().sample(range(1, 255), 2))
    async with (
        start(signin_attempts_per_minute=3, **extra) as app,
        browser(app, client=(address, 50000)) as http,
        browser(app, client=(other, 50000)) as elsewhere,
    ):
        await visitor(http)
        codes = [
            (await http.post("/auth/link", json={"token": f"guess-{n}"})).status_code
            for n in range(5)
        ]
        assert codes == [401, 401, 401, 429, 429]
        widget = await http.post("/auth/telegram", json={"fields": {"id": "1", "hash": "x"}})
        assert widget.status_code == 429
        await visitor(elsewhere)  # another address has its own count
        answer = await elsewhere.post("/auth/link", json={"token": "guess"})
        assert answer.status_code == 401


# -- the Telegram Login Widget ---------------------------------------------------------


async def test_the_login_widget_is_checked(start: Start, fake: FakeTelegram, clock: Clock) -> None:
    async with start() as app:
        shown = await _session_json(app)
        assert shown["telegram_bot"] == "calendar_test_bot"
        async with browser(app) as http:
            await visitor(http)
            wrong = web_session.widget_answer(601, "654321:another-bot", clock.now)
            assert (await http.post("/auth/telegram", json={"fields": wrong})).status_code == 401
            old = web_session.widget_answer(601, TOKEN, clock.now - timedelta(hours=2))
            assert (await http.post("/auth/telegram", json={"fields": old})).status_code == 401
            good = web_session.widget_answer(601, TOKEN, clock.now)
            tampered = {**good, "id": "602"}
            assert (await http.post("/auth/telegram", json={"fields": tampered})).status_code == 401
            assert (await http.get("/auth/session")).json()["user"] is None
            assert (await web_session.telegram(http, 601, TOKEN, clock.now)).status_code == 200
            await say(http, "Gym tomorrow at 7pm")
        # The person writing to the bot is the same user.
        fake.send_text(601, "/week", language="en")
        await fake.until(lambda: any("Gym" in t for t in fake.texts_to(601)), what="the week")


async def _session_json(app: FastAPI) -> dict[str, Any]:
    async with browser(app) as http:
        data: dict[str, Any] = (await http.get("/auth/session")).json()
        return data


# -- sessions: signatures, CSRF, expiry, sign-out ----------------------------------------


async def test_a_cookie_signed_with_another_key_is_no_session(start: Start, clock: Clock) -> None:
    async with start() as app, browser(app) as http:
        assert (await web_session.telegram(http, 701, TOKEN, clock.now)).status_code == 200
        await say(http, "Lunch tomorrow at 1pm")
        user_id = app.state.services.auth.codec.load(http.cookies[COOKIE]).user_id
        forged = SessionCodec("another-key", clock, timedelta(hours=1))
        session = new_session(user_id)
        http.cookies.clear()
        http.cookies.set(COOKIE, forged.dump(session), domain="cal.example.org")
        http.headers[web_session.CSRF] = session.csrf
        assert (await http.get("/api/chat/outbox")).status_code == 401
        assert (await http.post("/api/chat", json={"text": "/today"})).status_code == 403


async def test_state_changes_need_the_sessions_csrf_token(start: Start, clock: Clock) -> None:
    async with start() as app, browser(app) as alice, browser(app) as bob:
        assert (await web_session.telegram(alice, 801, TOKEN, clock.now)).status_code == 200
        assert (await web_session.telegram(bob, 802, TOKEN, clock.now)).status_code == 200
        token = alice.headers.pop(web_session.CSRF)
        assert (await alice.post("/api/chat", json={"text": "/today"})).status_code == 403
        for wrong in ("", "x" * 32, token[:-1], bob.headers[web_session.CSRF]):
            answer = await alice.post(
                "/api/chat", json={"text": "/today"}, headers={web_session.CSRF: wrong}
            )
            assert answer.status_code == 403, wrong
        answer = await alice.post(
            "/api/chat", json={"text": "/today"}, headers={web_session.CSRF: token}
        )
        assert answer.status_code == 200
        # Every state-changing route of the app, sign-in and sign-out included, asks for it.
        unsafe = [(m, p) for m, p in _paths(app) if m not in ("GET", "HEAD", "OPTIONS")]
        assert ("POST", "/auth/signout-everywhere") in unsafe
        for method, path in unsafe:
            if path == "/telegram/webhook":  # not a browser's: Telegram's secret header
                continue
            answer = await alice.request(method, path, json={})
            assert answer.status_code == 403, (method, path)
        assert (await alice.get("/auth/session")).json()["user"] is not None  # still in


async def test_sessions_expire_and_sign_out_everywhere_ends_every_copy(
    start: Start, clock: Clock
) -> None:
    async with (
        start(session_max_age_hours=1) as app,
        browser(app) as laptop,
        browser(app) as phone,
    ):
        assert (await web_session.telegram(laptop, 901, TOKEN, clock.now)).status_code == 200
        assert (await web_session.telegram(phone, 901, TOKEN, clock.now)).status_code == 200
        stolen = laptop.cookies[COOKIE]
        assert (await laptop.get("/api/chat/outbox")).status_code == 200
        assert (await laptop.post("/auth/signout-everywhere")).status_code == 200
        assert (await phone.get("/api/chat/outbox")).status_code == 401
        async with browser(app) as thief:
            thief.cookies.set(COOKIE, stolen, domain="cal.example.org")
            assert (await thief.get("/api/chat/outbox")).status_code == 401
        # Signing in again works; signing out forgets this browser's session.
        assert (await web_session.telegram(phone, 901, TOKEN, clock.now)).status_code == 200
        assert (await phone.get("/api/chat/outbox")).status_code == 200
        signed_out = await phone.post("/auth/signout")
        assert signed_out.status_code == 200
        assert f'{COOKIE}=""' in signed_out.headers["set-cookie"]
        assert (await phone.get("/api/chat/outbox")).status_code == 401
        # A session ends on its own SESSION_MAX_AGE_HOURS after sign-in.
        assert (await web_session.telegram(laptop, 901, TOKEN, clock.now)).status_code == 200
        clock.now += timedelta(minutes=59)
        assert (await laptop.get("/api/chat/outbox")).status_code == 200
        clock.now += timedelta(minutes=1, seconds=5)
        assert (await laptop.get("/api/chat/outbox")).status_code == 401


# -- one user never reaches another's calendar -----------------------------------------


async def test_a_user_never_reads_or_changes_anothers_events(
    start: Start, fake: FakeTelegram, clock: Clock
) -> None:
    async with start() as app, browser(app) as alice, browser(app) as bob:
        assert (await web_session.telegram(alice, 1001, TOKEN, clock.now)).status_code == 200
        assert (await web_session.telegram(bob, 1002, TOKEN, clock.now)).status_code == 200
        assert "Dentist" in await say(alice, "Dentist today at 4pm")
        await say(alice, "Remind me today at 3pm to call the dentist")
        asked = await alice.post("/api/chat", json={"text": "Delete the dentist"})
        payloads = [b["payload"] for row in asked.json()["replies"][0]["buttons"] for b in row]
        # Bob sees nothing of it, cannot delete it, and cannot press Alice's buttons.
        assert "Dentist" not in await say(bob, "What is on today?")
        assert "found no" in await say(bob, "Delete the dentist today")
        for payload in payloads:
            pressed = await bob.post("/api/chat", json={"button": payload})
            assert pressed.status_code == 200
            assert "Dentist" not in str(pressed.json())
        assert "Dentist" in await say(alice, "What is on today?")
        # Nor through the calendar's event dialog, by the event's id: 404, nothing changed.
        day = {"start": "2026-11-24T00:00:00", "end": "2026-11-25T00:00:00"}
        shown = (await alice.get("/api/calendar/events", params=day)).json()["events"]
        dentist = next(e["event_id"] for e in shown if e["title"] == "Dentist")
        for body in (
            {"action": "delete"},
            {"action": "move", "start": "2026-11-24T18:00"},
            {"action": "rename", "title": "Bob's now"},
            {"action": "remind", "minutes_before": 5},
        ):
            tried = await bob.post(f"/api/calendar/events/{dentist}/change", json=body)
            assert tried.status_code == 404, tried.text
            assert "Dentist" not in tried.text
        assert (await alice.get("/api/calendar/events", params=day)).json()["events"] == shown
        assert (await bob.get("/api/calendar/events", params=day)).json()["events"] == []
        # Alice's reminder reaches Alice's page only.
        clock.now = clock.now.replace(hour=15, minute=0, second=1)
        got: list[str] = []
        for _ in range(100):
            got += [r["text"] for r in (await alice.get("/api/chat/outbox")).json()["replies"]]
            assert (await bob.get("/api/chat/outbox")).json()["replies"] == []
            if got:
                break
            await asyncio.sleep(0.05)
        assert got
        assert "dentist" in got[0].lower()


# -- /metrics ---------------------------------------------------------------------------


async def test_metrics_need_the_token_and_probes_stay_open(start: Start) -> None:
    async with start(metrics_token="scrape-me-0123456789") as app, browser(app) as http:
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 200
        refused = await http.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        good = await http.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"})
        assert good.status_code == 200
        assert "assistant_messages_total" in good.text


async def test_without_a_token_metrics_answer_this_machine_only(start: Start) -> None:
    async with start() as app:
        async with browser(app) as outsider:
            assert (await outsider.get("/metrics")).status_code == 401
        async with browser(app, "http://127.0.0.1", ("127.0.0.1", 40000)) as local:
            assert (await local.get("/metrics")).status_code == 200
            proxied = await local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.1"})
            assert proxied.status_code == 401


async def test_a_sign_in_link_is_never_sent_to_a_group(start: Start, fake: FakeTelegram) -> None:
    async with start():
        fake.send_group_text(-100500, 503, "/web")
        await fake.until(lambda: bool(fake.texts_to(-100500)), what="the group's answer")
        answer = fake.texts_to(-100500)[-1]
        assert "/signin" not in answer
        in_private = "telegram.web_in_private"
        assert says(answer, "ru", in_private) or says(answer, "en", in_private)
        assert not any("/signin" in t for t in fake.texts_to(503))


async def test_a_link_works_once_across_replicas(
    start: Start, fake: FakeTelegram, tmp_path: Path, clock: Clock
) -> None:
    """Two servers on one database and one SESSION_SECRET: a link asked of one is redeemed
    by whichever is asked first, once, and the session it gives works on both."""
    async with start() as first:
        second_app = create_app(
            _settings(
                tmp_path,
                fake,
                telegram_bot_token=None,
                telegram_bot_username=None,
                inbox_concurrency=0,  # the bot is the first replica's: it handles its updates
            ),
            clock=clock,
        )
        async with second_app.router.lifespan_context(second_app):
            token = await ask_for_link(fake, 504)
            async with browser(first) as one, browser(second_app) as two:
                await visitor(one)
                await visitor(two)
                answers = await asyncio.gather(
                    one.post("/auth/link", json={"token": token}),
                    two.post("/auth/link", json={"token": token}),
                )
                assert sorted(a.status_code for a in answers) == [200, 401]
                winner = one if answers[0].status_code == 200 else two
                cookie = winner.cookies[COOKIE]
            for app in (first, second_app):
                async with browser(app) as http:
                    http.cookies.set(COOKIE, cookie, domain="cal.example.org")
                    assert (await http.get("/api/chat/outbox")).status_code == 200


async def test_only_the_sign_in_page_may_load_telegrams_widget(start: Start) -> None:
    async with start() as app, browser(app) as http:
        page = await http.get("/signin")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self' https://telegram.org;" in policy
        assert "frame-src https://oauth.telegram.org" in policy
        assert "unsafe-inline" not in policy
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        assert scripts
        assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
        for path in ("/auth/session", "/static/chat.js", "/healthz"):
            assert "telegram.org" not in (await http.get(path)).headers["content-security-policy"]


async def test_on_a_laptop_a_link_signs_in_as_the_telegram_user(
    start: Start, fake: FakeTelegram
) -> None:
    """The local browser is the local user until a /web link says who it is."""
    async with start(public_url=None) as app:
        token = await ask_for_link(fake, 505, base="http://127.0.0.1:8000")
        async with browser(app, "http://127.0.0.1:8000", ("127.0.0.1", 40000)) as http:
            local = (await http.get("/auth/session")).json()
            assert local["user"]["name"] == "Local user"
            http.headers[web_session.CSRF] = local["csrf"]
            assert (await http.post("/auth/link", json={"token": token})).status_code == 200
            assert (await http.get("/auth/session")).json()["user"]["name"] == "User505"


async def test_a_reminder_goes_to_telegram_though_the_web_chat_was_last(
    start: Start, fake: FakeTelegram, clock: Clock
) -> None:
    """One person, two chats: Telegram is pushed to, the page's outbox only read while open."""
    async with start() as app, browser(app) as http:
        fake.send_text(1101, "/help", language="en")
        await fake.until(lambda: bool(fake.texts_to(1101)), what="the bot's answer")
        assert (await web_session.telegram(http, 1101, TOKEN, clock.now)).status_code == 200
        await say(http, "Remind me today at 3pm to water the plants")
        clock.now = clock.now.replace(hour=15, minute=0, second=1)
        await fake.until(
            lambda: any("plants" in t.lower() for t in fake.texts_to(1101)), what="the reminder"
        )
        assert (await http.get("/api/chat/outbox")).json()["replies"] == []
