"""Rate limits in cost points per window, per token and per client address, and a cap on
the requests one client has running at once (issue 14)."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import fastpath
import schema.query
from auth import Scope, issue_token
from core.settings import Settings
from fastpath.plan import Abort
from ratelimit import MemoryBudgets, RateLimits, points_for
from ratelimit import stores as budget_stores
from schema.context import Context
from server.guards.in_flight import InFlight
from tests.conftest import app_client

PAGE = "{ packages(first: 100) { nodes { slug } } }"  # 1 + 100 objects: 2 points
BUDGET = """{
  rateLimit { cost limit used remaining resetAt }
  packages(first: 100) { nodes { slug } }
}"""  # 1 + 1 + 100 objects: 2 points


@pytest.fixture
async def limited(db, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Five points per minute without a token, three with one."""
    changed = {"rate_limit_points": 5, "rate_limit_token_points": 3}
    async with app_client(db, settings.model_copy(update=changed)) as http:
        yield http


def _refused(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 429
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert "data" not in response.json() or response.json()["data"] is None
    return dict(error["extensions"])


def test_points_are_objects_per_hundred_and_never_zero():
    assert [points_for(c) for c in (0, 1, 100, 101, 25_000)] == [1, 1, 1, 2, 250]


async def test_memory_budget_refuses_what_does_not_fit_and_resets():
    now = [1_000.0]
    budgets = MemoryBudgets(clock=lambda: now[0])
    first = await budgets.spend("a", 3, 5, 60)
    assert (first.allowed, first.used, first.remaining, first.reset_at) == (True, 3, 2, 1_060.0)
    refused = await budgets.spend("a", 3, 5, 60)
    assert (refused.allowed, refused.used, refused.remaining) == (False, 3, 2)  # nothing spent
    assert (await budgets.spend("a", 2, 5, 60)).allowed  # what is left still fits
    assert (await budgets.spend("b", 5, 5, 60)).allowed  # another client, another budget
    now[0] = 1_060.0
    fresh = await budgets.spend("a", 5, 5, 60)
    assert (fresh.allowed, fresh.used, fresh.reset_at) == (True, 5, 1_120.0)


async def test_memory_budgets_forget_ended_windows(monkeypatch):
    now = [0.0]
    monkeypatch.setattr(budget_stores, "SWEEP_AT", 100)
    budgets = MemoryBudgets(clock=lambda: now[0])
    for client in range(100):
        await budgets.spend(f"c{client}", 1, 5, 10)
    now[0] = 11.0  # every window has ended: the next new client sweeps them
    await budgets.spend("late", 1, 5, 10)
    assert len(budgets) == 1


async def test_requests_spend_the_address_budget_and_say_so(limited, demo):
    for used in (2, 4):
        response = await limited.post("/graphql", json={"query": PAGE})
        assert response.status_code == 200
        assert response.headers["x-ratelimit-limit"] == "5"
        assert response.headers["x-ratelimit-used"] == str(used)
        assert response.headers["x-ratelimit-remaining"] == str(5 - used)
        reset = int(response.headers["x-ratelimit-reset"])
        assert time.time() < reset <= math.ceil(time.time()) + 60
    refused = _refused(await limited.post("/graphql", json={"query": PAGE}))
    assert (refused["cost"], refused["limit"], refused["remaining"]) == (2, 5, 1)
    # The refused request spent nothing: one point still fits.
    answered = await limited.post("/graphql", json={"query": "{ __typename }"})
    assert answered.status_code == 200 and answered.headers["x-ratelimit-remaining"] == "0"
    # Refused over GET too (not cacheable), and under the GraphQL media type.
    got = await limited.get("/graphql", params={"query": "{ __typename }"})
    _refused(got)
    assert got.headers["cache-control"] == "no-store"
    typed = await limited.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"accept": "application/graphql-response+json"},
    )
    _refused(typed)


async def test_rate_limit_field_shows_the_budget_after_this_operation(limited, demo):
    response = await limited.post("/graphql", json={"query": BUDGET})
    assert response.status_code == 200
    budget = response.json()["data"]["rateLimit"]
    assert {k: budget[k] for k in ("cost", "limit", "used", "remaining")} == {
        "cost": 2,
        "limit": 5,
        "used": 2,
        "remaining": 3,
    }
    assert budget["resetAt"].startswith(time.strftime("%Y-%m-%d", time.gmtime()))
    assert response.headers["x-ratelimit-remaining"] == "3"


async def test_rate_limit_field_is_null_when_not_limited(db, settings: Settings):
    unlimited = settings.model_copy(update={"rate_limit_points": 0})
    async with app_client(db, unlimited) as http:
        response = await http.post("/graphql", json={"query": "{ rateLimit { remaining } }"})
    assert response.json() == {"data": {"rateLimit": None}}
    assert "x-ratelimit-limit" not in response.headers


async def test_a_token_has_its_own_budget(limited, demo):
    issued = await issue_token(demo, name="frontend", scope=Scope.WRITE)
    bearer = {"authorization": f"Bearer {issued.token}"}
    for _ in range(2):
        assert (await limited.post("/graphql", json={"query": PAGE})).status_code == 200
    _refused(await limited.post("/graphql", json={"query": PAGE}))  # the address is spent
    with_token = await limited.post("/graphql", json={"query": PAGE}, headers=bearer)
    assert with_token.status_code == 200
    assert with_token.headers["x-ratelimit-limit"] == "3"
    assert with_token.headers["x-ratelimit-remaining"] == "1"
    _refused(await limited.post("/graphql", json={"query": PAGE}, headers=bearer))


async def test_one_charge_when_the_compiled_path_hands_over(limited, demo, monkeypatch):
    """The compiled path charges, then gives the request to the reference executor:
    the reference does not charge it again."""

    async def abort(*args: Any) -> Any:
        raise Abort("handed over")

    monkeypatch.setattr(fastpath, "run_plan", abort)
    response = await limited.post("/graphql", json={"query": PAGE})
    assert response.status_code == 200 and len(response.json()["data"]["packages"]["nodes"]) == 5
    assert response.headers["x-ratelimit-used"] == "2"


async def test_operations_outside_http_are_charged_once_each(db, settings, graphql_schema, demo):
    """WebSocket operations share one context: each operation spends its own points."""
    limits = RateLimits(MemoryBudgets(), address_points=4, token_points=0, window_seconds=60)
    context = Context.create(db=db, settings=settings, rate_limits=limits)
    first = await graphql_schema.execute(PAGE, context_value=context)
    second = await graphql_schema.execute(PAGE, context_value=context)
    assert first.errors is None and second.errors is None
    third = await graphql_schema.execute(PAGE, context_value=context)
    [error] = third.errors
    assert error.extensions["code"] == "RATE_LIMITED" and third.data is None


async def test_a_subscription_start_is_charged_and_refused(db, settings, graphql_schema):
    limits = RateLimits(MemoryBudgets(), address_points=1, token_points=0, window_seconds=60)
    context = Context.create(db=db, settings=settings, rate_limits=limits)
    await limits.charge(0, token_name=None, address="unknown")  # the only point, spent
    results = await graphql_schema.subscribe(
        "subscription { packageChanged(ids: [1]) { title } }", context_value=context
    )
    first = await anext(aiter(results))
    [error] = first.errors
    assert error.extensions["code"] == "RATE_LIMITED"


async def test_a_subscription_over_the_cost_limit_is_refused(db, settings, graphql_schema):
    context = Context.create(db=db, settings=settings)
    document = (
        "subscription { packageChanged(ids: [1]) { participants(first: 100) { nodes { "
        "packages(first: 100) { nodes { participants(first: 100) { nodes { login } } } } } } } }"
    )
    results = await graphql_schema.subscribe(document, context_value=context)
    first = await anext(aiter(results))
    [error] = first.errors
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX"


async def test_default_limits_stop_a_flood_of_small_requests(client, settings: Settings):
    """2,000 requests from one client met no limit before; the default budget ends them."""
    allowed = settings.rate_limit_points
    statuses = [
        (await client.post("/graphql", json={"query": "{ __typename }"})).status_code
        for _ in range(allowed + 1)
    ]
    assert statuses[:allowed] == [200] * allowed
    assert statuses[allowed] == 429


def test_in_flight_counts_each_client_and_gives_back():
    running = InFlight(2)
    assert running.enter("a") and running.enter("a") and not running.enter("a")
    assert running.enter("b")
    running.leave("a")
    assert running.enter("a")
    for client in ("a", "a", "b"):
        running.leave(client)
    assert running.running == {}


async def test_too_many_requests_in_flight_are_refused(db, settings, monkeypatch):
    release = asyncio.Event()
    started = asyncio.Semaphore(0)

    async def held_search(*args: Any, **kwargs: Any) -> Any:
        started.release()
        await release.wait()
        return []

    monkeypatch.setattr(schema.query, "search", held_search)
    search = {"query": '{ search(query: "x") { __typename } }'}
    changed = {"max_requests_in_flight_per_client": 2}
    async with app_client(db, settings.model_copy(update=changed)) as http:
        running = [asyncio.create_task(http.post("/graphql", json=search)) for _ in range(2)]
        for _ in running:
            await started.acquire()
        refused = await http.post("/graphql", json={"query": "{ __typename }"})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        [error] = refused.json()["errors"]
        assert error["extensions"]["code"] == "TOO_MANY_REQUESTS_IN_FLIGHT"
        release.set()
        assert [r.status_code for r in await asyncio.gather(*running)] == [200, 200]
        assert (await http.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
