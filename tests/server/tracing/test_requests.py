"""OpenTelemetry traces (issue 23), seen through the SDK's in-memory exporter: a request's
span named after its operation, the plan or executor under it, one span per SQL statement
under those (as many as the statements counted), a client's `traceparent` continued,
errors recorded by their code, no parameter value in a span."""

from __future__ import annotations

import io
import logging
from typing import Any

import orjson
import pytest
from opentelemetry.trace import SpanKind, StatusCode

from loaders import batch
from server.observability.request_log import ACCESS, JsonFormatter
from tests.schema.mutations.conftest import gid
from tests.server.tracing.conftest import (
    attributes,
    descends_from,
    one,
    parent_of,
    statements_of,
)

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
CLIENT_SPAN_ID = "b7ad6b7169203331"
TRACEPARENT = f"00-{TRACE_ID}-{CLIENT_SPAN_ID}-01"

PAGE = """query PackagePage($slug: String!) {
  package(slug: $slug) {
    title repoWatchers category { title } grids { databaseId }
    participants(first: 3) { totalCount nodes { login } }
  }
}"""


async def test_a_compiled_query_is_its_request_span_its_plan_and_a_span_per_statement(
    demo, traced, spans, count_statements
):
    with count_statements() as log:
        response = await traced.post(
            "/graphql",
            json={
                "query": PAGE,
                "variables": {"slug": "django-shop"},
                "operationName": "PackagePage",
            },
        )
    assert response.status_code == 200 and response.json()["data"]["package"]["title"]
    found = spans.finished()

    request = one(found, kind=SpanKind.SERVER)
    assert request.name == "query PackagePage"
    seen = attributes(request)
    assert seen["graphql.operation.name"] == "PackagePage"
    assert seen["graphql.operation.type"] == "query"
    assert seen["http.request.method"] == "POST"
    assert seen["http.route"] == "/graphql"
    assert seen["http.response.status_code"] == 200
    assert seen["dpgraph.request_id"] == response.headers["x-request-id"]
    assert seen["dpgraph.sql.statements"] == log.count
    assert request.status.status_code is StatusCode.UNSET
    assert request.parent is None  # no traceparent: a new trace

    plan = one(found, name="plan")
    assert attributes(plan)["dpgraph.executor"] == "compiled"
    assert parent_of(plan) == request.context.span_id

    sql = statements_of(found)
    assert log.count >= 1 and len(sql) == log.count
    assert [attributes(s)["db.statement"] for s in sql] == log.statements
    for statement in sql:
        assert parent_of(statement) == plan.context.span_id
        assert attributes(statement)["db.system"] == demo.dialect
        assert statement.name == "SELECT"
    assert {s.context.trace_id for s in found} == {request.context.trace_id}
    assert len(found) == 2 + len(sql)


RENAME = """mutation Rename($id: ID!) {
  updatePackage(id: $id, expectedVersion: 1, input: {title: "Renamed"}) {
    version title category { title }
  }
}"""


async def test_a_mutation_runs_under_the_executor_span_and_the_token_lookup_under_the_request(
    catalogue, tokens, traced, spans, count_statements
):
    with count_statements() as log:
        response = await traced.post(
            "/graphql",
            json={"query": RENAME, "variables": {"id": gid("Package", 1)}},
            headers={"Authorization": f"Bearer {tokens.write}"},
        )
    assert response.json()["data"]["updatePackage"]["title"] == "Renamed"
    found = spans.finished()

    request = one(found, kind=SpanKind.SERVER)
    assert request.name == "mutation Rename"
    assert attributes(request)["graphql.operation.type"] == "mutation"
    execute = one(found, name="execute")
    assert attributes(execute)["dpgraph.executor"] == "reference"
    assert parent_of(execute) == request.context.span_id

    sql = statements_of(found)
    assert len(sql) == log.count
    assert [attributes(s)["db.statement"] for s in sql] == log.statements
    names = {s.name for s in sql}
    assert {"SELECT", "UPDATE", "INSERT"} <= names, names  # the edit and its audit entry
    outside = [s for s in sql if not descends_from(s, execute, found)]
    # Only the token's look-up comes before execution, straight under the request.
    assert len(outside) == 1 and parent_of(outside[0]) == request.context.span_id
    assert "api_token" in str(attributes(outside[0])["db.statement"])


async def test_a_client_traceparent_is_continued_and_the_log_line_names_the_trace(
    demo, traced, spans
):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    level = ACCESS.level
    ACCESS.addHandler(handler)
    ACCESS.setLevel(logging.INFO)
    try:
        response = await traced.get(
            "/graphql",
            params={"query": PAGE, "variables": '{"slug": "django-shop"}'},
            headers={"traceparent": TRACEPARENT, "accept": "application/json"},
        )
    finally:
        ACCESS.removeHandler(handler)
        ACCESS.setLevel(level)
    assert response.status_code == 200
    found = spans.finished()
    request = one(found, kind=SpanKind.SERVER)
    assert format(request.context.trace_id, "032x") == TRACE_ID
    assert request.parent is not None and request.parent.is_remote
    assert format(request.parent.span_id, "016x") == CLIENT_SPAN_ID
    assert {format(s.context.trace_id, "032x") for s in found} == {TRACE_ID}
    assert request.name == "query PackagePage"  # the document's name, none sent
    assert attributes(request)["http.request.method"] == "GET"
    [line] = [orjson.loads(text) for text in stream.getvalue().splitlines()]
    assert line["traceId"] == TRACE_ID


def _explode(*args: Any) -> Any:
    raise RuntimeError("password=hunter2 in a stack trace")


@pytest.mark.parametrize(
    ("document", "method", "code", "status", "name", "failed"),
    [
        (
            'query Both { package(id: 1, slug: "x") { title } }',
            "POST",
            "BAD_USER_INPUT",
            200,
            "query Both",
            False,
        ),
        ("{ package(slug: ", "POST", "GRAPHQL_PARSE_FAILED", 200, "POST /graphql", False),
        (
            'mutation Nope { deletePackage(id: "x", expectedVersion: 1) { databaseId } }',
            "GET",
            "METHOD_NOT_ALLOWED",
            405,
            "POST /graphql",
            False,
        ),
        (
            "query Boom { package(id: 631) { title category { title } } }",
            "POST",
            "INTERNAL_SERVER_ERROR",
            200,
            "query Boom",
            True,
        ),
    ],
)
async def test_an_error_is_recorded_with_its_code(
    demo, traced, spans, monkeypatch, settings, document, method, code, status, name, failed
):
    if failed:  # a fault inside a resolver, masked in the answer
        monkeypatch.setattr(settings, "compiled_execution", False)
        monkeypatch.setattr(batch, "categories_by_id", _explode)
    if method == "GET":
        response = await traced.get("/graphql", params={"query": document})
        name = "GET /graphql"
    else:
        response = await traced.post("/graphql", json={"query": document})
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code
    found = spans.finished()
    request = one(found, kind=SpanKind.SERVER)
    assert request.name == name
    assert attributes(request)["error.type"] == code
    assert attributes(request)["http.response.status_code"] == status
    expected = StatusCode.ERROR if failed else StatusCode.UNSET  # a client's mistake is no fault
    assert request.status.status_code is expected
    assert "hunter2" not in repr([(s.attributes, s.status, s.events) for s in found])


async def test_spans_hold_no_parameter_value(demo, traced, spans, settings, monkeypatch):
    secret = "zq-secret-value-7"
    document = """query Find($text: String!) {
      packages(first: 5, filter: {search: $text}) { totalCount nodes { slug } }
    }"""
    for compiled in (True, False):
        monkeypatch.setattr(settings, "compiled_execution", compiled)
        response = await traced.get(
            "/graphql", params={"query": document, "variables": f'{{"text": "{secret}"}}'}
        )
        assert response.json()["data"]["packages"]["totalCount"] == 0
        literal = f'{{ packages(first: 5, filter: {{search: "{secret}"}}) {{ nodes {{ slug }} }} }}'
        response = await traced.post("/graphql", json={"query": literal})
        assert "errors" not in response.json()
    found = spans.finished()
    assert len(statements_of(found)) >= 4
    assert secret not in repr([(s.name, s.attributes) for s in found])
