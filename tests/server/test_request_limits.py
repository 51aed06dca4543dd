"""Transport and argument limits: a body over MAX_BODY_BYTES is refused with 413 before
it is read whole; list arguments take at most 100 values (issue 14)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import orjson
import pytest
from strawberry.relay import to_base64

from core.settings import Settings
from tests.conftest import app_client


@pytest.fixture
async def small_client(db, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(db, settings.model_copy(update={"max_body_bytes": 2048})) as client:
        yield client


def _big_body(size: int) -> bytes:
    return orjson.dumps({"query": "{ __typename }", "variables": {"pad": "x" * size}})


async def test_a_declared_body_over_the_limit_is_refused(small_client):
    response = await small_client.post(
        "/graphql", content=_big_body(5000), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": 2048}


async def test_a_chunked_body_is_counted_as_it_arrives(small_client):
    async def chunks() -> AsyncIterator[bytes]:
        body = _big_body(50_000)
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    response = await small_client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "content-length" not in response.request.headers


async def test_a_body_under_the_limit_is_answered(small_client):
    response = await small_client.post(
        "/graphql", content=_big_body(100), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_rest_is_covered_too(small_client):
    response = await small_client.post("/api/v4/packages/", content=b"x" * 4000)
    assert response.status_code == 413


async def test_nodes_takes_at_most_100_ids(db, execute):
    ids = [to_base64("Package", n) for n in range(101)]
    result = await execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    [error] = result.errors
    assert error.extensions == {"code": "BAD_USER_INPUT", "argument": "ids"}
    fine = await execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids[:100]})
    assert fine.errors is None and fine.data["nodes"] == [None] * 100


async def test_a_filter_list_takes_at_most_100_values(db, execute):
    query = "query($c: [Int!]) { packages(filter: {categoryIds: $c}) { totalCount } }"
    result = await execute(query, {"c": list(range(101))})
    assert result.errors[0].extensions == {
        "code": "BAD_USER_INPUT",
        "argument": "filter.categoryIds",
    }
    assert (await execute(query, {"c": list(range(100))})).errors is None
