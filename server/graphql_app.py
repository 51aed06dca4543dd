"""Strawberry's ASGI app, given our typed context, fast JSON and WebSocket limits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
import strawberry
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)

from events import EventHub
from schema.context import Context
from server.db import Database
from server.graphiql import graphiql_page
from server.limits import ConnectionLimiter, MemoryLimiter
from server.settings import Settings
from server.websockets import PingingTransportWSHandler, TextFrameWebSocketAdapter

TOO_MANY_CONNECTIONS = 4429


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = PingingTransportWSHandler
    websocket_adapter_class = TextFrameWebSocketAdapter

    def __init__(
        self,
        schema: strawberry.Schema,
        *,
        db: Database,
        settings: Settings,
        hub: EventHub | None = None,
        limiter: ConnectionLimiter | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            keep_alive=True,
            keep_alive_interval=settings.keepalive_seconds,
            subscription_protocols=(
                GRAPHQL_TRANSPORT_WS_PROTOCOL,
                GRAPHQL_WS_PROTOCOL,
                GRAPHQL_SSE_PROTOCOL,  # Accept: text/event-stream
                MULTIPART_SUBSCRIPTION_PROTOCOL,  # Accept: multipart/mixed;subscriptionSpec=1.0
            ),
            connection_init_wait_timeout=timedelta(
                seconds=settings.connection_init_timeout_seconds
            ),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.db = db
        self.settings = settings
        self.hub = hub
        self.keepalive_seconds = settings.keepalive_seconds
        self.limiter = limiter or MemoryLimiter(settings.max_connections_per_client)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        if not await self.limiter.acquire(client):
            await self._refuse(scope, receive, send)
            return
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.limiter.release(client)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Accept, then close with a code the client's protocol library reports."""
        websocket = WebSocket(scope, receive, send)
        offered = scope.get("subprotocols") or []
        known = [p for p in offered if p in (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL)]
        await websocket.accept(subprotocol=known[0] if known else None)
        limit = self.settings.max_connections_per_client
        await websocket.close(TOO_MANY_CONNECTIONS, f"Too many connections (limit {limit})")

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context.create(
            db=self.db, settings=self.settings, request=request, response=response, hub=self.hub
        )

    async def on_ws_connect(self, context: Context) -> Any:
        """A token in `connection_init` must be valid (close 4403 otherwise); none is fine."""
        if context.presented_token() is not None and await context.identity() is None:
            raise ConnectionRejectionError
        return await super().on_ws_connect(context)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """Our GraphiQL page: assets served locally, example queries as tabs."""
        return HTMLResponse(graphiql_page())

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)
