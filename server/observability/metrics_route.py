"""`GET /metrics`: Prometheus' text format, summed over every worker process when they
write to PROMETHEUS_MULTIPROC_DIR (see `metrics`)."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


async def metrics(request: Request) -> Response:
    if os.environ.get(MULTIPROC_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
