"""What the running request has gathered for its log line and metrics: id, operation,
cost, SQL statements. Any layer notes into it; `server.observability.request_log` opens it per HTTP
request and writes it out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

_REQUEST: ContextVar[dict[str, Any] | None] = ContextVar("dpgraph_request", default=None)


def open_request(fields: dict[str, Any]) -> Token[dict[str, Any] | None]:
    return _REQUEST.set(fields)


def close_request(token: Token[dict[str, Any] | None]) -> None:
    _REQUEST.reset(token)


@contextmanager
def outside_request() -> Iterator[None]:
    """Work done here is not the request's: its statements stay out of its log line and
    metrics (the differential check's reference run)."""
    token = _REQUEST.set(None)
    try:
        yield
    finally:
        _REQUEST.reset(token)


def note(**values: Any) -> None:
    """Add fields (operation, cost...) to the running request's log line."""
    fields = _REQUEST.get()
    if fields is not None:
        fields.update(values)


def count_statement(*_: Any) -> None:
    """One more SQL statement for the running request (`sql` in its log line and the
    statements-per-request metric); a SQLAlchemy `before_cursor_execute` hook too."""
    fields = _REQUEST.get()
    if fields is not None:
        fields["sql"] = fields.get("sql", 0) + 1


def request_id() -> str | None:
    fields = _REQUEST.get()
    return None if fields is None else str(fields["requestId"])


def current_fields() -> dict[str, Any] | None:
    """The running request's log fields (None outside an HTTP request)."""
    return _REQUEST.get()
