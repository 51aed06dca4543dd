"""GraphQL over HTTP, as the specification (graphql/graphql-over-http) asks.

- The answer's media type follows the request's `Accept`:
  `application/graphql-response+json` when the client prefers it, `application/json`
  otherwise (legacy clients, `*/*`, no header).
- A request that fails before execution (parse, validation, variable coercion) has no
  `data` entry; under `application/graphql-response+json` it is answered with 400, under
  `application/json` with 200, which is what clients of that type expect.
- A request the server cannot take at all (malformed JSON, no query, unknown operation,
  a mutation over GET) is still a GraphQL response: `{"errors": [{"message", "extensions":
  {"code"}}]}` in the negotiated media type, never plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.responses import Response

from core.request_context import note

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

# Request errors: the HTTP status says what kind, the code says it to programs.
BAD_REQUEST = "BAD_REQUEST"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
NOT_FOUND = "NOT_FOUND"

_CODE_BY_STATUS = {400: BAD_REQUEST, 404: NOT_FOUND, 405: METHOD_NOT_ALLOWED}


class RequestError(HTTPException):
    """A request refused before execution, with the code clients branch on."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        code: str,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(status_code, reason)
        self.code = code
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})  # beside `code` (`requestId`...)


def response_media_type(accept: str | None) -> str:
    """The media type the client ranks highest of the two we speak (ties favour the
    GraphQL one); `application/json` when the header is missing or names neither."""
    best, best_quality = JSON, -1.0
    for media_range in (accept or "").split(","):
        media, _, parameters = media_range.partition(";")
        media = media.strip().lower()
        if media == GRAPHQL_RESPONSE_JSON:
            candidate = GRAPHQL_RESPONSE_JSON
        elif media in (JSON, "application/*", "*/*"):
            candidate = JSON
        else:
            continue
        quality = _quality(parameters)
        if quality <= 0:
            continue
        if quality > best_quality or (
            quality == best_quality and candidate == GRAPHQL_RESPONSE_JSON
        ):
            best, best_quality = candidate, quality
    return best


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def failed_before_execution(response: Mapping[str, Any]) -> bool:
    """No data and only errors without a path: parse, validation or variable coercion
    failed (a field error always carries its path)."""
    errors = response.get("errors")
    return (
        response.get("data") is None
        and bool(errors)
        and all("path" not in error for error in errors or ())
    )


def request_error_response(error: HTTPException, media_type: str) -> Response:
    """A refused request as a GraphQL response in the media type the client asked for."""
    code = error.code if isinstance(error, RequestError) else _CODE_BY_STATUS.get(error.status_code)
    note(errorCode=code or BAD_REQUEST)
    extensions = error.extensions if isinstance(error, RequestError) else {}
    body = {
        "errors": [
            {"message": error.reason, "extensions": {"code": code or BAD_REQUEST, **extensions}}
        ]
    }
    headers = error.headers if isinstance(error, RequestError) else None
    return Response(
        orjson.dumps(body), status_code=error.status_code, media_type=media_type, headers=headers
    )
