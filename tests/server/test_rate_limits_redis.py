"""Rate-limit budgets in Redis: shared by every server process, spent atomically, and
never left wrong by a Redis restart or outage (issue 14)."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest
from redis.asyncio import Redis

from core.settings import Settings
from ratelimit import RedisBudgets
from tests.conftest import app_client

REDIS_URL = os.environ.get("REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a Redis server)")
PAGE = "{ packages(first: 100) { nodes { slug } } }"  # 2 points


@needs_redis
async def test_two_processes_never_spend_more_than_the_budget():
    assert REDIS_URL
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    stores = [RedisBudgets(REDIS_URL, prefix=prefix) for _ in range(2)]
    try:
        budgets = await asyncio.gather(
            *(stores[i % 2].spend("address:a", 1, 20, 60) for i in range(60))
        )
        allowed = [b for b in budgets if b is not None and b.allowed]
        assert len(allowed) == 20
        assert sorted(b.used for b in allowed) == list(range(1, 21))
        assert all(b is not None and b.remaining == 0 for b in budgets if b not in allowed)
    finally:
        for store in stores:
            await store.close()


@needs_redis
async def test_a_window_expires_in_redis_and_a_flush_gives_a_fresh_budget():
    assert REDIS_URL
    store = RedisBudgets(REDIS_URL, prefix=f"test-{uuid.uuid4().hex[:8]}")
    redis = Redis.from_url(REDIS_URL)
    try:
        first = await store.spend("token:x", 4, 5, 30)
        assert first is not None and first.allowed and first.used == 4
        assert time.time() + 29 <= first.reset_at <= time.time() + 30.5
        assert 29_000 <= await redis.pttl(store.key("token:x")) <= 30_000  # it cannot outlive
        refused = await store.spend("token:x", 2, 5, 30)
        assert refused is not None and not refused.allowed and refused.used == 4
        await redis.delete(store.key("token:x"))  # what a restart of Redis does to it
        fresh = await store.spend("token:x", 2, 5, 30)
        assert fresh is not None and fresh.allowed and fresh.used == 2
    finally:
        await store.close()
        await redis.aclose()


@needs_redis
async def test_server_processes_share_one_budget(db, demo, settings: Settings):
    assert REDIS_URL
    shared = settings.model_copy(
        update={
            "redis_url": REDIS_URL,
            "redis_prefix": f"test-{uuid.uuid4().hex[:8]}",
            "rate_limit_points": 5,
        }
    )
    async with app_client(db, shared) as first, app_client(db, shared) as second:
        assert (await first.post("/graphql", json={"query": PAGE})).status_code == 200
        assert (await second.post("/graphql", json={"query": PAGE})).status_code == 200
        refused = await first.post("/graphql", json={"query": PAGE})
        assert refused.status_code == 429
        assert refused.headers["x-ratelimit-used"] == "4"
        answered = await second.post("/graphql", json={"query": "{ __typename }"})
        assert answered.headers["x-ratelimit-remaining"] == "0"


async def test_requests_are_let_in_while_redis_is_down(db, demo, settings: Settings, caplog):
    unreachable = settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:1/0", "rate_limit_points": 1}
    )
    async with app_client(db, unreachable) as http:
        for _ in range(3):  # over the budget of one point, had it been counted
            response = await http.post("/graphql", json={"query": PAGE})
            assert response.status_code == 200
            assert "x-ratelimit-limit" not in response.headers
    warnings = [r for r in caplog.records if r.name == "dpgraph.ratelimit"]
    assert len(warnings) == 1  # logged once per outage, not once a request
