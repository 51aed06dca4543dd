"""Prometheus metrics at /metrics (issue 14): requests by operation and outcome, latency,
SQL statements per request, cost, refusals, streaming connections and subscriptions."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from core.settings import Settings
from metrics import OperationNames
from tests.conftest import app_client
from tests.server_process import running_server


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_requests_are_counted_by_operation_and_outcome(client: httpx.AsyncClient, demo):
    ok = value("dpgraph_graphql_requests_total", operation="Titles", outcome="ok")
    invalid = value(
        "dpgraph_graphql_requests_total", operation="Bad", outcome="GRAPHQL_VALIDATION_FAILED"
    )
    timed = value("dpgraph_graphql_request_duration_seconds_count", operation="Titles")
    statements = value("dpgraph_sql_statements_per_request_sum")
    cost = value("dpgraph_query_cost_sum")
    titles = "query Titles { packages(first: 2) { nodes { title category { title } } } }"
    # Clients (Apollo, urql, Relay) name the operation in `operationName`.
    body = {"query": titles, "operationName": "Titles"}
    assert (await client.post("/graphql", json=body)).status_code == 200
    await client.post("/graphql", json={"query": "query Bad { nothing }", "operationName": "Bad"})
    assert value("dpgraph_graphql_requests_total", operation="Titles", outcome="ok") == ok + 1
    assert (
        value(
            "dpgraph_graphql_requests_total", operation="Bad", outcome="GRAPHQL_VALIDATION_FAILED"
        )
        == invalid + 1
    )
    assert value("dpgraph_graphql_request_duration_seconds_count", operation="Titles") == timed + 1
    assert value("dpgraph_sql_statements_per_request_sum") > statements  # the page read rows
    assert value("dpgraph_query_cost_sum") == cost + 5  # 1 + 2 x (1 + 1)


async def test_refusals_are_counted(db, demo, settings: Settings):
    refused = value("dpgraph_limit_refusals_total", limit="rate_limit")
    codes = value("dpgraph_graphql_requests_total", operation="anonymous", outcome="RATE_LIMITED")
    async with app_client(db, settings.model_copy(update={"rate_limit_points": 1})) as http:
        for _ in range(3):
            await http.post("/graphql", json={"query": "{ __typename }"})
    assert value("dpgraph_limit_refusals_total", limit="rate_limit") == refused + 2
    assert (
        value("dpgraph_graphql_requests_total", operation="anonymous", outcome="RATE_LIMITED")
        == codes + 2
    )


async def test_metrics_are_served_in_prometheus_format(client: httpx.AsyncClient):
    await client.post("/graphql", json={"query": "{ __typename }"})
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "dpgraph_graphql_requests",
        "dpgraph_graphql_request_duration_seconds",
        "dpgraph_sql_statements_per_request",
        "dpgraph_query_cost",
        "dpgraph_limit_refusals",
        "dpgraph_streaming_connections",
        "dpgraph_active_subscriptions",
    } <= names


async def test_metrics_can_be_turned_off(db, settings: Settings):
    async with app_client(db, settings.model_copy(update={"metrics": False})) as http:
        assert (await http.get("/metrics")).status_code == 404


def test_client_chosen_operation_names_cannot_grow_the_metrics():
    names = OperationNames(limit=3)
    labels = [names.label(f"Op{i}") for i in range(10)]
    assert labels == ["Op0", "Op1", "Op2"] + ["other"] * 7
    assert names.label("Op1") == "Op1"  # a known name keeps its label
    assert names.label(None) == "anonymous"
    assert names.label("not a name!") == "other"
    assert names.label("x" * 65) == "other"


def _requests_total(text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "dpgraph_graphql_requests"
        for sample in family.samples
        if sample.name == "dpgraph_graphql_requests_total"
    )


@pytest.mark.parametrize("workers", [2])
def test_several_workers_are_summed(tmp_path: Path, workers: int) -> None:
    """Whichever worker answers the scrape, it counts every worker's requests."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'metrics.db'}"}
    with running_server(tmp_path, env, "--workers", str(workers)) as server:
        with httpx.Client(base_url=server.url) as http:
            for _ in range(20):  # new connections: spread over the workers
                httpx.post(f"{server.url}/graphql", json={"query": "{ __typename }"})
            scrapes = {_requests_total(httpx.get(f"{server.url}/metrics").text) for _ in range(6)}
            assert http.get("/healthz").status_code == 200
    assert scrapes == {20.0}


async def test_streaming_connections_and_subscriptions_are_gauged(db, demo, settings):
    import asyncio

    from tests.subscriptions.conftest import start_live_server
    from tests.subscriptions.wsclient import GraphQLSocket

    connections = value("dpgraph_streaming_connections", transport="websocket")
    subscriptions = value("dpgraph_active_subscriptions")
    live, task = await start_live_server(db, settings)
    try:
        hub = live.app.state.hub
        async with await GraphQLSocket.open(live.ws_url) as ws:
            await ws.subscribe("subscription { packageChanged(ids: [1]) { title } }")
            for _ in range(500):  # until the subscription is registered (bounded)
                if hub.subscriptions:
                    break
                await asyncio.sleep(0.01)
            assert value("dpgraph_streaming_connections", transport="websocket") == connections + 1
            assert value("dpgraph_active_subscriptions") == subscriptions + 1
        for _ in range(500):
            if not hub.subscriptions:
                break
            await asyncio.sleep(0.01)
    finally:
        live.server.should_exit = True
        await task
    assert value("dpgraph_streaming_connections", transport="websocket") == connections
    assert value("dpgraph_active_subscriptions") == subscriptions


async def test_each_statement_is_counted_once(client: httpx.AsyncClient, demo, count_statements):
    """On PostgreSQL the compiled path runs statements on asyncpg's own connection and
    announces each through the engine's event: the metric must see it once."""
    before = value("dpgraph_sql_statements_per_request_sum")
    query = "{ packages(first: 2) { nodes { title category { title } grids { slug } } } }"
    with count_statements() as log:
        assert (await client.post("/graphql", json={"query": query})).status_code == 200
    assert log.count >= 1
    assert value("dpgraph_sql_statements_per_request_sum") == before + log.count
