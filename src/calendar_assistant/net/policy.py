"""Where a user-supplied URL may lead: the rules, without the HTTP client.

Apart from `guard` (which needs niquests, installed with the caldav extra) so that settings
and the calendar registry can hold a policy while CalDAV is not installed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Named explicitly though the range checks cover them: the addresses attackers aim at.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
MAX_REDIRECTS = 5


class ForbiddenDestination(socket.gaierror):
    """The address is not one a user-supplied URL may reach (told apart only in our logs)."""


def public(address: IPAddress) -> bool:
    """True for an address on the public internet, false for every special-purpose range."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return public(address.ipv4_mapped)
    if address in METADATA_ADDRESSES:
        return False
    special = (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return address.is_global and not special


def _parse_allowed(spec: str) -> tuple[frozenset[str], tuple[IPNetwork, ...]]:
    """`radicale.lan, 10.0.0.0/8, 127.0.0.1` → host names and networks."""
    hosts: set[str] = set()
    networks: list[IPNetwork] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            hosts.add(item.lower().rstrip("."))
    return frozenset(hosts), tuple(networks)


@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """Where user-supplied URLs may lead; the default allows only public https servers."""

    allow_http: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)
    allowed_networks: tuple[IPNetwork, ...] = ()
    timeout_seconds: float = 10.0

    @classmethod
    def allowing(
        cls, spec: str, *, allow_http: bool = True, timeout_seconds: float = 10.0
    ) -> OutboundPolicy:
        """An operator's allow-list as written in OUTBOUND_ALLOWED_HOSTS."""
        hosts, networks = _parse_allowed(spec)
        return cls(
            allow_http=allow_http,
            allowed_hosts=hosts,
            allowed_networks=networks,
            timeout_seconds=timeout_seconds,
        )

    def check_url(self, url: str) -> None:
        """Refuse a URL whose scheme is not allowed or that names no host."""
        parts = urlsplit(url)
        schemes = {"https", "http"} if self.allow_http else {"https"}
        if parts.scheme.lower() not in schemes or not parts.hostname:
            raise ForbiddenDestination(f"scheme or host not allowed: {parts.scheme}://")

    def address_allowed(self, host: str, address: IPAddress) -> bool:
        """The operator's allow-list first (host name or network), then only public ones."""
        if host.lower().rstrip(".") in self.allowed_hosts:
            return True
        if any(address in network for network in self.allowed_networks):
            return True
        return public(address)
