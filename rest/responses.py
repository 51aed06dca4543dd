"""Turning handler results and `ApiError`s into JSON responses, encoded with orjson.

orjson keeps dict insertion order, so each serializer's key order is the wire order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response

from core.statement_timeout import StatementTimedOut, is_statement_timeout
from rest.context import RestContext
from rest.errors import ApiError, MethodNotAllowed, StatementTimeout

Handler = Callable[[RestContext, Request], Awaitable[Any]]
Endpoint = Callable[[Request], Awaitable[Response]]

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
        except DBAPIError as error:
            if not is_statement_timeout(error):
                raise
            return error_response(
                StatementTimeout(str(StatementTimedOut(api.settings.statement_timeout_seconds)))
            )
        return OrjsonResponse(payload, headers={"Vary": "Accept"})

    return run
