"""One SERVER span per HTTP request, continuing the client's trace (W3C `traceparent`, or
whatever OTEL_PROPAGATORS names), with the HTTP semantic conventions' attributes.

A GraphQL request's span is renamed after its operation (`query PackagePage`) by the
layer that learns it (`Tracing.operation`); any other request is `{method} {route}`.
`url.query` is left out: a GET query carries its document and variables there. The
outcome comes from the request's log fields (`core.request_context`): the first error's
`extensions.code` as `error.type`, the query cost, the statements sent; the span's trace
id goes the other way, into the JSON log line (`traceId`).
"""

from __future__ import annotations

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.request_context import current_fields

UNTRACED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
"""Probes and scrapes: a trace every few seconds that says nothing about the API."""

SERVER_FAULTS = frozenset({"INTERNAL_SERVER_ERROR"})
"""Codes that mark the span as failed whatever the status (a 200 with a masked fault)."""


def headers_of(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


class RequestSpans:
    def __init__(self, app: ASGIApp, tracer: trace.Tracer) -> None:
        self.app = app
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNTRACED_PATHS:
            await self.app(scope, receive, send)
            return
        headers = headers_of(scope)
        method = scope["method"]
        with self.tracer.start_as_current_span(
            method,
            context=propagate.extract(headers),
            kind=SpanKind.SERVER,
            attributes=_request_attributes(scope, headers),
            record_exception=False,  # an escaping exception is logged with the request id
            set_status_on_exception=False,
        ) as span:
            fields = current_fields()
            if fields is not None and span.is_recording():
                fields["traceId"] = format(span.get_span_context().trace_id, "032x")
            status = 500

            async def send_status(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await self.app(scope, receive, send_status)
            except Exception as error:
                span.set_attribute("error.type", type(error).__qualname__)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                raise
            finally:
                if span.is_recording():
                    _finish(span, scope, method, status, fields or {})


def _request_attributes(scope: Scope, headers: dict[str, str]) -> dict[str, str | int]:
    attributes: dict[str, str | int] = {
        "http.request.method": scope["method"],
        "url.path": scope["path"],
        "url.scheme": scope.get("scheme", "http"),
    }
    if scope.get("http_version"):
        attributes["network.protocol.version"] = scope["http_version"]
    server = scope.get("server")
    if server:
        attributes["server.address"] = str(server[0])
        if server[1] is not None:
            attributes["server.port"] = int(server[1])
    client = scope.get("client")
    if client:
        attributes["client.address"] = str(client[0])
    if "user-agent" in headers:
        attributes["user_agent.original"] = headers["user-agent"]
    return attributes


def _finish(
    span: trace.Span, scope: Scope, method: str, status: int, fields: dict[str, object]
) -> None:
    if fields.get("clientGone"):
        status = 499  # as the log line says: the client left before its answer
    span.set_attribute("http.response.status_code", status)
    route = _route(scope)
    if route is not None:
        span.set_attribute("http.route", route)
    attributes = getattr(span, "attributes", None) or {}
    if "graphql.operation.type" not in attributes:  # no operation began: named as HTTP
        span.update_name(f"{method} {route}" if route is not None else method)
        if isinstance(fields.get("operation"), str):  # the operationName it was sent with
            span.set_attribute("graphql.operation.name", str(fields["operation"]))
    if fields.get("requestId") is not None:
        span.set_attribute("dpgraph.request_id", str(fields["requestId"]))
    for field, attribute in (("cost", "dpgraph.query.cost"), ("sql", "dpgraph.sql.statements")):
        value = fields.get(field)
        if isinstance(value, int):
            span.set_attribute(attribute, value)
    code = fields.get("errorCode")
    if code or status >= 500:
        span.set_attribute("error.type", str(code or status))
    if status >= 500 or code in SERVER_FAULTS:  # a client's mistake (4xx) leaves it unset
        span.set_status(Status(StatusCode.ERROR, str(code or status)))


def _route(scope: Scope) -> str | None:
    """The matched route's template (`/api/v4/packages/{slug}/`), as Starlette's own
    OpenTelemetry middleware reads it; None when no route matched."""
    route = scope.get("route")
    if isinstance(route, Mount):
        return str(scope.get("root_path") or "/")
    path_format = getattr(route, "path_format", None)
    if isinstance(path_format, str):
        return str(scope.get("root_path", "")).rstrip("/") + path_format or "/"
    return None
