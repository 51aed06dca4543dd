"""GET queries answer with caching headers, an ETag, and 304 on If-None-Match (issue 14)."""

from __future__ import annotations

from tests.schema.mutations.conftest import tokens  # noqa: F401  (fixture)

QUERY = {"query": "{ packages(first: 2) { nodes { slug } } }"}


async def test_an_anonymous_read_is_public_and_revalidates_with_304(demo, client):
    first = await client.get("/graphql", params=QUERY)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=30"
    assert {"Accept", "Authorization"} <= {v.strip() for v in first.headers["vary"].split(",")}
    etag = first.headers["etag"]
    again = await client.get("/graphql", params=QUERY, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = await client.get(
        "/graphql",
        params={"query": "{ packages(first: 3) { nodes { slug } } }"},
        headers={"If-None-Match": etag},
    )
    assert other.status_code == 200 and other.headers["etag"] != etag


async def test_a_read_with_a_token_is_private(demo, client, tokens):  # noqa: F811
    response = await client.get(
        "/graphql", params=QUERY, headers={"Authorization": f"Bearer {tokens.write}"}
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, max-age=30"


async def test_an_answer_with_errors_is_not_stored(demo, client):
    response = await client.get("/graphql", params={"query": "{ nope }"})
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_posts_and_the_ide_get_no_caching_headers(demo, client):
    post = await client.post("/graphql", json=QUERY)
    assert "cache-control" not in post.headers and "etag" not in post.headers
    ide = await client.get("/graphql", headers={"Accept": "text/html"})
    assert ide.status_code == 200 and "etag" not in ide.headers
