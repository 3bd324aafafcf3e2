"""The guarded outbound client: a user-supplied URL reaches only the public internet.

A user may type any address as "their CalDAV server". Without a guard the server would send
requests (with Basic credentials) to its own loopback, its private network or the cloud's
metadata service, and its different replies for open and closed ports would map that
network. So every request to a user-supplied URL goes through `GuardedSession`:

- the scheme must be https (http only when the operator allows it);
- the host is resolved by `GuardedResolver`, which is the resolver the connection itself
  uses: the addresses checked are the addresses connected to, so a name that resolves to a
  public address when checked and to 127.0.0.1 a moment later (DNS rebinding) cannot pass;
- every address must be public: loopback, private, link-local (169.254.169.254, the cloud
  metadata service), multicast, reserved, unspecified and unique-local (fd00:ec2::254) ranges
  are refused, IPv4-mapped IPv6 included, unless the operator's allow-list names the host or
  a network holding the address (a self-hosted server on the same network);
- redirects are checked the same way, hop by hop (scheme here, addresses in the resolver);
- the timeout is capped, proxies and .netrc from the environment are ignored.

A refused destination raises `ForbiddenDestination`, a kind of `socket.gaierror`, so the
HTTP stack reports it exactly as a name that does not resolve: callers answer "could not
reach the server" for all of them alike.
"""

from __future__ import annotations

import importlib
import ipaddress
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

import niquests
import structlog

from calendar_assistant.net.policy import (
    MAX_REDIRECTS,
    METADATA_ADDRESSES,
    ForbiddenDestination,
    IPAddress,
    IPNetwork,
    OutboundPolicy,
    public,
)

__all__ = [
    "MAX_REDIRECTS",
    "METADATA_ADDRESSES",
    "ForbiddenDestination",
    "GuardedResolver",
    "GuardedSession",
    "IPAddress",
    "IPNetwork",
    "OutboundPolicy",
    "public",
]

log = structlog.get_logger(__name__)

# niquests runs on urllib3-future, importable as `urllib3` or `urllib3_future` by what else
# is installed; niquests' own alias finds the one it uses.
SystemResolver: Any = importlib.import_module(
    "niquests.packages.urllib3.contrib.resolver.system"
).SystemResolver


class GuardedResolver(SystemResolver):  # type: ignore[misc]
    """The system resolver, refusing a name when any of its addresses is not allowed."""

    def __init__(self, policy: OutboundPolicy) -> None:
        super().__init__()
        self.policy = policy

    def recycle(self) -> GuardedResolver:
        return self

    def getaddrinfo(
        self,
        host: bytes | str | None,
        port: str | int | None,
        family: socket.AddressFamily,
        type: socket.SocketKind,
        proto: int = 0,
        flags: int = 0,
        *,
        quic_upgrade_via_dns_rr: bool = False,
    ) -> list[Any]:
        name = host.decode("ascii") if isinstance(host, bytes) else (host or "")
        name = name.strip("[]")
        records = socket.getaddrinfo(name, port, family, type, proto, flags)
        for record in records:
            address = ipaddress.ip_address(str(record[4][0]).split("%", 1)[0])
            if not self.policy.address_allowed(name, address):
                log.warning("outbound_refused", host=name, address=str(address))
                raise ForbiddenDestination(f"{name} resolves to a forbidden address")
        if not records:
            raise ForbiddenDestination(f"{name} has no address")
        return list(records)


class GuardedSession(niquests.Session):
    """A niquests session that sends only where `policy` allows, hop by hop."""

    def __init__(self, policy: OutboundPolicy) -> None:
        super().__init__(resolver=GuardedResolver(policy))
        self.policy = policy
        self.trust_env = False  # no proxy or .netrc from the environment
        self.max_redirects = MAX_REDIRECTS

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        try:
            self.policy.check_url(url)
        except ForbiddenDestination:
            log.warning("outbound_refused", scheme=urlsplit(url).scheme)
            raise
        given = kwargs.get("timeout")
        limit = self.policy.timeout_seconds
        kwargs["timeout"] = limit if not isinstance(given, int | float) else min(given, limit)
        kwargs["proxies"] = None
        return super().request(method, url, *args, **kwargs)

    def get_redirect_target(self, resp: Any) -> str | None:
        target = super().get_redirect_target(resp)
        if target is not None:
            self.policy.check_url(urljoin(str(resp.url), target))
        return target
