"""Is a connection from this machine's own user? Loopback, and not relayed by a proxy or a
tunnel: what decides the laptop's automatic sign-in and who may read /metrics without a
token. Kept below the channels and the server's hardening, which both ask."""

from __future__ import annotations

import ipaddress

from starlette.requests import HTTPConnection

#: Headers proxies and tunnels add: a request carrying one did not come from this machine's
#: user, though it reached us over loopback.
FORWARDING_HEADERS = frozenset(
    {
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"x-real-ip",
        b"via",
        b"cf-connecting-ip",
        b"true-client-ip",
    }
)


def loopback_name(name: str | None) -> bool:
    """`localhost`, 127.0.0.0/8 or ::1 (with or without brackets)."""
    if not name:
        return False
    name = name.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def direct_from_loopback(connection: HTTPConnection) -> bool:
    """The connection comes from this machine and no proxy forwarded it."""
    client = connection.client
    if client is None or not loopback_name(client.host):
        return False
    return not any(name in FORWARDING_HEADERS for name, _ in connection.scope.get("headers", []))
