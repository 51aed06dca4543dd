"""Automatic persisted queries (Apollo's protocol) over POST and GET (issue 14); the
Apollo Client link itself runs in tests/clients/test_node_clients.py."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from server.graphql_http.persisted import RedisPersistedQueries, sha256_of

QUERY = "{ packages(first: 2) { nodes { slug } } }"
HASH = sha256_of(QUERY)


def _extensions(sha256: str = HASH, version: int = 1) -> dict[str, object]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256}}


async def test_an_unknown_hash_asks_for_the_text(demo, client):
    response = await client.post("/graphql", json={"extensions": _extensions()})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"] == {"code": "PERSISTED_QUERY_NOT_FOUND"}


async def test_the_text_once_then_the_hash_alone_over_post_and_get(demo, client):
    full = await client.post("/graphql", json={"query": QUERY, "extensions": _extensions()})
    assert full.status_code == 200 and "errors" not in full.json()
    by_post = await client.post("/graphql", json={"extensions": _extensions()})
    by_get = await client.get("/graphql", params={"extensions": json.dumps(_extensions())})
    assert by_post.json() == by_get.json() == full.json()
    assert by_get.headers["cache-control"].startswith("public")


async def test_a_text_that_does_not_match_its_hash_is_refused(demo, client):
    response = await client.post(
        "/graphql", json={"query": QUERY, "extensions": _extensions("0" * 64)}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    # Nothing was kept under the wrong hash.
    again = await client.post("/graphql", json={"extensions": _extensions("0" * 64)})
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("extensions", [_extensions(version=2), _extensions("not-a-hash")])
async def test_a_malformed_persisted_query_is_a_bad_request(demo, client, extensions):
    response = await client.post("/graphql", json={"query": QUERY, "extensions": extensions})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis server)")
async def test_redis_keeps_documents_for_every_process() -> None:
    url = os.environ["REDIS_URL"]
    prefix = f"test-{uuid.uuid4().hex[:8]}"  # a fixed one would find an earlier run's keys
    one, other = (
        RedisPersistedQueries(url, prefix=prefix),
        RedisPersistedQueries(url, prefix=prefix),
    )
    try:
        await one.put(HASH, QUERY)
        assert await other.get(HASH) == QUERY
        assert await other.get("f" * 64) is None
    finally:
        await one.close()
        await other.close()
