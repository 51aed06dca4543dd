"""A list in `variables` longer than any argument takes is refused before graphql-core
coerces it (issue 14): 100,000 ids cost 230 ms of the event loop before."""

from __future__ import annotations

import httpx
import pytest

from schema.variable_lists import MAX_VARIABLE_LIST, oversized

NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"


def test_oversized_lists_and_objects_are_found_anywhere() -> None:
    assert oversized({"a": [1] * MAX_VARIABLE_LIST}) is None
    assert oversized({"a": {"b": [[0] * 1001]}}) == ("list", 1001)
    assert oversized({"a": [{"b": list(range(5000))}]}) == ("list", 5000)
    assert oversized({"a": [{str(i): i for i in range(100)}]}) is None
    assert oversized({"a": [{"f": {str(i): i for i in range(80_000)}}]}) == ("object", 80_000)


@pytest.mark.parametrize("extensions", [None, {}], ids=["compiled lane", "view"])
async def test_a_long_variable_list_is_refused_before_coercion(
    client: httpx.AsyncClient, extensions: dict[str, object] | None
) -> None:
    body: dict[str, object] = {"query": NODES, "variables": {"ids": ["x"] * 100_000}}
    if extensions is not None:
        body["extensions"] = extensions
    response = await client.post("/graphql", json=body)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "100,000 items" in error["message"] and "1,000" in error["message"]


async def test_a_list_within_the_bound_meets_the_argument_cap(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": NODES, "variables": {"ids": ["x"] * MAX_VARIABLE_LIST}}
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_other_transports_refuse_it_before_coercion(db, settings, graphql_schema) -> None:
    """WebSocket and SSE operations reach the schema without the HTTP check."""
    from schema.context import Context

    context = Context.create(db=db, settings=settings)
    ids = {"ids": ["x"] * 100_000}
    answered = await graphql_schema.execute(NODES, variable_values=ids, context_value=context)
    [error] = answered.errors
    assert error.extensions["code"] == "BAD_USER_INPUT" and "100,000 items" in error.message
    subscription = "subscription ($ids: [Int!]) { packageChanged(ids: $ids) { title } }"
    results = await graphql_schema.subscribe(
        subscription, variable_values={"ids": list(range(5000))}, context_value=context
    )
    [refused] = (await anext(aiter(results))).errors
    assert refused.extensions["code"] == "BAD_USER_INPUT"
