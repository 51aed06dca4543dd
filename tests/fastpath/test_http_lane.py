"""The compiled HTTP lane (an anonymous POST of one JSON operation with a plan) answers
byte for byte as Strawberry's view does with the reference executor: status, headers and
body, for the workloads, the examples and every query written in the suite."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from benchmarks.workloads import choose
from core.settings import Settings
from server.graphql_http.graphql_app import GraphQLApp
from server.graphql_http.http_protocol import GRAPHQL_RESPONSE_JSON
from tests.conftest import app_client
from tests.fastpath.documents import example_documents, suite_documents
from tests.fastpath.measure import APOLLO_W1, COMPARISON, SEARCH
from tests.fastpath.test_fragments import DIRECTIVES, MERGED, OPERATIONS


@pytest.fixture
async def clients(catalogue: Any, settings: Settings) -> AsyncIterator[tuple[Any, Any]]:
    """(compiled lane, reference view): the same app, compiled execution on and off."""
    reference = settings.model_copy(update={"compiled_execution": False})
    async with app_client(catalogue, settings) as lane, app_client(catalogue, reference) as view:
        yield lane, view


@pytest.fixture
def view_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the requests Strawberry's HTTP view handled."""
    runs: list[int] = []
    original = GraphQLApp.run

    async def run(self: GraphQLApp, *args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(GraphQLApp, "run", run)
    return runs


RESET = "x-ratelimit-reset"
_RESET_AT = re.compile(rb'"resetAt":"([^"]+)"')


def _same(lane: httpx.Response, view: httpx.Response, what: str) -> None:
    """Byte for byte, but for the rate-limit reset time (the header and `rateLimit`'s
    `resetAt`): the two apps keep their own budgets, whose windows opened a moment apart
    (so it may differ by a second)."""
    assert lane.status_code == view.status_code, what
    lane_reset, view_reset = lane.headers.get(RESET), view.headers.get(RESET)
    assert (lane_reset is None) == (view_reset is None), what
    if lane_reset is not None and view_reset is not None:
        assert abs(int(lane_reset) - int(view_reset)) <= 1, what
    assert [h for h in lane.headers.multi_items() if h[0] != RESET] == [
        h for h in view.headers.multi_items() if h[0] != RESET
    ], what
    lane_times, view_times = _RESET_AT.findall(lane.content), _RESET_AT.findall(view.content)
    assert len(lane_times) == len(view_times), what
    for lane_time, view_time in zip(lane_times, view_times, strict=True):  # `rateLimit`'s
        apart = datetime.fromisoformat(lane_time.decode()) - datetime.fromisoformat(
            view_time.decode()
        )
        assert abs(apart.total_seconds()) <= 1, what
    unset = b'"resetAt":"-"'
    assert _RESET_AT.sub(unset, lane.content) == _RESET_AT.sub(unset, view.content), what


async def _both(clients: tuple[Any, Any], body: dict[str, Any], **headers: str) -> Any:
    lane, view = clients
    headers = {"x-request-id": "lane-check", **headers}  # else each answer has its own id
    return (
        await lane.post("/graphql", json=body, headers=headers),
        await view.post("/graphql", json=body, headers=headers),
    )


async def test_the_workloads_take_the_lane_and_answer_as_the_view(catalogue, clients, view_runs):
    async with catalogue.engine.connect() as connection:
        workloads = await choose(connection)
    for name, workload in workloads.items():
        for accept in ("application/json", GRAPHQL_RESPONSE_JSON):
            before = len(view_runs)
            lane, view = await _both(clients, workload.body(), accept=accept)
            assert len(view_runs) == before + 1, name  # only the reference app's request
            assert lane.status_code == 200 and "errors" not in lane.json(), name
            _same(lane, view, f"{name} {accept}")


async def test_client_shaped_documents_take_the_lane_and_answer_as_the_view(
    catalogue, clients, view_runs
):
    """Fragments, `__typename`, directives, several operations, a union, the matrix."""
    async with catalogue.engine.connect() as connection:
        workloads = await choose(connection)
    w1, w3 = workloads["W1"].variables, workloads["W3"].variables
    bodies: list[dict[str, Any]] = [
        {"query": APOLLO_W1, "operationName": "W1", "variables": w1},
        {"query": DIRECTIVES, "variables": {"withCategory": True}},
        {"query": DIRECTIVES, "variables": {"withCategory": False, "skipTitle": True}},
        {"query": OPERATIONS, "operationName": "Two", "variables": {"n": 2}},
        {"query": MERGED},
        {"query": SEARCH, "variables": {"q": "django"}},
        {"query": COMPARISON, "variables": w3},
    ]
    for body in bodies:
        before = len(view_runs)
        lane, view = await _both(clients, body)
        assert len(view_runs) == before + 1, body  # only the reference app's request
        assert lane.status_code == 200 and "errors" not in lane.json(), body
        _same(lane, view, body["query"])


async def test_every_document_answers_as_the_view(clients, view_runs):
    lane_answers = 0
    for query in [*example_documents(), *suite_documents()]:
        before = len(view_runs)
        lane, view = await _both(clients, {"query": query})
        lane_answers += len(view_runs) == before + 1
        _same(lane, view, query)
    assert lane_answers > 20, "hardly any document took the compiled lane"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"query": "{ packages { totalCount } }", "extensions": {}}, {}),
        ([{"query": "{ packages { totalCount } }"}], {}),
        ({"query": "{ packages { totalCount } }"}, {"authorization": "Bearer nope"}),
        ({"query": "{ packages(first: 0) { totalCount } }"}, {}),
        ({"query": "{ nope }"}, {}),
        ({"query": 'mutation { deletePackage(slug: "x") { ok } }'}, {}),
    ],
    ids=["extensions", "batch", "token", "refused-argument", "invalid", "mutation"],
)
async def test_anything_else_goes_to_the_view(clients, view_runs, body, headers):
    lane, _ = clients
    before = len(view_runs)
    await lane.post("/graphql", json=body, headers=headers)
    assert len(view_runs) == before + 1
