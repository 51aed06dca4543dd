"""WebSocket protocol details strawberry leaves to us: text frames, and server pings on
graphql-transport-ws.

(graphql-ws, the legacy protocol, has its own keep-alive: strawberry sends `ka`.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

import orjson
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage


class TextFrameWebSocketAdapter(ASGIWebSocketAdapter):
    """Every message goes out as a text frame, as graphql-transport-ws and graphql-ws require.

    The view's `encode_json` returns bytes (fast for HTTP bodies), which strawberry would
    send as binary frames: real clients (graphql-ws, gql, GraphiQL) reject those.
    """

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


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
