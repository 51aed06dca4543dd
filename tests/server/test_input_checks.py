"""Every input checked at the transport, linearly and once (issue 22): a `PackageFilter`
with 20,000 unknown keys held the event loop 24 s, checked twice and quadratically."""

from __future__ import annotations

import httpx
import pytest

FILTERED = "query($f: PackageFilter) { packages(filter: $f) { totalCount } }"


def _body(keys: int, extensions: dict[str, object] | None) -> dict[str, object]:
    body: dict[str, object] = {
        "query": FILTERED,
        "variables": {"f": {f"k{i}": 1 for i in range(keys)}},
    }
    if extensions is not None:
        body["extensions"] = extensions
    return body


@pytest.mark.parametrize("extensions", [None, {}], ids=["compiled lane", "view"])
async def test_an_object_of_thousands_of_keys_is_refused_before_parsing(
    client: httpx.AsyncClient, extensions: dict[str, object] | None
) -> None:
    response = await client.post("/graphql", json=_body(20_000, extensions))
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "20,000 keys" in error["message"] and "100" in error["message"]


@pytest.mark.parametrize("extensions", [None, {}], ids=["compiled lane", "view"])
async def test_the_first_unknown_key_is_enough(
    client: httpx.AsyncClient, extensions: dict[str, object] | None
) -> None:
    response = await client.post("/graphql", json=_body(100, extensions))
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "variable": "f"}
    assert "no field 'k" in error["message"] and error["message"].count("k") < 5


async def test_other_transports_check_the_variables_too(db, settings, graphql_schema) -> None:
    """WebSocket and SSE operations reach the schema without the HTTP layer."""
    from schema.context import Context

    context = Context.create(db=db, settings=settings)
    for variables, expected in (
        ({"f": {f"k{i}": 1 for i in range(20_000)}}, "20,000 keys"),
        ({"f": {"search": "x", "nope": 1}}, "PackageFilter has no field 'nope'"),
    ):
        answered = await graphql_schema.execute(
            FILTERED, variable_values=variables, context_value=context
        )
        [error] = answered.errors
        assert error.extensions["code"] == "BAD_USER_INPUT" and expected in error.message


async def test_valid_variables_still_answer(client: httpx.AsyncClient) -> None:
    body = {"query": FILTERED, "variables": {"f": {"search": "shop", "categorySlugs": ["a"]}}}
    response = await client.post("/graphql", json=body)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
