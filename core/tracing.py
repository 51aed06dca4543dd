"""Trace spans as the layers below the server see them (the compiled plan, its statements): no-ops
until `server.observability.tracing` installs a tracer, which the app factory does only when the
standard OTEL_* variables ask for traces. Nothing here imports OpenTelemetry, so with tracing
off a hook costs one global lookup and the package need not be installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

Attributes = Mapping[str, str | int | float | bool]
Expected = tuple[type[BaseException], ...]

_NOTHING: AbstractContextManager[None] = nullcontext()


class Tracer(Protocol):
    """What `server.observability.tracing` provides: spans under the running operation's
    span only."""

    def span(
        self, name: str, attributes: Attributes, expected: Expected
    ) -> AbstractContextManager[None]: ...

    def statement(self, text: str) -> AbstractContextManager[None]: ...

    def operation(self, operation_type: str, name: str | None) -> None: ...

    def detached(self) -> AbstractContextManager[None]: ...

    def schema_extension(self) -> Any: ...


_tracer: Tracer | None = None


def requested(environ: Mapping[str, str]) -> bool:
    """Traces are asked for as OpenTelemetry SDKs define it: an exporter named in
    OTEL_TRACES_EXPORTER (other than `none`), or an OTLP endpoint; OTEL_SDK_DISABLED=true
    turns everything off. These are the SDK's variables, read from the process
    environment as every SDK reads them (not `Settings`)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def install(tracer: Tracer | None) -> None:
    """Route the hooks below to `tracer` (None: back to no-ops)."""
    global _tracer
    _tracer = tracer


def installed() -> Tracer | None:
    return _tracer


def span(
    name: str, attributes: Attributes, expected: Expected = ()
) -> AbstractContextManager[None]:
    """A child span of the running operation for the block (nothing when tracing is off
    or no operation is being traced). An exception escaping the block marks the span
    failed, unless it is `expected` (a planned way out, e.g. the plan's Abort): then
    `dpgraph.ended_by` names it."""
    tracer = _tracer
    return _NOTHING if tracer is None else tracer.span(name, attributes, expected)


def statement(text: str) -> AbstractContextManager[None]:
    """A span for one SQL statement sent outside SQLAlchemy's execution (the compiled
    path's asyncpg calls); statements SQLAlchemy runs get theirs from its engine events."""
    tracer = _tracer
    return _NOTHING if tracer is None else tracer.statement(text)


def operation(operation_type: str, name: str | None) -> None:
    """Name the running operation's span (`query Name`) once its type is known."""
    tracer = _tracer
    if tracer is not None:
        tracer.operation(operation_type, name)


def detached() -> AbstractContextManager[None]:
    """Work in the block is no part of the running operation's trace (the differential
    check's reference run): it makes no spans."""
    tracer = _tracer
    return _NOTHING if tracer is None else tracer.detached()


def schema_extension() -> Any:
    """The Strawberry extension that spans its executor (None when tracing is off)."""
    tracer = _tracer
    return None if tracer is None else tracer.schema_extension()
