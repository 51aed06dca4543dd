"""One log line per HTTP request, with a request id, and JSON logs when asked.

The id comes from the client's `X-Request-ID` when it is a plain token (letters, digits,
`.`, `_`, `-`; up to 64), else a new one; it goes back in the response's `X-Request-ID`,
in every log line written while the request runs, and in a masked error's
`extensions.requestId`, so a user's report finds the server's log. The line holds the
method, path, status, duration, client address, and the operation name and cost when the
GraphQL layer notes them; never a header, so never a token.
"""

from __future__ import annotations

import logging
import os
import re
import time
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.headers import header
from core.request_context import close_request, open_request, request_id
from metrics import observe_request

ACCESS = logging.getLogger("dpgraph.access")
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _new_id() -> str:
    """32 random hex digits, as `uuid4().hex` gave, at a fifth of its cost (no UUID object)."""
    return os.urandom(16).hex()


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = header(scope, b"x-request-id") or ""
        rid = given if _SAFE_ID.fullmatch(given) else _new_id()
        client = scope.get("client") or ("unknown", 0)
        fields: dict[str, Any] = {
            "requestId": rid,
            "method": scope["method"],
            "path": scope["path"],
            "client": client[0],
        }
        token = open_request(fields)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            # 499 (nginx's "client closed request"): the client left before its answer.
            if fields.pop("clientGone", False):
                status = 499
            if scope["path"] == "/graphql":
                observe_request(fields, status, seconds)
            if ACCESS.isEnabledFor(logging.INFO):
                fields["status"] = status
                fields["durationMs"] = round(seconds * 1000, 2)
                ACCESS.info("request", extra={"fields": dict(fields)})
            close_request(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's fields and the
    running request's id."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if "requestId" not in entry and (rid := request_id()) is not None:
            entry["requestId"] = rid
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logs(log_format: str, level: str) -> None:
    """json: the dpgraph loggers, access lines included, write JSON to stderr at `level`.
    text: no access lines (uvicorn's access log already has one per request)."""
    if log_format != "json":
        ACCESS.setLevel(logging.WARNING)
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("dpgraph")
    logger.handlers = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
    ACCESS.setLevel(logging.NOTSET)  # follows `level`
