"""Finding 1 (server-side request forgery): a user's "CalDAV server" never leads inside.

Against the real server process a web-chat user gives loopback, link-local (the metadata
service) and closed-port addresses as their CalDAV server: every one gets the same reply,
and the listener started here counts no request. The guarded client itself is checked with
the real caldav library: names resolving to loopback, redirects into loopback, plain http,
and the operator's allow-list that lets a self-hosted Radicale through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import httpx
import pytest

from calendar_assistant.calendars.accounts.errors import ProviderUnavailable
from calendar_assistant.calendars.base import CalendarError
from calendar_assistant.calendars.caldav import discover_calendars, open_client
from calendar_assistant.net.guard import OutboundPolicy, public
from calendars.caldav.conftest import PASSWORDS, RadicaleServer
from calendars.caldav.conftest import radicale as radicale  # the real server fixture
from support import says

from .conftest import Listener, RealServer, free_port


def _say(client: httpx.Client, **body: str) -> list[dict[str, Any]]:
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200, response.text
    replies: list[dict[str, Any]] = response.json()["replies"]
    return replies


def _connect_reply(client: httpx.Client, url: str) -> str:
    """The whole /connect dialogue for `url`, as a user types and presses it."""
    menu = _say(client, text="/connect")
    buttons = [b for r in menu for row in r["buttons"] for b in row]
    other = next(b for b in buttons if b["label"].startswith(("Другой", "Other")))
    _say(client, button=other["payload"])
    _say(client, text=url)
    _say(client, text="alice")
    (reply,) = _say(client, text="some-app-password")
    return str(reply["text"])


def test_internal_addresses_get_one_reply_and_no_request(
    real_server: RealServer, listener: Listener
) -> None:
    closed = free_port()
    targets = [
        f"http://127.0.0.1:{listener.port}/",
        f"https://127.0.0.1:{listener.port}/dav/",
        f"http://localhost:{listener.port}/",  # a name resolving to loopback
        f"http://[::ffff:127.0.0.1]:{listener.port}/",  # loopback dressed as IPv6
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://[fd00:ec2::254]/",
        "http://10.1.2.3/",
        f"http://127.0.0.1:{closed}/",  # a closed port
    ]
    with real_server.client() as client:
        replies = {url: _connect_reply(client, url) for url in targets}
    assert listener.hits == []
    assert len(set(replies.values())) == 1, replies
    (reply,) = set(replies.values())
    assert says(reply, "ru", "connect.login_unreachable")


def _hits_through_guard(
    policy: OutboundPolicy, url: str, expected: type[Exception] = ProviderUnavailable
) -> None:
    """Discover calendars at `url` through the guarded client; it must fail with `expected`
    (ProviderUnavailable: "could not reach", told apart from nothing else)."""
    client = open_client(url, "alice", "x", timeout=3, policy=policy)
    with pytest.raises(expected):
        asyncio.run(discover_calendars(client))


def test_names_resolving_inside_are_refused_whatever_dns_says(
    listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_dns(host: Any, *args: Any, **kwargs: Any) -> Any:
        # A hostile DNS server answers this name with loopback (a rebinding attack's
        # second answer); the address checked must be the address connected to.
        if host == "calendar.attacker.example":
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    permissive = OutboundPolicy(allow_http=True)
    _hits_through_guard(permissive, f"http://calendar.attacker.example:{listener.port}/")
    _hits_through_guard(permissive, f"http://localhost:{listener.port}/")
    assert listener.hits == []


def test_a_redirect_into_loopback_is_not_followed(listener: Listener) -> None:
    # The first server is allowed by name; it redirects to an address nobody allowed.
    allowed = OutboundPolicy(allow_http=True, allowed_hosts=frozenset({"localhost"}))
    listener.redirect_to = f"http://127.0.0.1:{listener.port}/inside/"
    _hits_through_guard(allowed, f"http://localhost:{listener.port}/")
    assert listener.hits  # the allowed server was asked
    assert all("inside" not in hit for hit in listener.hits)


def test_plain_http_is_refused_unless_the_operator_allows_it(listener: Listener) -> None:
    allow_list = OutboundPolicy.allowing("127.0.0.1", allow_http=False)
    _hits_through_guard(allow_list, f"http://127.0.0.1:{listener.port}/")
    assert listener.hits == []
    allowed = OutboundPolicy.allowing("127.0.0.1")
    _hits_through_guard(allowed, f"http://127.0.0.1:{listener.port}/", CalendarError)
    assert listener.hits  # with http allowed and the address listed, the request goes


async def test_the_allow_list_lets_a_self_hosted_radicale_through(
    radicale: RadicaleServer,
) -> None:
    radicale.fresh_account("alice")
    strict = open_client(radicale.url, "alice", PASSWORDS["alice"])
    with pytest.raises(ProviderUnavailable):
        await discover_calendars(strict)
    for spec in ("127.0.0.1", "127.0.0.0/8", "10.0.0.0/8, 127.0.0.1/32"):
        listed = open_client(
            radicale.url, "alice", PASSWORDS["alice"], policy=OutboundPolicy.allowing(spec)
        )
        assert len(await discover_calendars(listed)) == 1


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),
        ("::ffff:10.0.0.1", False),
        ("ff02::1", False),
    ],
)
def test_only_public_addresses_pass(address: str, allowed: bool) -> None:
    assert public(ipaddress.ip_address(address)) is allowed
