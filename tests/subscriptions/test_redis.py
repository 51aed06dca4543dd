"""Events through the real Redis: across server processes, and across a lost connection
or a restart of Redis itself."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from auth import Scope, issue_token
from core.db import Database
from core.settings import Settings
from tests.schema.mutations.conftest import gid
from tests.server_process import free_port, running_server
from tests.subscriptions.conftest import LiveServer, start_live_server
from tests.subscriptions.wsclient import GraphQLSocket

REDIS_URL = os.environ.get("REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a Redis server)")
REDIS_SERVER = shutil.which("redis-server")

SUBSCRIBE = """
subscription ($after: String) {
  packageChanged(ids: [1], lastEventId: $after) { title }
}"""
RENAME = """
mutation ($id: ID!, $v: Int!, $t: String!) {
  updatePackage(id: $id, expectedVersion: $v, input: {title: $t}) { version }
}"""


def _redis_settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(
        update={"redis_url": url, "redis_prefix": f"test-{uuid.uuid4().hex[:8]}"}
    )


async def _rename(live: LiveServer, token: str, version: int, title: str) -> None:
    await live.mutate(RENAME, {"id": gid("Package", 1), "v": version, "t": title}, token=token)


async def _until(condition: Any, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


@needs_redis
async def test_a_mutation_on_one_process_reaches_a_subscriber_on_another(tmp_path: Path) -> None:
    assert REDIS_URL is not None
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    db = Database.from_settings(Settings(database_url=url, _env_file=None))
    await db.create_tables()
    token = (await issue_token(db, name="writer", scope=Scope.WRITE)).token
    await db.dispose()
    env = {"DATABASE_URL": url, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": f"two-{uuid.uuid4().hex}"}
    with running_server(tmp_path, env) as first, running_server(tmp_path, env) as second:
        ws_url = second.url.replace("http://", "ws://") + "/graphql"
        async with await GraphQLSocket.open(ws_url) as ws:
            await ws.subscribe("subscription { packageChanged(ids: [1326]) { title } }")
            await asyncio.sleep(0.3)  # the subscription is registered on the second process
            async with httpx.AsyncClient() as http:
                response = await http.post(
                    f"{first.url}/graphql",
                    json={
                        "query": RENAME,
                        "variables": {"id": gid("Package", 1326), "v": 1, "t": "Shop"},
                    },
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert "errors" not in response.json(), response.json()
            payload = await ws.next_payload(timeout=10)
            assert payload["data"] == {"packageChanged": {"title": "Shop"}}


@pytest.fixture
async def redis_live(
    catalogue: Database, settings: Settings, private_redis: tuple[str, Any]
) -> AsyncIterator[tuple[LiveServer, str]]:
    """A live server on a Redis of the test's own: the test cuts its connections."""
    url, _ = private_redis
    await _until_redis(url)
    live, task = await start_live_server(catalogue, _redis_settings(settings, url))
    try:
        yield live, url
    finally:
        live.server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_a_lost_connection_is_reported_and_nothing_is_lost(redis_live, tokens) -> None:
    redis_live, url = redis_live
    hub = redis_live.app.state.hub
    async with await GraphQLSocket.open(redis_live.ws_url) as ws:
        await ws.subscribe(SUBSCRIBE)
        await _until(lambda: hub.subscriptions)
        await _rename(redis_live, tokens.write, 1, "before")
        last_seen = (await ws.next_payload())["extensions"]["eventId"]
        admin = Redis.from_url(url)  # every pub/sub client of this private Redis: the hub's
        await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        error = (await ws.next_payload(timeout=10))["errors"][0]
        assert error["extensions"]["code"] == "EVENTS_INTERRUPTED"
        assert error["extensions"]["lastEventId"] == last_seen
        assert (await ws.receive())["type"] == "complete"
        await _rename(redis_live, tokens.write, 2, "while away")  # stored in the stream
        await admin.aclose()
        await _until(lambda: hub.available)
        await ws.subscribe(SUBSCRIBE, {"after": last_seen})
        assert (await ws.next_payload())["data"] == {"packageChanged": {"title": "while away"}}


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A Redis of our own, which the test may stop and start again on the same port."""
    if REDIS_SERVER is None:
        pytest.skip("needs the redis-server program")
    port = free_port()
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> None:
        processes.append(
            subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],
                stdout=subprocess.DEVNULL,
            )
        )

    start()
    try:
        yield f"redis://127.0.0.1:{port}/0", start
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


async def test_redis_restart_during_a_subscription(
    catalogue, settings, tokens, private_redis
) -> None:
    url, start_redis = private_redis
    await _until_redis(url)
    live, task = await start_live_server(catalogue, _redis_settings(settings, url))
    hub = live.app.state.hub
    try:
        async with await GraphQLSocket.open(live.ws_url) as ws:
            await ws.subscribe(SUBSCRIBE)
            await _until(lambda: hub.subscriptions)
            await _rename(live, tokens.write, 1, "before")
            last_seen = (await ws.next_payload())["extensions"]["eventId"]
            admin = Redis.from_url(url)
            await admin.shutdown(nosave=True)
            await admin.aclose()
            error = (await ws.next_payload(timeout=10))["errors"][0]
            assert error["extensions"]["code"] == "EVENTS_INTERRUPTED"
            assert (await ws.receive())["type"] == "complete"
            await ws.subscribe(SUBSCRIBE)  # while Redis is down
            error = (await ws.next_payload(timeout=10))["errors"][0]
            assert error["extensions"]["code"] == "EVENTS_UNAVAILABLE"
            assert (await ws.receive())["type"] == "complete"
            start_redis()
            await _until(lambda: hub.available, seconds=30)
            await ws.subscribe(SUBSCRIBE, {"after": last_seen})  # the restart lost the stream
            error = (await ws.next_payload())["errors"][0]
            assert error["extensions"]["code"] == "EVENTS_EXPIRED"
            assert (await ws.receive())["type"] == "complete"
            await ws.subscribe(SUBSCRIBE)
            await _until(lambda: hub.subscriptions)
            await _rename(live, tokens.write, 2, "after")
            assert (await ws.next_payload())["data"] == {"packageChanged": {"title": "after"}}
    finally:
        live.server.should_exit = True
        await asyncio.wait_for(task, 10)


async def _until_redis(url: str) -> None:
    client = Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                await client.ping()
                return
            except (OSError, RedisError):
                await asyncio.sleep(0.05)
        raise AssertionError(f"Redis at {url} did not start")
    finally:
        await client.aclose()


async def test_the_connection_count_does_not_drift_after_a_redis_restart(private_redis) -> None:
    """Issue 14: connections let go after a restart decremented an emptied counter below
    zero, and the limit drifted up by as many."""
    from server.guards.limits import RedisLimiter

    url, start_redis = private_redis
    await _until_redis(url)
    limiter = RedisLimiter(url, 2, prefix=f"drift-{uuid.uuid4().hex}")
    try:
        before = [await limiter.acquire("1.2.3.4") for _ in range(2)]
        assert all(before) and await limiter.acquire("1.2.3.4") is None
        admin = Redis.from_url(url)
        await admin.shutdown(nosave=True)
        await admin.aclose()
        start_redis()
        await _until_redis(url)
        for ticket in before:  # the connections of before the restart close now
            assert ticket is not None
            await limiter.release("1.2.3.4", ticket)
            await limiter.release("1.2.3.4", ticket)  # twice: still nothing below zero
        after = [await limiter.acquire("1.2.3.4") for _ in range(3)]
        assert after[0] and after[1] and after[2] is None  # the limit is still 2
    finally:
        await limiter.close()
