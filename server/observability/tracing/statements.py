"""A CLIENT span per SQL statement, under the operation's span, with the conventions
OpenTelemetry's Python database instrumentations emit by default: `db.system`,
`db.statement` (the statement as sent, with placeholders: never a parameter's value),
`db.name`, `server.address`/`server.port`; named by its first keyword (`SELECT`).

SQLAlchemy's statements are spanned from its engine events (`before_cursor_execute` to
`after_cursor_execute` or `handle_error`). The compiled path's asyncpg calls announce
themselves through `before_cursor_execute` too (so statement counters see them), but
without an execution context: they are spanned around the driver call instead
(`core.tracing.statement`, from `fastpath.statements`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

_SPAN = "_dpgraph_span"  # where a statement's span waits on SQLAlchemy's execution context
_NOTHING: AbstractContextManager[None] = nullcontext()


def statement_name(text: str) -> str:
    """The statement's first keyword, upper case: a span name of low cardinality."""
    head = text.lstrip(" \t\r\n(")
    keyword = head.split(None, 1)[0] if head else ""
    return keyword.upper() if keyword.isalpha() else "SQL"


class StatementSpans:
    """The engine's statements as spans, while an operation's span is recording."""

    def __init__(self, tracer: trace.Tracer, engine: Engine) -> None:
        self.tracer = tracer
        self.engine = engine
        url = engine.url
        self.system = engine.dialect.name
        self.common: dict[str, str | int] = {"db.system": self.system}
        if url.database:
            self.common["db.name"] = url.database
        if url.host:
            self.common["server.address"] = url.host
        if url.port:
            self.common["server.port"] = url.port

    def listen(self) -> None:
        for name, listener in self._listeners():
            event.listen(self.engine, name, listener)

    def remove(self) -> None:
        for name, listener in self._listeners():
            if event.contains(self.engine, name, listener):
                event.remove(self.engine, name, listener)

    def _listeners(self) -> tuple[tuple[str, Callable[..., None]], ...]:
        return (
            ("before_cursor_execute", self._before),
            ("after_cursor_execute", self._after),
            ("handle_error", self._failed),
        )

    def around(self, text: str) -> AbstractContextManager[None]:
        """A statement the compiled path sends itself, spanned around the driver call."""
        if not trace.get_current_span().is_recording():
            return _NOTHING
        return self._around(text)

    @contextmanager
    def _around(self, text: str) -> Iterator[None]:
        span = self._start(text)
        try:
            yield
        except Exception as error:
            _failed(span, error)
            raise
        finally:
            span.end()

    def _start(self, text: str) -> Span:
        return self.tracer.start_span(
            statement_name(text),
            kind=SpanKind.CLIENT,
            attributes={**self.common, "db.statement": text},
        )

    def _before(
        self, conn: Any, cursor: Any, text: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if context is None:  # the compiled path's own announcement: see `around`
            return
        if not trace.get_current_span().is_recording():
            return
        setattr(context, _SPAN, self._start(text))

    def _after(
        self, conn: Any, cursor: Any, text: str, parameters: Any, context: Any, many: bool
    ) -> None:
        span = _take(context)
        if span is not None:
            span.end()

    def _failed(self, failure: ExceptionContext) -> None:
        span = _take(failure.execution_context)
        if span is None:
            return
        if isinstance(failure.original_exception, Exception):  # not a cancellation
            _failed(span, failure.original_exception)
        span.end()


def _failed(span: Span, error: Exception) -> None:
    """The error's class only: a database's message may quote a parameter's value."""
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.set_attribute("error.type", type(error).__qualname__)


def _take(context: Any) -> Span | None:
    span: Span | None = getattr(context, _SPAN, None)
    if span is not None:
        setattr(context, _SPAN, None)
    return span
