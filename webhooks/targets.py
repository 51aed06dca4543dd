"""Where a webhook may send: http(s) URLs whose host resolves only to public addresses.

Checked when the webhook is created and again before every attempt (a name may be
re-pointed later), so a webhook cannot be used to reach the server's own network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class TargetRefused(ValueError):
    """The URL is malformed or points somewhere this server does not send to."""


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


async def check_target(url: str, *, allow_private: bool) -> None:
    host, port = check_url(url)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise TargetRefused(f"The host {host!r} does not resolve.") from None
    for *_, address in infos:
        ip = ipaddress.ip_address(str(address[0]).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            raise TargetRefused(
                f"The host {host!r} resolves to {ip}, a loopback, private or reserved address; "
                "the server does not send there (WEBHOOK_ALLOW_PRIVATE_TARGETS allows it)."
            )
