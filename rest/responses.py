"""Turning handler results and `ApiError`s into JSON responses, encoded with orjson.

orjson keeps dict insertion order, so each serializer's key order is the wire order.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from core.failures import DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from core.statement_timeout import StatementTimedOut, is_statement_timeout
from rest.context import RestContext
from rest.errors import ApiError, MethodNotAllowed, StatementTimeout

Handler = Callable[[RestContext, Request], Awaitable[Any]]
Endpoint = Callable[[Request], Awaitable[Response]]

logger = logging.getLogger("dpgraph.rest")

READ_METHODS = ("GET", "HEAD")
# Routes accept every method so that writes get DRF's JSON 405 rather than a plain-text one.
ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class OrjsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def error_response(error: ApiError) -> OrjsonResponse:
    headers = {"Allow": ", ".join(READ_METHODS)} if isinstance(error, MethodNotAllowed) else None
    return OrjsonResponse({"detail": error.detail}, status_code=error.status_code, headers=headers)


def endpoint(api: RestContext, handler: Handler) -> Endpoint:
    """A Starlette endpoint running `handler` for reads and answering errors as JSON."""

    async def run(request: Request) -> Response:
        try:
            if request.method not in READ_METHODS:
                raise MethodNotAllowed(request.method)
            payload = await handler(api, request)
        except ApiError as error:
            return error_response(error)
        except Exception as error:
            if is_statement_timeout(error):
                return error_response(
                    StatementTimeout(str(StatementTimedOut(api.settings.statement_timeout_seconds)))
                )
            if not database_unavailable(error):
                raise
            logger.warning("database unavailable: %s", error)
            return OrjsonResponse(
                {"detail": UNAVAILABLE_MESSAGE, "code": DATABASE_UNAVAILABLE},
                status_code=503,
                headers={"Retry-After": "1"},
            )
        return OrjsonResponse(payload, headers={"Vary": "Accept"})

    return run
