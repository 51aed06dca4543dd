"""Strawberry's ASGI app, given our typed context and fast JSON."""

from __future__ import annotations

from typing import Any

import orjson
import strawberry
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from schema.context import Context
from server.db import Database
from server.graphiql import graphiql_page
from server.settings import Settings


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, *, db: Database, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
        )
        self.db = db
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context.create(
            db=self.db, settings=self.settings, request=request, response=response
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """Our GraphiQL page: assets served locally, example queries as tabs."""
        return HTMLResponse(graphiql_page())

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)
