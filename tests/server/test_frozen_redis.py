"""A Redis that accepts connections and never answers (issue 22): /readyz says so at
once, and requests fail open instead of waiting seconds each."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.exceptions import RedisError

from core.redis_guard import RedisGuard, RedisSkipped
from core.settings import Settings
from tests.conftest import app_client

TIMEOUT = 0.25


@pytest.fixture
async def frozen_redis() -> AsyncIterator[str]:
    """A TCP server on 127.0.0.1 that accepts, reads, and never writes a byte."""
    held: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)
        while await reader.read(4096):
            pass

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        for writer in held:
            writer.close()
        server.close()


@pytest.fixture
def frozen_settings(settings: Settings, frozen_redis: str) -> Settings:
    return settings.model_copy(
        update={
            "redis_url": frozen_redis,
            "redis_timeout_seconds": TIMEOUT,
            "rate_limit_points": 1,  # over it at once, had the budgets been counted
            "persisted_queries": True,
        }
    )


async def test_readyz_is_not_ready_promptly(db, frozen_settings: Settings):
    async with app_client(db, frozen_settings) as http:
        app: Any = http._transport.app  # type: ignore[attr-defined]
        app.state.hub.available = True  # the event stream has not noticed the freeze yet
        started = time.monotonic()
        response = await http.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "down"}
    assert elapsed < 4 * TIMEOUT, elapsed


async def test_requests_fail_open_without_waiting(db, demo, frozen_settings: Settings, caplog):
    caplog.set_level(logging.WARNING)
    query = {"query": "{ packages(first: 2) { nodes { slug } } }"}
    started = time.monotonic()
    async with app_client(db, frozen_settings) as http:
        for _ in range(5):
            response = await http.post("/graphql", json=query)
            assert response.status_code == 200, response.text
            assert "x-ratelimit-limit" not in response.headers  # not counted: let in
    elapsed = time.monotonic() - started
    # The first request waits for the timeout; the next ones skip the frozen Redis.
    assert elapsed < 8 * TIMEOUT, elapsed
    lines = [r for r in caplog.records if r.name == "dpgraph.ratelimit"]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert "not checked" in lines[0].getMessage()


async def test_the_guard_pauses_after_a_failure_then_tries_again():
    now = [0.0]
    guard = RedisGuard("test", 1.0, pause=5.0, clock=lambda: now[0])
    calls: list[int] = []

    async def failing() -> None:
        calls.append(1)
        raise RedisError("frozen")

    async def answering() -> str:
        calls.append(1)
        return "PONG"

    with pytest.raises(RedisError):
        await guard.call(failing)
    with pytest.raises(RedisSkipped):
        await guard.call(answering)
    assert len(calls) == 1  # skipped: not called
    now[0] = 5.0
    assert await guard.call(answering) == "PONG"
    assert not guard.down


async def test_the_guard_bounds_a_call_that_never_returns():
    guard = RedisGuard("test", 0.05)
    with pytest.raises(TimeoutError):
        await guard.call(asyncio.Event().wait)
    assert guard.down
