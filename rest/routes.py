"""Mounting v4 and v3 under `/api/`, with JSON answers for addresses that do not exist."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from core.db import Database
from core.settings import Settings
from rest.context import RestContext
from rest.errors import NotFound
from rest.responses import ROUTE_METHODS, error_response
from rest.v3 import v3_routes
from rest.v4 import v4_routes


async def _unknown(request: Request) -> Response:
    """Django's APPEND_SLASH, then DRF's 404: every API address ends with a slash."""
    path = request.url.path
    if not path.endswith("/"):
        return RedirectResponse(request.url.replace(path=path + "/"), status_code=301)
    return error_response(NotFound())


def _fallback() -> Route:
    return Route("/{rest:path}", _unknown, methods=ROUTE_METHODS)


def rest_routes(db: Database, settings: Settings) -> list[BaseRoute]:
    """The REST compatibility layer: `/api/v4/...` and `/api/v3/...`, read-only."""
    api = RestContext.create(db=db, settings=settings)
    return [
        Mount("/api/v4", routes=[*v4_routes(api), _fallback()]),
        Mount("/api/v3", routes=[*v3_routes(api), _fallback()]),
    ]
