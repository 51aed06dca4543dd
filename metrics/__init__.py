"""Prometheus metrics: what each layer counts, defined in one place at the bottom of the
house (no project imports), so events, the schema and the server can all count.

With several worker processes, PROMETHEUS_MULTIPROC_DIR (set by `scripts/dpgraph serve`
before the workers start) makes every process write its values to files that `/metrics`
sums, whichever process answers the scrape.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "dpgraph_graphql_requests_total",
    "GraphQL HTTP requests by operation name and outcome (ok, or the first error code).",
    ["operation", "outcome"],
)
DURATION = Histogram(
    "dpgraph_graphql_request_duration_seconds",
    "Time from request to answer, by operation name.",
    ["operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SQL_STATEMENTS = Histogram(
    "dpgraph_sql_statements_per_request",
    "SQL statements one GraphQL HTTP request sent (a DataLoader regression shows here).",
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 50, 100),
)
QUERY_COST = Histogram(
    "dpgraph_query_cost",
    "Objects a query may return, counted before it runs (schema.cost).",
    buckets=(1, 10, 100, 1_000, 5_000, 10_000, 25_000),
)
REFUSALS = Counter(
    "dpgraph_limit_refusals_total",
    "Requests refused by a protection: rate_limit, in_flight, connections, "
    "http_connections, header_size.",
    ["limit"],
)
STREAMING_CONNECTIONS = Gauge(
    "dpgraph_streaming_connections",
    "Open WebSocket, SSE and multipart connections.",
    ["transport"],
    multiprocess_mode="livesum",
)
WEBHOOK_ATTEMPTS = Counter(
    "dpgraph_webhook_attempts_total",
    "POSTs to webhook receivers by outcome: delivered, failed, paused (the failure that "
    "paused the webhook).",
    ["outcome"],
)
SUBSCRIPTIONS = Gauge(
    "dpgraph_active_subscriptions",
    "Subscriptions receiving events.",
    multiprocess_mode="livesum",
)

GC_PAUSES = Histogram(
    "dpgraph_gc_pause_seconds",
    "Cyclic garbage collections and how long each stopped the process, by generation: "
    "every request in flight waits for one (a source of tail latency).",
    ["generation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25),
)
POOL_WAIT = Histogram(
    "dpgraph_db_pool_wait_seconds",
    "Time a request waited for a database connection (a new one's connect included).",
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
CONNECTIONS_REUSED = Counter(
    "dpgraph_db_connections_reused_total",
    "Compiled reads that ran on a connection kept checked out from the read before "
    "(no pool checkout and checkin: `fastpath.connection`).",
)
CONNECTIONS_OPENED = Counter(
    "dpgraph_db_connections_opened_total",
    "Database connections opened: beyond start-up, a pool too small for the concurrency "
    "(DB_POOL_SIZE) opens and closes one per request in a burst.",
)

_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")


class OperationNames:
    """Operation names are chosen by clients: the first `limit` well-formed names become
    labels, later ones count as `other`, so a client cannot grow the metrics without end."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self.known: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: object) -> str:
        if name is None:
            return "anonymous"
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            return "other"
        if name in self.known:
            return name
        with self._lock:
            if len(self.known) >= self.limit:
                return "other"
            self.known.add(name)
        return name


OPERATIONS = OperationNames()


_REQUEST_SERIES: dict[tuple[str, str], Any] = {}
_DURATION_SERIES: dict[str, Any] = {}


def observe_request(fields: dict[str, object], status: int, seconds: float) -> None:
    """One answered GraphQL HTTP request, from its log fields (operation, cost, sql...).
    Each labelled series is looked up once (`labels()` takes a lock and builds keys)."""
    operation = OPERATIONS.label(fields.get("operation"))
    code = fields.get("errorCode")
    outcome = str(code) if code else ("ok" if status < 400 else f"http_{status}")
    key = (operation, outcome)
    requests = _REQUEST_SERIES.get(key)
    if requests is None:
        requests = _REQUEST_SERIES[key] = REQUESTS.labels(operation, outcome)
    requests.inc()
    duration = _DURATION_SERIES.get(operation)
    if duration is None:
        duration = _DURATION_SERIES[operation] = DURATION.labels(operation)
    duration.observe(seconds)
    statements = fields.get("sql")
    SQL_STATEMENTS.observe(statements if isinstance(statements, int) else 0)
    cost = fields.get("cost")
    if isinstance(cost, int):
        QUERY_COST.observe(cost)
