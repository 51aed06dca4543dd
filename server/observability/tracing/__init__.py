"""OpenTelemetry traces, on when the standard OTEL_* variables ask for them
(`core.tracing.requested`); the app factory imports this package only then.

Per HTTP request a SERVER span named after the GraphQL operation
(`server.observability.tracing.http`); under it the compiled plan (`plan`) or Strawberry's
executor (`execute`, `server.observability.tracing.operations`), and under those a CLIENT span
per SQL statement (`server.observability.tracing.statements`). A WebSocket operation gets a span
of its own. Inner spans are made only under a recording operation span: start-up work, the
webhook runner and the differential check's reference run make none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Status, StatusCode
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware import Middleware

import core.tracing
from core.tracing import Attributes, Expected
from server.observability.tracing.http import RequestSpans
from server.observability.tracing.operations import OperationSpans, name_operation
from server.observability.tracing.provider import configured_provider, provider_from_environment
from server.observability.tracing.statements import StatementSpans

logger = logging.getLogger("dpgraph.tracing")

INSTRUMENTATION = "dpgraph"
_NOTHING: AbstractContextManager[None] = nullcontext()
EXPORT_ON_STOP_SECONDS = 2.0
"""How long stopping waits for the spans still queued to be exported: a collector that
does not answer must not hold a shutting-down process for the exporter's 10 s."""


class Tracing:
    """The hooks of `core.tracing`, backed by a tracer of `provider` (`owned`: made here
    from the OTEL_* variables, so shut down here)."""

    def __init__(
        self, provider: trace.TracerProvider, engine: AsyncEngine, *, owned: bool = False
    ) -> None:
        self.provider = provider
        self.owned = owned
        self.tracer = provider.get_tracer(INSTRUMENTATION)
        self.statements = StatementSpans(self.tracer, engine.sync_engine)

    @classmethod
    def start(
        cls,
        engine: AsyncEngine,
        environ: Mapping[str, str],
        provider: trace.TracerProvider | None = None,
    ) -> Tracing:
        """Trace this app's requests and `engine`'s statements; `provider` (tests: one
        with an in-memory exporter) or the one the OTEL_* variables describe."""
        owned = False
        if provider is None:
            provider = configured_provider()
        if provider is None:
            provider, owned = provider_from_environment(environ), True
        tracing = cls(provider, engine, owned=owned)
        tracing.statements.listen()
        core.tracing.install(tracing)
        return tracing

    async def stop(self) -> None:
        """Back to no-ops; a provider made here exports what it still holds and shuts
        down, within EXPORT_ON_STOP_SECONDS."""
        if core.tracing.installed() is self:
            core.tracing.install(None)
        self.statements.remove()  # once: a second stop finds nothing to do
        if self.owned and isinstance(self.provider, TracerProvider):
            await _shut_down(self.provider, EXPORT_ON_STOP_SECONDS)

    def middleware(self) -> list[Middleware]:
        """Inside the request log: the span sees the log's fields, the line its trace id."""
        return [Middleware(RequestSpans, tracer=self.tracer)]

    # The hooks of core.tracing.Tracer:

    def span(
        self, name: str, attributes: Attributes, expected: Expected = ()
    ) -> AbstractContextManager[None]:
        if not trace.get_current_span().is_recording():
            return _NOTHING
        return self._span(name, attributes, expected)

    @contextmanager
    def _span(self, name: str, attributes: Attributes, expected: Expected) -> Iterator[None]:
        with self.tracer.start_as_current_span(
            name, attributes=attributes, record_exception=False, set_status_on_exception=False
        ) as span:
            try:
                yield
            except expected as ended:
                span.set_attribute("dpgraph.ended_by", type(ended).__qualname__)
                raise
            except Exception as error:  # its class only: messages may quote a client's values
                span.set_attribute("error.type", type(error).__qualname__)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                raise

    def statement(self, text: str) -> AbstractContextManager[None]:
        return self.statements.around(text)

    def operation(self, operation_type: str, name: str | None) -> None:
        span = trace.get_current_span()
        if span.is_recording():
            name_operation(span, operation_type, name)

    @contextmanager
    def detached(self) -> Iterator[None]:
        token = otel_context.attach(trace.set_span_in_context(trace.INVALID_SPAN))
        try:
            yield
        finally:
            otel_context.detach(token)

    def schema_extension(self) -> OperationSpans:
        return OperationSpans(self)


async def _shut_down(provider: TracerProvider, seconds: float) -> None:
    """`provider.shutdown()` blocks until its last export ends, retries included: it runs
    on a daemon thread, which the process does not wait for past `seconds`."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def finished() -> None:
        if not done.done():
            done.set_result(None)

    def shut_down() -> None:
        try:
            provider.shutdown()
        finally:
            with contextlib.suppress(RuntimeError):  # the loop may be closed by then
                loop.call_soon_threadsafe(finished)

    threading.Thread(target=shut_down, name="dpgraph-tracing-stop", daemon=True).start()
    try:
        await asyncio.wait_for(done, seconds)
    except TimeoutError:
        logger.warning("traces: the last spans were not exported within %g s", seconds)
