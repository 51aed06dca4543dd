"""A subscription sent as a plain JSON request gets a clear refusal, not a server fault."""

from __future__ import annotations


async def test_a_subscription_over_plain_post_is_refused_clearly(client):
    response = await client.post(
        "/graphql", json={"query": "subscription { packageChanged(ids: [1]) { title } }"}
    )
    assert response.status_code == 400
    assert "subscriptions are not allowed" in response.text
    streamed = await client.post(
        "/graphql",
        json={"query": "subscription { packageChanged(ids: [1]) { title } }"},
        headers={"Accept": "application/json"},
    )
    assert streamed.status_code == 400
