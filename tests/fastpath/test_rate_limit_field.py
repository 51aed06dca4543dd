"""`rateLimit` is answered by the compiled path from the request's charge, as the
reference's resolver answers it (the differential check is on)."""

from __future__ import annotations

import time

from core.settings import Settings
from fastpath import RECORDER
from tests.conftest import app_client

BUDGET = """{
  rateLimit { __typename cost limit used remaining resetAt }
  packages(first: 100) { nodes { slug } }
}"""  # 1 + 1 + 100 objects: 2 points

ALIASED = (
    "{ left: rateLimit { r: remaining } ...L } fragment L on Query { left: rateLimit { used } }"
)


async def test_the_budget_after_this_operation_is_compiled(catalogue, checked_settings: Settings):
    limited = checked_settings.model_copy(update={"rate_limit_points": 5})
    async with app_client(catalogue, limited) as http:
        with RECORDER.listening() as outcomes:
            first = await http.post("/graphql", json={"query": BUDGET})
            second = await http.post("/graphql", json={"query": ALIASED})
    assert [o.compiled for o in outcomes] == [True, True], [o.reason for o in outcomes]
    budget = first.json()["data"]["rateLimit"]
    assert {k: budget[k] for k in ("__typename", "cost", "limit", "used", "remaining")} == {
        "__typename": "RateLimit",
        "cost": 2,
        "limit": 5,
        "used": 2,
        "remaining": 3,
    }
    assert budget["resetAt"].startswith(time.strftime("%Y-%m-%d", time.gmtime()))
    assert second.json() == {"data": {"left": {"r": 2, "used": 3}}}


async def test_null_when_not_limited(catalogue, checked_settings: Settings):
    unlimited = checked_settings.model_copy(update={"rate_limit_points": 0})
    async with app_client(catalogue, unlimited) as http:
        with RECORDER.listening() as outcomes:
            response = await http.post("/graphql", json={"query": "{ rateLimit { remaining } }"})
    assert response.json() == {"data": {"rateLimit": None}}
    assert [o.compiled for o in outcomes] == [True]
