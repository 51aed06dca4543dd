"""Traces caught by the OpenTelemetry SDK's in-memory exporter, from an app (in-process,
or live on a port for WebSockets) given that exporter's provider."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.applications import Starlette

import core.tracing
from core.db import Database
from core.settings import Settings
from server.app import create_app
from tests.conftest import app_client
from tests.schema.mutations.conftest import catalogue, tokens  # noqa: F401  (fixtures)
from tests.server_process import free_port


@dataclass
class Spans:
    provider: TracerProvider
    exporter: InMemorySpanExporter

    def finished(self) -> list[ReadableSpan]:
        """Every span ended so far, in the order they started."""
        return sorted(self.exporter.get_finished_spans(), key=lambda span: span.start_time or 0)

    async def once(self, ended: Callable[[list[ReadableSpan]], bool]) -> list[ReadableSpan]:
        """The spans once `ended` holds of them: a span that ends after the answer left
        (a stream closed behind its last message) is waited for, within 5 s."""
        for _ in range(500):
            found = self.finished()
            if ended(found):
                return found
            await asyncio.sleep(0.01)
        raise AssertionError(f"still not there: {[s.name for s in self.finished()]}")


@pytest.fixture
def spans() -> Iterator[Spans]:
    provider = TracerProvider(shutdown_on_exit=False)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield Spans(provider, exporter)
    provider.shutdown()
    assert core.tracing.installed() is None, "tracing left on after its app"


@pytest.fixture
async def traced(
    db: Database, settings: Settings, spans: Spans
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of an app (in-process) whose traces go to `spans`."""
    async with app_client(db, settings, tracer_provider=spans.provider) as http:
        yield http


@dataclass
class Live:
    app: Starlette
    http_url: str
    ws_url: str

    async def until_subscribed(self, count: int = 1) -> None:
        """Until the hub holds `count` subscriptions: a change made then reaches them."""
        hub = self.app.state.hub
        for _ in range(500):
            if hub.subscriptions >= count:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{hub.subscriptions} subscriptions, expected {count}")


@pytest.fixture
async def traced_live(db: Database, settings: Settings, spans: Spans) -> AsyncIterator[Live]:
    """A live server (uvicorn in this process, its lifespan run) whose traces go to
    `spans`."""
    # No webhook runner: its polls would be statements counted outside any operation.
    app = create_app(
        settings.model_copy(update={"rate_limit_points": 100_000, "webhooks": False}),
        db=db,
        tracer_provider=spans.provider,
    )
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield Live(app, f"http://127.0.0.1:{port}/graphql", f"ws://127.0.0.1:{port}/graphql")
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


def one(found: Sequence[ReadableSpan], **expected: Any) -> ReadableSpan:
    """The one span whose attributes (name, kind...) are `expected`."""
    matching = [s for s in found if all(getattr(s, k) == v for k, v in expected.items())]
    assert len(matching) == 1, (expected, [s.name for s in found])
    return matching[0]


def parent_of(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def descends_from(
    span: ReadableSpan, ancestor: ReadableSpan, found: Sequence[ReadableSpan]
) -> bool:
    by_id = {s.context.span_id: s for s in found}
    parent = parent_of(span)
    while parent is not None:
        if parent == ancestor.context.span_id:
            return True
        above = by_id.get(parent)
        parent = parent_of(above) if above is not None else None
    return False


def statements_of(found: Sequence[ReadableSpan]) -> list[ReadableSpan]:
    return [s for s in found if s.kind is SpanKind.CLIENT]


def attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})
