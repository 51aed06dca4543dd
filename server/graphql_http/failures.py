"""A failure outside execution (the token look-up, the compiled lane, the view itself)
answered as GraphQL: DATABASE_UNAVAILABLE (503) when the database is out of reach,
INTERNAL_SERVER_ERROR (500) otherwise; never Starlette's plain-text 500."""

from __future__ import annotations

import logging
from typing import Any

from core.failures import DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from core.request_context import request_id
from server.graphql_http.http_protocol import RequestError

logger = logging.getLogger("dpgraph.errors")

RETRY_AFTER_SECONDS = "1"


def failure_answer(error: Exception) -> RequestError:
    """The refusal to send for `error`; the details go to the log only."""
    if database_unavailable(error):
        logger.warning("database unavailable: %s", error)
        return unavailable()
    logger.error("unexpected error outside execution", exc_info=error)
    rid = request_id()  # the log line of this request has it too
    extensions = {"requestId": rid} if rid is not None else None
    return RequestError(
        500, "Internal server error.", "INTERNAL_SERVER_ERROR", extensions=extensions
    )


def unavailable() -> RequestError:
    return RequestError(
        503, UNAVAILABLE_MESSAGE, DATABASE_UNAVAILABLE, {"Retry-After": RETRY_AFTER_SECONDS}
    )


def only_unavailable(response_data: Any) -> bool:
    """A result whose every error is DATABASE_UNAVAILABLE and that has no data to show:
    it is answered 503, so proxies and clients retry it as they would any outage."""
    if not isinstance(response_data, dict):
        return False
    errors = response_data.get("errors") or []
    data = response_data.get("data")
    return (
        bool(errors)
        and all((e.get("extensions") or {}).get("code") == DATABASE_UNAVAILABLE for e in errors)
        and (data is None or (isinstance(data, dict) and all(v is None for v in data.values())))
    )
