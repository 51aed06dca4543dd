"""A small graphql-transport-ws (and graphql-ws) client for tests, over `websockets`."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class GraphQLSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._ids = itertools.count(1)

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        payload: dict[str, Any] | None = None,
        protocol: str = TRANSPORT_WS,
        init: bool = True,
    ) -> GraphQLSocket:
        connection = await connect(url, subprotocols=[protocol])  # type: ignore[list-item]
        socket = cls(connection)
        if init:
            await socket.send({"type": "connection_init", "payload": payload or {}})
            ack = await socket.receive()
            assert ack["type"] == "connection_ack", ack
        return socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message that is not a keep-alive, within `timeout` seconds in all."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            raw = await asyncio.wait_for(self.connection.recv(), remaining)
            # Both protocols are text: real clients refuse binary frames, and so do we.
            assert isinstance(raw, str), f"binary WebSocket frame: {raw!r}"
            message: dict[str, Any] = json.loads(raw)
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            if message.get("type") == "ka":
                continue
            return message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        operation = str(next(self._ids))
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation, "type": "subscribe", "payload": payload})
        return operation

    async def next_payload(self, timeout: float = 5.0) -> dict[str, Any]:
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        payload: dict[str, Any] = message["payload"]
        return payload

    async def expect_silence(self, seconds: float = 0.5) -> None:
        try:
            message = await self.receive(timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected nothing, got {message}")

    async def close(self) -> None:
        await self.connection.close()

    async def __aenter__(self) -> GraphQLSocket:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
