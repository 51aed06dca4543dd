"""Which OTEL_* settings turn traces on, and what the SDK builds from them: the exporters
OTEL_TRACES_EXPORTER names (OTLP over HTTP by default), the service's name."""

from __future__ import annotations

import logging

import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import ConsoleSpanExporter

from core.tracing import requested
from server.observability.tracing.provider import SERVICE, service_resource, span_exporters

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "dpgraph"}, False),  # names the service, asks for nothing
        (ENDPOINT, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "console"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", **ENDPOINT}, False),  # metrics only, say
        ({"OTEL_SDK_DISABLED": "true", **ENDPOINT}, False),
        ({"OTEL_SDK_DISABLED": "false", **ENDPOINT}, True),
    ],
)
def test_the_standard_variables_turn_traces_on(environ, on):
    assert requested(environ) is on


def _classes(environ):
    exporters = span_exporters(environ)
    try:
        return [type(exporter) for exporter in exporters]
    finally:
        for exporter in exporters:
            exporter.shutdown()


def test_otlp_is_the_default_exporter_and_speaks_http():
    assert _classes(ENDPOINT) == [OTLPSpanExporter]
    assert _classes({"OTEL_TRACES_EXPORTER": "otlp"}) == [OTLPSpanExporter]
    assert _classes({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"}) == [OTLPSpanExporter]
    assert _classes({"OTEL_TRACES_EXPORTER": "console, otlp"}) == [
        ConsoleSpanExporter,
        OTLPSpanExporter,
    ]


@pytest.mark.parametrize(
    ("environ", "hint"),
    [
        ({"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"}, "opentelemetry-exporter-otlp-proto-grpc"),
        ({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, "use http/protobuf or grpc"),
        ({"OTEL_TRACES_EXPORTER": "zipkin"}, "'zipkin', which is not installed"),
    ],
)
def test_an_exporter_that_cannot_be_had_is_named_and_skipped(caplog, environ, hint):
    with caplog.at_level(logging.WARNING, logger="dpgraph.tracing"):
        assert _classes(environ) == []
    [record] = caplog.records
    assert hint in record.getMessage()


def test_the_service_is_dpgraph_unless_the_environment_names_it(monkeypatch):
    for variable in ("OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"):
        monkeypatch.delenv(variable, raising=False)
    assert service_resource().attributes["service.name"] == SERVICE
    assert service_resource().attributes["service.version"]
    monkeypatch.setenv(
        "OTEL_RESOURCE_ATTRIBUTES", "service.name=catalogue,deployment.environment=prod"
    )
    assert service_resource().attributes["service.name"] == "catalogue"
    assert service_resource().attributes["deployment.environment"] == "prod"
    monkeypatch.setenv("OTEL_SERVICE_NAME", "graph-api")
    assert service_resource().attributes["service.name"] == "graph-api"
