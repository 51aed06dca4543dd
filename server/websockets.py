"""WebSocket protocol details strawberry leaves to us: server pings on graphql-transport-ws.

(graphql-ws, the legacy protocol, has its own keep-alive: strawberry sends `ka`.)
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage


class PingingTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """Sends `{"type": "ping"}` every `keepalive` seconds once the connection is acknowledged,
    so proxies keep idle subscriptions open and dead peers are noticed."""

    _ping_task: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._ping_task is None:
            self._ping_task = asyncio.create_task(self._ping())

    async def _ping(self) -> None:
        interval = float(getattr(self.view, "keepalive_seconds", 15.0))
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(interval)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._ping_task is not None:
            self._ping_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ping_task
            self._ping_task = None
        await super().shutdown()
