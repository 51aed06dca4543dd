"""Two server processes share one rate-limit budget and one persisted-query store
through Redis (issue 14; the CI stand-in for compose.yaml where Docker is unavailable).
Subscriptions across processes: tests/subscriptions/test_redis.py."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import httpx
import pytest

from tests.server_process import running_server

REDIS_URL = os.environ.get("REDIS_URL")
DATABASE_URL = os.environ.get("DATABASE_URL")
needs_servers = pytest.mark.skipif(
    not (REDIS_URL and DATABASE_URL), reason="needs REDIS_URL and DATABASE_URL (PostgreSQL)"
)
PAGE = "{ packages(first: 100) { nodes { slug } } }"  # 2 points


@needs_servers
def test_two_processes_share_budgets_and_persisted_queries(tmp_path: Path) -> None:
    assert REDIS_URL and DATABASE_URL
    env = {
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "RATE_LIMIT_POINTS": "5",
        "LOAD_DEMO_DATA": "false",
    }
    with running_server(tmp_path, env) as first, running_server(tmp_path, env) as second:
        # A document registered through one process is known to the other (1 + 1 points).
        query = f"{{ __typename }} # {uuid.uuid4()}"
        sha256 = hashlib.sha256(query.encode()).hexdigest()
        persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
        httpx.post(f"{second.url}/graphql", json={"query": query, "extensions": persisted})
        by_hash = httpx.post(f"{first.url}/graphql", json={"extensions": persisted})
        assert by_hash.json() == {"data": {"__typename": "Query"}}
        # Both spend the one budget of this address: 2 + 2 more points do not fit in 5.
        answered = httpx.post(f"{first.url}/graphql", json={"query": PAGE})
        refused = httpx.post(f"{second.url}/graphql", json={"query": PAGE})
        assert answered.status_code == 200 and answered.headers["x-ratelimit-used"] == "4"
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
