"""The tracer provider the OTEL_* variables describe, built by the SDK's own constructors:
`TracerProvider()` reads the sampler, the resource (OTEL_SERVICE_NAME,
OTEL_RESOURCE_ATTRIBUTES) and OTEL_SDK_DISABLED; each exporter reads its endpoint, headers,
timeout and compression; `BatchSpanProcessor` reads the OTEL_BSP_* limits.

The one choice made here is which exporters OTEL_TRACES_EXPORTER names: as the SDK's
configurator does, through the `opentelemetry_traces_exporter` entry points, except that a
bare `otlp` means OTLP over HTTP/protobuf (the specification's default protocol, and the
exporter the `otel` extra installs) unless OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL says `grpc`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, entry_points, version

from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

logger = logging.getLogger("dpgraph.tracing")

SERVICE = "dpgraph"
_OTLP_BY_PROTOCOL = {"http/protobuf": "otlp_proto_http", "grpc": "otlp_proto_grpc"}


class ExporterUnavailable(Exception):
    """OTEL_TRACES_EXPORTER names an exporter that is not installed or not known."""


def configured_provider() -> TracerProvider | None:
    """The SDK provider already set for the process (by `opentelemetry-instrument`, or an
    application embedding dpgraph): its owner configured it, dpgraph's spans go to it."""
    current = trace.get_tracer_provider()
    return current if isinstance(current, TracerProvider) else None


def provider_from_environment(environ: Mapping[str, str]) -> TracerProvider:
    """A new provider exporting to the exporters OTEL_TRACES_EXPORTER names (OTLP when only
    an endpoint is set), made the process's global provider."""
    provider = TracerProvider(resource=service_resource())
    for exporter in span_exporters(environ):
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider


def span_exporters(environ: Mapping[str, str]) -> list[SpanExporter]:
    """One exporter per name in OTEL_TRACES_EXPORTER (`otlp` when unset); a name that
    cannot be loaded is logged and skipped: traces never stop the API from serving."""
    names = [n.strip() for n in environ.get("OTEL_TRACES_EXPORTER", "otlp").split(",")]
    exporters: list[SpanExporter] = []
    for name in names:
        if not name or name == "none":
            continue
        try:
            exporters.append(_load(_entry_point_name(name, environ)))
        except ExporterUnavailable as error:
            logger.warning("traces: %s", error)
    return exporters


def _entry_point_name(name: str, environ: Mapping[str, str]) -> str:
    if name != "otlp":
        return name
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()
    if protocol not in _OTLP_BY_PROTOCOL:
        raise ExporterUnavailable(
            f"OTLP protocol {protocol!r} is not supported: use http/protobuf or grpc"
        )
    return _OTLP_BY_PROTOCOL[protocol]


def _load(entry_point_name: str) -> SpanExporter:
    found = entry_points(group="opentelemetry_traces_exporter", name=entry_point_name)
    if not found:
        hint = (
            "pip install opentelemetry-exporter-otlp-proto-grpc"
            if entry_point_name == "otlp_proto_grpc"
            else "pip install -e '.[otel]'"
        )
        raise ExporterUnavailable(
            f"OTEL_TRACES_EXPORTER asks for {entry_point_name!r}, which is not installed ({hint})"
        )
    exporter_class = next(iter(found)).load()
    exporter = exporter_class()
    if not isinstance(exporter, SpanExporter):
        raise ExporterUnavailable(f"{entry_point_name!r} is not a span exporter")
    return exporter


def service_resource() -> Resource:
    """The SDK's resource from the environment, named `dpgraph` unless OTEL_SERVICE_NAME
    or OTEL_RESOURCE_ATTRIBUTES name the service."""
    resource = Resource.create()
    defaults: dict[str, str] = {}
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        defaults[SERVICE_NAME] = SERVICE
    if SERVICE_VERSION not in resource.attributes:
        try:
            defaults[SERVICE_VERSION] = version("dpgraph")
        except PackageNotFoundError:  # running from a tree that was never installed
            pass
    return resource.merge(Resource(defaults)) if defaults else resource
