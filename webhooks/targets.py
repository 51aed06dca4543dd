"""Where a webhook may send: http(s) URLs whose host resolves only to public addresses,
and the one address an attempt then connects to.

Checked when the webhook is created and again before every attempt (a name may be
re-pointed later), so a webhook cannot be used to reach the server's own network. An
IPv6 address that embeds an IPv4 one (NAT64, 6to4, Teredo, IPv4-mapped, -translated or
-compatible) is judged by that IPv4 address too: `[64:ff9b::a9fe:a9fe]` is the metadata
service. The attempt connects to the address that was checked (`Target.address`), with
the URL's host in the Host header and TLS SNI: a name that resolves differently a moment
later (DNS rebinding) cannot move the connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052's well-known prefix
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local use, never public
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # RFC 4291's deprecated IPv4-compatible form
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # RFC 2765 (SIIT)


class TargetRefused(ValueError):
    """The URL is malformed or points somewhere this server does not send to."""


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    port: int
    address: str | None
    """The checked address to connect to; None: not resolved (private targets allowed)."""


def check_url(url: str) -> tuple[str, int]:
    """(host, port) of a well-formed target URL."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("The URL must be absolute, http:// or https://.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("The URL must not carry credentials; sign with the secret instead.")
    if parts.fragment:
        raise TargetRefused("The URL must not have a #fragment.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("The URL's port is not a number from 1 to 65535.") from None
    return parts.hostname, port


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address `ip` carries, by each standard way of embedding one."""
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64 or ip in _COMPATIBLE or ip in _TRANSLATED or ip in _LOCAL_NAT64:
        found.append(low32)
    if ip in _LOCAL_NAT64:  # the /48 format: bits 48-63 and 72-87 (RFC 6052, 2.2)
        packed = ip.packed
        found.append(ipaddress.IPv4Address(packed[6:8] + packed[9:11]))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)  # (server, client); the client's bits come inverted
    return found


def refusal_reason(ip: IPAddress) -> str | None:
    """Why the server must not send to `ip` (None: a public unicast address)."""
    if not ip.is_global or ip.is_multicast:
        return f"{ip}, a loopback, private or reserved address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _LOCAL_NAT64:
            return f"{ip}, a local-use NAT64 address"
        for inner in embedded_ipv4(ip):
            if not inner.is_global or inner.is_multicast:
                return f"{ip}, which embeds {inner}, a loopback, private or reserved address"
    return None


async def check_target(url: str, *, allow_private: bool) -> Target:
    """The target, with the one address to connect to: every address the host resolves
    to must be public (resolved once, here: the attempt connects to what was checked)."""
    host, port = check_url(url)
    if allow_private:
        return Target(url, host, port, None)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused(f"The host {host!r} does not resolve.") from None
    addresses = [ipaddress.ip_address(str(address[0]).split("%")[0]) for *_, address in infos]
    if not addresses:
        raise TargetRefused(f"The host {host!r} does not resolve.")
    for ip in addresses:
        reason = refusal_reason(ip)
        if reason is not None:
            raise TargetRefused(
                f"The host {host!r} resolves to {reason}; the server does not send there "
                "(WEBHOOK_ALLOW_PRIVATE_TARGETS allows it)."
            )
    return Target(url, host, port, str(addresses[0]))
