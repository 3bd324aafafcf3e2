"""Finding 7 against the real server process: Host header, security headers, a page without
inline script, and control characters kept out of what is stored."""

from __future__ import annotations

import re
import sqlite3

from .conftest import PUBLIC_HOST, RealServer


def test_pages_carry_the_security_headers(real_server: RealServer) -> None:
    with real_server.client() as client:
        for path in ("/", "/healthz", "/api/chat/outbox", "/static/chat.js", "/nowhere"):
            headers = client.get(path).headers
            policy = headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy, path
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-frame-options"] == "DENY"
            # The microphone (voice input) for the site's own pages only, never a frame's.
            assert headers["permissions-policy"] == "microphone=(self), camera=()"
        page = client.get("/")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        # Every script of the page is a file the policy allows; none is inline.
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        assert scripts
        assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
        assert "<style" not in page.text
        assert not re.search(r"<[^>]*\son[a-z]+=", page.text)  # no inline event handlers
        script = client.get("/static/chat.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert "fetch(" in script.text
        assert client.get("/static/../server.py").status_code == 404


def test_only_the_public_host_and_loopback_are_served(real_server: RealServer) -> None:
    with real_server.client() as client:
        for host in (PUBLIC_HOST, "127.0.0.1", "localhost"):
            assert client.get("/", headers={"Host": host}).status_code == 200, host
        for host in ("evil.example", f"{PUBLIC_HOST}.evil.example", "10.0.0.5"):
            assert client.get("/", headers={"Host": host}).status_code == 400, host


def test_control_characters_are_not_stored(real_server: RealServer) -> None:
    with real_server.client() as client:
        sent = "Запланируй ревью\x00 кода\x07 в переговорке\x1b[31m завтра в 16:00"
        reply = client.post("/api/chat", json={"text": sent})
        assert reply.status_code == 200
        assert "\\u0000" not in reply.text
    with sqlite3.connect(real_server.data_dir / "calendar.sqlite3") as db:
        rows = db.execute("SELECT title, coalesce(location, '') FROM events").fetchall()
    stored = "".join(title + place for title, place in rows)
    assert "Ревью" in stored or "ревью" in stored
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in stored)
