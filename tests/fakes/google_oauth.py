"""A fake Google OAuth 2.0 server: the consent page, the token endpoint and revocation.

GET  /o/oauth2/v2/auth  plays the user who consents: it redirects to redirect_uri with a
                        code bound to the client, the redirect URI and the PKCE challenge.
POST /token             authorization_code (checks the PKCE verifier) and refresh_token.
POST /revoke            revokes a refresh token (or an access token's grant).
Access tokens it issues are registered with the fake Calendar server, so they work there.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fakes.google_calendar import FakeGoogleCalendar

CLIENT_ID = "test-client.apps.googleusercontent.com"
CLIENT_SECRET = "test-client-secret"


@dataclass
class _Code:
    redirect_uri: str
    challenge: str
    used: bool = False


class FakeGoogleOAuth:
    def __init__(self, calendar: FakeGoogleCalendar, *, expires_in: int = 3600) -> None:
        self.calendar = calendar
        self.expires_in = expires_in
        self.codes: dict[str, _Code] = {}
        self.grants: dict[str, set[str]] = {}  # refresh token -> its access tokens
        self.revoked: set[str] = set()
        self.token_requests: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> FakeGoogleOAuth:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:
                fake._authorize(self)

            def do_POST(self) -> None:
                fake._post(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def __exit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def auth_url(self) -> str:
        return f"{self.base}/o/oauth2/v2/auth"

    @property
    def token_url(self) -> str:
        return f"{self.base}/token"

    @property
    def revoke_url(self) -> str:
        return f"{self.base}/revoke"

    def revoke_everything(self) -> None:
        """The user removes the app's access in their Google account."""
        with self._lock:
            for refresh, access in self.grants.items():
                self.revoked.add(refresh)
                self.calendar.tokens.difference_update(access)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (they expired)."""
        with self._lock:
            for access in self.grants.values():
                self.calendar.tokens.difference_update(access)

    # ------------------------------------------------------------------ HTTP

    def _authorize(self, handler: BaseHTTPRequestHandler) -> None:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(handler.path).query).items()}
        problems = [
            name
            for name, ok in (
                ("client_id", query.get("client_id") == CLIENT_ID),
                ("response_type", query.get("response_type") == "code"),
                ("code_challenge_method", query.get("code_challenge_method") == "S256"),
                ("code_challenge", bool(query.get("code_challenge"))),
                ("redirect_uri", bool(query.get("redirect_uri"))),
                ("scope", "calendar" in query.get("scope", "")),
            )
            if not ok
        ]
        if problems:
            self._send(handler, 400, {"error": "invalid_request", "bad": problems})
            return
        code = secrets.token_urlsafe(16)
        with self._lock:
            self.codes[code] = _Code(query["redirect_uri"], query["code_challenge"])
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        handler.send_response(302)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _post(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        form.update({k: v[-1] for k, v in parse_qs(url.query).items()})
        with self._lock:
            if url.path == "/revoke":
                status, body = self._revoke(form.get("token", ""))
            elif url.path == "/token":
                self.token_requests.append(form)
                status, body = self._token(form)
            else:
                status, body = 404, {"error": "not_found"}
        self._send(handler, status, body)

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") == "authorization_code":
            code = self.codes.get(form.get("code", ""))
            if code is None or code.used or code.redirect_uri != form.get("redirect_uri"):
                return 400, {"error": "invalid_grant", "error_description": "Bad code"}
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != code.challenge:
                return 400, {"error": "invalid_grant", "error_description": "Bad verifier"}
            code.used = True
            refresh = secrets.token_urlsafe(24)
            self.grants[refresh] = set()
            return 200, {**self._access(refresh), "refresh_token": refresh}
        if form.get("grant_type") == "refresh_token":
            refresh = form.get("refresh_token", "")
            if refresh not in self.grants or refresh in self.revoked:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                }
            return 200, self._access(refresh)
        return 400, {"error": "unsupported_grant_type"}

    def _access(self, refresh: str) -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        self.grants[refresh].add(token)
        self.calendar.tokens.add(token)
        return {
            "access_token": token,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
            "scope": "https://www.googleapis.com/auth/calendar",
        }

    def _revoke(self, token: str) -> tuple[int, dict[str, Any]]:
        for refresh, access in self.grants.items():
            if token == refresh or token in access:
                self.revoked.add(refresh)
                self.calendar.tokens.difference_update(access)
                return 200, {}
        return 400, {"error": "invalid_token"}

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
