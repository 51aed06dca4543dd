"""Spans for what Strawberry runs (added to the schema's extensions only while tracing is
on, `schema.Schema.get_extensions`):

- `execute`: Strawberry's executor (the reference path; for a subscription, its set-up),
  under the operation's span, which it names after the operation;
- a WebSocket operation's own SERVER span, since the connection has no request span: it
  continues the trace of the upgrade request's `traceparent`, covers a query or mutation
  to its answer, and a subscription to its start (events pushed later make no spans, nor
  does the stream identical subscribers share, `server.websocket.fanout`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import Token
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.subscriptions.sharing import in_group_stream
from server.observability.tracing.http import SERVER_FAULTS, headers_of

if TYPE_CHECKING:
    from server.observability.tracing import Tracing

UNNAMED = "GraphQL Operation"
"""The conventions' name for an operation whose type is not known (it did not parse)."""


def operation_span_name(operation_type: str, name: str | None) -> str:
    return f"{operation_type} {name}" if name else operation_type


def name_operation(span: Span, operation_type: str, name: str | None) -> None:
    span.update_name(operation_span_name(operation_type, name))
    span.set_attribute("graphql.operation.type", operation_type)
    if name:
        span.set_attribute("graphql.operation.name", name)


class OperationSpans(SchemaExtension):
    def __init__(self, tracing: Tracing) -> None:
        self.tracing = tracing
        self.operation_span: Span | None = None
        self.quiet: Token[Context] | None = None  # the token of "no span from here on"

    def on_operation(self) -> Iterator[None]:
        token = self._start_websocket_operation()
        try:
            yield
        finally:
            if self.quiet is not None:
                otel_context.detach(self.quiet)
            self._end_operation()
            if token is not None:
                otel_context.detach(token)

    def _start_websocket_operation(self) -> Token[Context] | None:
        """The operation's span, current from here on (None: no span of its own). Over
        HTTP the request's span is the operation's; a group's shared stream is no
        operation (each member's own start was spanned when it was admitted)."""
        request = getattr(self.execution_context.context, "request", None)
        if not isinstance(request, WebSocket) or in_group_stream():
            return None
        span = self.tracing.tracer.start_span(
            UNNAMED,
            context=propagate.extract(headers_of(request.scope)),
            kind=SpanKind.SERVER,
            attributes=_websocket_attributes(request),
        )
        self.operation_span = span
        return otel_context.attach(trace.set_span_in_context(span))

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        operation_type = execution.operation_type.value
        self.tracing.operation(operation_type, execution.operation_name)
        with self.tracing.span("execute", {"dpgraph.executor": "reference"}):
            yield
        if execution.operation_type is OperationType.SUBSCRIPTION:
            # It has started: its span ends (over a WebSocket), and the events it pushes
            # from now on, for hours maybe, make no spans under it (nor under an SSE or
            # multipart request's span, which lasts as long as the stream).
            self._end_operation()
            self.quiet = otel_context.attach(trace.set_span_in_context(trace.INVALID_SPAN))

    def _end_operation(self) -> None:
        span, self.operation_span = self.operation_span, None
        if span is None:
            return
        code = _first_code(self.execution_context.result)
        if code is not None:
            span.set_attribute("error.type", code)
            if code in SERVER_FAULTS:
                span.set_status(Status(StatusCode.ERROR, code))
        span.end()


def _websocket_attributes(websocket: WebSocket) -> dict[str, str]:
    attributes = {"url.path": websocket.scope["path"], "network.protocol.name": "websocket"}
    client = websocket.scope.get("client")
    if client:
        attributes["client.address"] = str(client[0])
    return attributes


def _first_code(result: Any) -> str | None:
    errors = getattr(result, "errors", None)
    if not errors:
        return None
    code = (getattr(errors[0], "extensions", None) or {}).get("code")
    return str(code) if code else None
