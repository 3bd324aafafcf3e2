"""Finding 3: malformed bodies are a 400, never a 500, and every log line is JSON.

Replayed against the real server process: the probes of the report, then a bounded
hypothesis fuzz of the Telegram webhook and the web chat's endpoints. At the end the
server's whole log (uvicorn's own records included) must parse line by line as JSON.
"""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import PUBLIC_HOST, RealServer

JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
USER = st.fixed_dictionaries(
    {"id": st.integers(min_value=1, max_value=50), "is_bot": st.booleans()},
    optional={"first_name": st.text(max_size=10), "language_code": JSON},
)
MESSAGE = st.fixed_dictionaries(
    {
        "message_id": st.integers(min_value=-5, max_value=2**64),
        "date": st.integers(min_value=-5, max_value=2**64),
        "chat": st.fixed_dictionaries({"id": st.integers(-(2**64), 2**64), "type": JSON}),
    },
    optional={"from": USER | JSON, "text": st.text(max_size=200) | JSON, "voice": JSON},
)
UPDATE = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=-5, max_value=2**65)},
    optional={
        "message": MESSAGE | JSON,
        "edited_message": MESSAGE,
        "callback_query": st.fixed_dictionaries(
            {"id": st.text(max_size=5), "from": USER}, optional={"data": JSON}
        ),
    },
)

PROBES: list[bytes] = [
    b"",
    b"not json",
    b"{",
    b"[]",
    b'"update"',
    b"[" * 50_000 + b"]" * 50_000,  # RecursionError in a plain json.loads
    b'{"update_id": 1, "message": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"update_id": 1, "message": "hello"}',
    b'{"update_id": 9223372036854775808, "message": {"message_id": 1, "date": 1, '
    b'"chat": {"id": 5, "type": "private"}, "text": "hi"}}',
    b'{"update_id": -1}',
    b'{"update_id": "1"}',
    b'{"update_id": true}',
    b'{"update_id": 1.5}',
    b'{"update_id": 7, "callback_query": {"id": "x", "from": 5}}',
    b'{"update_id": 8, "message": {"message_id": 1, "date": 1, "chat": "private"}}',
]


def test_the_reported_probes_get_400(real_server: RealServer) -> None:
    with real_server.client() as client:
        for body in PROBES:
            response = real_server.webhook(client, body)
            assert response.status_code == 400, (body[:80], response.status_code, response.text)


def test_web_chat_bodies_are_checked_too(real_server: RealServer) -> None:
    with real_server.client() as client:
        for body in (b"[" * 50_000 + b"]" * 50_000, b"{", b'{"text": 5}', b"[]", b'"x"'):
            response = client.post(
                "/api/chat", content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 400, (body[:40], response.text)
        too_long = client.post("/api/chat", json={"button": "x" * 500})
        assert too_long.status_code == 400
        # A lone surrogate is valid JSON but not text: 400; a NUL is stripped and answered.
        for body, status in ((b'{"text": "\\ud800"}', 400), (b'{"text": "\\u0000/help"}', 200)):
            odd = client.post(
                "/api/chat", content=body, headers={"Content-Type": "application/json"}
            )
            assert odd.status_code == status, (body, odd.text)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(update=UPDATE | JSON)
def test_fuzzed_telegram_updates_never_get_5xx(real_server: RealServer, update: Any) -> None:
    with real_server.client() as client:
        response = real_server.webhook(client, json.dumps(update))
    assert response.status_code < 500, (update, response.text)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.fixed_dictionaries(
        {}, optional={"text": st.text(max_size=300) | JSON, "button": st.text(max_size=80) | JSON}
    )
    | JSON
)
def test_fuzzed_web_chat_messages_never_get_5xx(real_server: RealServer, body: Any) -> None:
    with real_server.client() as client:
        response = client.post(
            "/api/chat", content=json.dumps(body), headers={"Content-Type": "application/json"}
        )
        outbox = client.get("/api/chat/outbox")
    assert response.status_code < 500, (body, response.text)
    assert outbox.status_code == 200


def test_every_log_line_is_json_and_the_host_is_checked(real_server: RealServer) -> None:
    with real_server.client() as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz", headers={"Host": PUBLIC_HOST}).status_code == 200
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
        # Probes address the pod by its IP: they answer whatever the Host.
        assert client.get("/healthz", headers={"Host": "10.42.0.7:8000"}).status_code == 200
    lines = real_server.log_lines()
    assert lines
    records = [json.loads(line) for line in lines]  # a plain-text line fails here
    assert all("event" in record and "level" in record for record in records)
    assert not any("Traceback" in line and not line.startswith("{") for line in lines)
    rejected = [r for r in records if r["event"] == "telegram_update_rejected"]
    assert rejected


def test_a_real_update_is_still_answered(real_server: RealServer, fake_bot_api: Any) -> None:
    update = fake_bot_api.text_update(77, "/help")
    # An id the fuzz above cannot have stored already (a stored id is answered once only).
    update["update_id"] = random.SystemRandom().randrange(2**40, 2**62)
    with real_server.client() as client:
        assert real_server.webhook(client, json.dumps(update)).status_code == 200
    fake_bot_api.wait_for(lambda: len(fake_bot_api.texts_to(77)) == 1, what="the /help reply")
