"""A query's cost is counted from its page sizes before it runs; over MAX_QUERY_COST it is
refused with QUERY_TOO_COMPLEX and never executed, on both execution paths (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from benchmarks.workloads import W1_QUERY, W2_QUERY, W3_QUERY
from fastpath import RECORDER
from schema.context import Context
from schema.cost import query_cost

NESTED_3 = """{ packages(first: 100) { nodes { participants(first: 100) { nodes {
    packages(first: 100) { nodes { slug } } } } } } }"""


def _points(graphql_schema: Any, query: str, variables: dict[str, Any] | None = None) -> int:
    return query_cost(graphql_schema._schema, parse(query), None, variables).points


@pytest.mark.parametrize(
    ("query", "points"),
    [
        ("{ __typename }", 0),
        ("{ packages { totalCount } }", 1),
        ("{ packages { nodes { slug } } }", 1 + 20),  # the default page
        ("{ packages(first: 5) { edges { cursor node { slug category { title } } } } }", 16),
        # 1 + 100 + 100 x (1 + 100)
        (
            "{ packages(first: 100) { nodes { participants(first: 100) { nodes { login } } } } }",
            10201,
        ),
        ('{ package(slug: "x") { grids { title } } }', 1 + 20),  # a list counts 20
        (NESTED_3, 1 + 100 + 100 * (1 + 100 + 100 * (1 + 100))),
    ],
)
def test_the_cost_model(graphql_schema, query, points):
    assert _points(graphql_schema, query) == points


def test_page_sizes_from_variables_and_fragments(graphql_schema):
    query = """query($n: Int) { packages(first: $n) { ...Page } }
        fragment Page on PackageConnection { nodes { grids { title } } }"""
    # A named fragment on a connection counts a full page (100), whatever the page asked.
    assert query_cost(graphql_schema._schema, parse(query), None, {"n": 3}).points == (
        1 + 100 * (1 + 20)
    )
    cost = query_cost(graphql_schema._schema, parse(query), None, {"n": 3})
    assert cost.reads_variables
    inline = (
        "query($n: Int) { packages(first: $n) { ... on PackageConnection { nodes { slug } } } }"
    )
    assert _points(graphql_schema, inline, {"n": 7}) == 1 + 7


def test_the_workloads_fit_the_default(graphql_schema, settings):
    for query in (W1_QUERY, W2_QUERY, W3_QUERY):
        assert _points(graphql_schema, query) <= settings.max_query_cost


async def test_a_costly_query_is_refused_before_it_runs(db, execute, count_statements):
    with RECORDER.listening() as outcomes, count_statements() as log:
        result = await execute(NESTED_3)
    assert result.data is None
    [error] = result.errors
    assert error.extensions == {"code": "QUERY_TOO_COMPLEX", "cost": 1_020_201, "maxCost": 25_000}
    assert log.count == 0  # never executed
    assert [o.compiled for o in outcomes] == [False]  # the compiled path left it too


async def test_the_limit_is_a_setting(db, settings, graphql_schema):
    query = "{ packages(first: 10) { nodes { slug } } }"  # costs 11
    tight = Context.create(db=db, settings=settings.model_copy(update={"max_query_cost": 10}))
    refused = await graphql_schema.execute(query, context_value=tight)
    assert refused.errors[0].extensions["code"] == "QUERY_TOO_COMPLEX"
    loose = Context.create(db=db, settings=settings.model_copy(update={"max_query_cost": 11}))
    assert (await graphql_schema.execute(query, context_value=loose)).errors is None


async def test_a_variable_page_size_is_counted_per_request(db, settings, graphql_schema):
    query = "query($n: Int) { packages(first: $n) { nodes { slug } } }"
    tight = Context.create(db=db, settings=settings.model_copy(update={"max_query_cost": 10}))
    small = await graphql_schema.execute(query, variable_values={"n": 9}, context_value=tight)
    assert small.errors is None
    large = await graphql_schema.execute(query, variable_values={"n": 10}, context_value=tight)
    assert large.errors[0].extensions["code"] == "QUERY_TOO_COMPLEX"


async def test_over_http_the_refusal_is_a_graphql_answer(client):
    response = await client.post("/graphql", json={"query": NESTED_3})
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    strict = await client.post(
        "/graphql",
        json={"query": NESTED_3},
        headers={"accept": "application/graphql-response+json"},
    )
    assert strict.status_code == 400 and "data" not in strict.json()


SEARCH_PAGE = '{ search(query: "%s", first: 10) { __typename } }'


def test_a_search_counts_its_length(graphql_schema):
    # The page of 10, then SEARCH_BASE (100) and one per character.
    assert _points(graphql_schema, SEARCH_PAGE % "django") == 10 + 100 + 6
    assert _points(graphql_schema, SEARCH_PAGE % ("x" * 5000)) == 10 + 100 + 5000
    assert _points(graphql_schema, SEARCH_PAGE % "  ") == 10  # blank: nothing is searched
    filtered = '{ packages(first: 5, filter: { search: "%s" }) { nodes { slug } } }'
    assert _points(graphql_schema, filtered % "shop") == 1 + 5 + 100 + 4
    grids = '{ grids(filter: { search: "%s" }) { nodes { slug } } }'
    assert _points(graphql_schema, grids % ("y" * 300)) == 1 + 20 + 100 + 300


def test_a_search_from_variables_counts_its_length(graphql_schema):
    by_text = "query($q: String!) { search(query: $q, first: 1) { __typename } }"
    cost = query_cost(graphql_schema._schema, parse(by_text), None, {"q": "z" * 800})
    assert (cost.points, cost.reads_variables) == (1 + 100 + 800, True)
    by_filter = "query($f: PackageFilter) { packages(first: 1, filter: $f) { nodes { slug } } }"
    assert _points(graphql_schema, by_filter, {"f": {"search": "z" * 70}}) == 1 + 1 + 100 + 70
    by_entry = "query($s: String) { packages(first: 1, filter: { search: $s }) { nodes { slug } } }"
    assert _points(graphql_schema, by_entry, {"s": "abc"}) == 1 + 1 + 100 + 3


def test_a_nested_search_counts_once_per_parent(graphql_schema):
    query = (
        '{ categories(first: 10) { nodes { packages(first: 2, filter: { search: "%s" }) '
        "{ nodes { slug } } } } }"
    )
    # 1 + 10 + 10 x (1 + 2 + 100 + 20): each of the 10 categories searches its packages.
    assert _points(graphql_schema, query % ("q" * 20)) == 1 + 10 + 10 * (1 + 2 + 100 + 20)


async def test_a_900_kb_search_is_refused_before_it_runs(db, execute, count_statements):
    with count_statements() as log:
        result = await execute(SEARCH_PAGE % ("x" * 900_000))
    [error] = result.errors
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX"
    assert error.extensions["cost"] == 10 + 100 + 900_000
    assert log.count == 0
