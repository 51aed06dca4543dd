"""uvicorn's HTTP protocol with a cap on the connections one client address holds.

uvicorn's `limit_concurrency` (MAX_CONCURRENCY) counts every open connection of the
process: one address holding 2,100 idle sockets got 94 % of other clients answered 503.
Here each process counts the open HTTP connections of each address; past
MAX_HTTP_CONNECTIONS_PER_CLIENT, a new one is answered 429 TOO_MANY_CONNECTIONS as soon
as its request head arrives (within a second, or it is closed), and it is not counted in
`limit_concurrency`, so the address's excess cannot crowd others out.

A connection from a trusted proxy (uvicorn's FORWARDED_ALLOW_IPS, with proxy headers
on) carries many clients: it is not capped here; the limits per request (requests in
flight, rate limits) apply to the address the proxy forwards. A connection upgraded to a
WebSocket leaves this count for MAX_CONNECTIONS_PER_CLIENT's (`server.guards.limits`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

# uvicorn's own parser of FORWARDED_ALLOW_IPS (addresses, networks, `*`), so an address
# is trusted here exactly when uvicorn takes its X-Forwarded-For.
from uvicorn.middleware.proxy_headers import _TrustedHosts

from metrics import REFUSALS
from server.guards.header_limit import HeaderLimitHttpTools, error_body, protocol_settings

TOO_MANY_CONNECTIONS = "TOO_MANY_CONNECTIONS"
OVER_CAP_HEAD_SECONDS = 1.0
"""How long a connection over the cap may take to send the head its 429 answers."""


class _Counts:
    """The open connections of each address, for one uvicorn server (one process)."""

    def __init__(self, config: Any) -> None:
        self.open: Counter[str] = Counter()
        self.trusted = _TrustedHosts(config.forwarded_allow_ips) if config.proxy_headers else None

    def is_trusted(self, host: str) -> bool:
        return self.trusted is not None and host in self.trusted


def _counts(server_state: Any, config: Any) -> _Counts:
    counts: _Counts | None = getattr(server_state, "dpgraph_connections", None)
    if counts is None:
        counts = _Counts(config)
        server_state.dpgraph_connections = counts
    return counts


class ConnectionCapHttpTools(HeaderLimitHttpTools):
    _counted: str | None = None  # the address this connection counts for

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        cap = protocol_settings().max_http_connections_per_client
        host = self.client[0] if self.client else None
        counts = _counts(self.server_state, self.config)
        if not cap or host is None or counts.is_trusted(host):
            return
        if counts.open[host] >= cap:
            self._over_cap(cap)
            return
        counts.open[host] += 1
        self._counted = host

    def _over_cap(self, cap: int) -> None:
        """Answer its first request with 429 (no app runs), or close it if none comes."""
        REFUSALS.labels("http_connections").inc()
        self.connections.discard(self)  # not one of MAX_CONCURRENCY's
        self.app = _too_many_connections(cap)
        self._disarm()
        self._head_timer = self.loop.call_later(OVER_CAP_HEAD_SECONDS, self._too_slow)

    def _release(self) -> None:
        host, self._counted = self._counted, None
        if host is None:
            return
        counts = _counts(self.server_state, self.config)
        counts.open[host] -= 1
        if counts.open[host] <= 0:
            del counts.open[host]

    def handle_websocket_upgrade(self) -> None:
        self._release()  # a WebSocket counts in MAX_CONNECTIONS_PER_CLIENT instead
        super().handle_websocket_upgrade()

    def connection_lost(self, exc: Exception | None) -> None:
        self._release()
        super().connection_lost(exc)


def _too_many_connections(cap: int) -> Any:
    """An ASGI app that answers 429 and ends the connection, whatever was asked."""
    body = error_body(
        TOO_MANY_CONNECTIONS,
        f"Too many open connections from this address (limit {cap}): reuse one, or close "
        "some first.",
        limit=cap,
    )
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", b"1"),
        (b"connection", b"close"),
    ]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    return app
