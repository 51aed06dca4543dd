"""The HTTP client: retries with backoff or Retry-After, give-up messages, pace, User-Agent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from importer.client import Client, build_http
from importer.errors import FetchFailed, Unreachable
from importer.retry import RetryPolicy
from tests.importer.fake_api import FakeTime

URL = "https://api.test/api/v4/categories/1/"
OK = {"id": 1, "title": "App", "slug": "apps"}


def scripted(*answers: httpx.Response | str) -> Callable[[httpx.Request], httpx.Response]:
    """Answer each request with the next scripted response ("network" raises), then 200 OK."""
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        handle.requests.append(request)  # type: ignore[attr-defined]
        answer = queue.pop(0) if queue else httpx.Response(200, json=OK)
        if answer == "network":
            raise httpx.ConnectError("connection refused", request=request)
        assert isinstance(answer, httpx.Response)
        return answer

    handle.requests = []  # type: ignore[attr-defined]
    return handle


async def get(handler: Any, fake_time: FakeTime, *, attempts: int = 5, rate: float = 0) -> Any:
    policy = RetryPolicy(attempts=attempts, random=lambda: 0.0)
    async with build_http(transport=httpx.MockTransport(handler)) as http:
        client = Client(http, rate=rate, policy=policy, time=fake_time.source)
        return await client.get_json(URL)


async def test_429_waits_the_seconds_in_retry_after(fake_time):
    handler = scripted(httpx.Response(429, headers={"Retry-After": "7"}))
    assert await get(handler, fake_time) == OK
    assert fake_time.sleeps == [7.0]


async def test_retry_after_as_an_http_date(fake_time):
    # The fake clock says 2026-01-01 00:00:00 UTC.
    later = "Thu, 01 Jan 2026 00:00:30 GMT"
    handler = scripted(httpx.Response(503, headers={"Retry-After": later}))
    assert await get(handler, fake_time) == OK
    assert fake_time.sleeps == [30.0]


async def test_5xx_backs_off_exponentially_then_succeeds(fake_time):
    handler = scripted(httpx.Response(500), httpx.Response(502), httpx.Response(503))
    assert await get(handler, fake_time) == OK
    assert fake_time.sleeps == [1.0, 2.0, 4.0]
    assert len(handler.requests) == 4  # type: ignore[attr-defined]


async def test_network_errors_are_retried(fake_time):
    handler = scripted("network", "network")
    assert await get(handler, fake_time) == OK
    assert fake_time.sleeps == [1.0, 2.0]


async def test_gives_up_after_the_last_attempt_naming_url_and_status(fake_time):
    handler = scripted(*[httpx.Response(503)] * 3)
    with pytest.raises(FetchFailed) as caught:
        await get(handler, fake_time, attempts=3)
    assert str(caught.value) == f"{URL}: HTTP 503 Service Unavailable (after 3 attempts)"
    assert caught.value.status == 503
    assert fake_time.sleeps == [1.0, 2.0]


async def test_network_errors_on_every_attempt_mean_unreachable(fake_time):
    with pytest.raises(Unreachable) as caught:
        await get(scripted("network", "network"), fake_time, attempts=2)
    assert str(caught.value) == f"{URL}: ConnectError: connection refused (after 2 attempts)"


async def test_404_is_not_retried(fake_time):
    handler = scripted(httpx.Response(404, json={"detail": "Not found."}))
    with pytest.raises(FetchFailed, match=r"HTTP 404 Not Found \(on the first attempt\)"):
        await get(handler, fake_time)
    assert fake_time.sleeps == []
    assert len(handler.requests) == 1  # type: ignore[attr-defined]


async def test_a_body_that_is_not_json_is_reported(fake_time):
    handler = scripted(httpx.Response(200, text="<html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(FetchFailed, match=r"not JSON \(text/html\)"):
        await get(handler, fake_time)


async def test_user_agent_names_dpgraph(fake_time):
    handler = scripted()
    await get(handler, fake_time)
    agent = handler.requests[0].headers["User-Agent"]  # type: ignore[attr-defined]
    assert agent.startswith("dpgraph/") and "importer" in agent


async def test_requests_are_paced_to_the_rate(fake_time):
    policy = RetryPolicy(random=lambda: 0.0)
    async with build_http(transport=httpx.MockTransport(scripted())) as http:
        client = Client(http, rate=2.0, policy=policy, time=fake_time.source)
        for _ in range(3):
            await client.get_json(URL)
    assert fake_time.sleeps == [0.5, 0.5]
    assert client.requests == 3
