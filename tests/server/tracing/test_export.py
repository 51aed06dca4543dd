"""The real thing: `python -m server` with only OTEL_EXPORTER_OTLP_ENDPOINT set sends its
spans by OTLP over HTTP to a collector (here a stand-in on a loopback port that decodes
what it receives), named after the service and the operation, in the client's trace; a
collector that never answers slows no request and holds no shutdown."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from server.observability.tracing import EXPORT_ON_STOP_SECONDS
from tests.server_process import running_server

TRACE_ID = "5b8efff798038103d269b633813fc60c"
TRACEPARENT = f"00-{TRACE_ID}-eee19b7ec3c1b174-01"


class Collector:
    """Receives OTLP/HTTP protobuf exports; `wait_for(name)` until a span of that name came."""

    def __init__(self) -> None:
        self.exports: list[ExportTraceServiceRequest] = []
        self.paths: list[str] = []
        self.arrived = threading.Condition()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                export = ExportTraceServiceRequest.FromString(body)
                with collector.arrived:
                    collector.paths.append(self.path)
                    collector.exports.append(export)
                    collector.arrived.notify_all()
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def spans(self) -> list[tuple[dict[str, Any], Any]]:
        """(resource attributes, span) for every span received."""
        found: list[tuple[dict[str, Any], Any]] = []
        for export in self.exports:
            for resource_spans in export.resource_spans:
                resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    found.extend((resource, span) for span in scope_spans.spans)
        return found

    def wait_for(self, name: str, timeout: float = 20.0) -> None:
        with self.arrived:
            came = self.arrived.wait_for(
                lambda: any(span.name == name for _, span in self.spans()), timeout
            )
        assert came, f"no span {name!r} exported; got {[s.name for _, s in self.spans()]}"


@pytest.fixture
def collector() -> Iterator[Collector]:
    collector = Collector()
    thread = threading.Thread(target=collector.server.serve_forever, daemon=True)
    thread.start()
    yield collector
    collector.server.shutdown()
    collector.server.server_close()


def test_spans_are_exported_by_otlp_to_the_endpoint(tmp_path, collector):
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'dpgraph.db'}",
        "DEMO_SYNTHETIC_PACKAGES": "0",
        "WEBHOOKS": "false",
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # export within 0.1 s instead of 5 s
    }
    with running_server(tmp_path, env) as server:
        response = httpx.post(
            f"{server.url}/graphql",
            json={
                "query": "query Slugs { packages(first: 2) { nodes { slug } } }",
                "operationName": "Slugs",
            },
            headers={"traceparent": TRACEPARENT},
        )
        assert response.status_code == 200 and response.json()["data"]["packages"]["nodes"]
        collector.wait_for("query Slugs")
    assert set(collector.paths) == {"/v1/traces"}
    received = [
        (resource, span) for resource, span in collector.spans() if span.trace_id.hex() == TRACE_ID
    ]
    names = sorted(span.name for _, span in received)
    assert names[-2:] == ["plan", "query Slugs"] and set(names[:-2]) == {"SELECT"}, names
    assert {resource["service.name"] for resource, _ in received} == {"dpgraph"}
    assert "Traceback" not in server.output, server.output


def test_a_collector_that_never_answers_holds_neither_requests_nor_the_shutdown(tmp_path):
    frozen = socket.socket()  # takes connections, reads nothing, answers nothing
    frozen.bind(("127.0.0.1", 0))
    frozen.listen(16)
    frozen.settimeout(30)
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'dpgraph.db'}",
        "DEMO_SYNTHETIC_PACKAGES": "0",
        "WEBHOOKS": "false",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{frozen.getsockname()[1]}",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    try:
        with running_server(tmp_path, env) as server:
            response = httpx.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
            assert response.json() == {"data": {"__typename": "Query"}}
            exporting, _ = frozen.accept()  # an export is now waiting on the collector
            started = time.monotonic()
            server.process.terminate()
            server.process.wait(timeout=30)
            stopped_in = time.monotonic() - started
            exporting.close()
    finally:
        frozen.close()
    # The exporter alone would wait 10 s for an answer (OTEL_EXPORTER_OTLP_TIMEOUT), then
    # retry; stopping gives the last spans EXPORT_ON_STOP_SECONDS.
    assert stopped_in < EXPORT_ON_STOP_SECONDS + 4, stopped_in
    assert "were not exported within" in server.output
