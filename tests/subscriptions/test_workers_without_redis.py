"""Several worker processes without REDIS_URL refuse subscriptions plainly (issue 15):
before, each worker's own broker delivered only the changes made through that worker
(100 of 200 deliveries with two), gave the same event ids to different changes, and
logged nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.settings import Settings
from tests.server_process import running_server
from tests.subscriptions.conftest import start_live_server
from tests.subscriptions.wsclient import GraphQLSocket

SUBSCRIBE = "subscription { packageChanged(ids: [1]) { title } }"


async def _refusal(ws_url: str) -> dict[str, object]:
    async with await GraphQLSocket.open(ws_url) as ws:
        operation = await ws.subscribe(SUBSCRIBE)
        message = await ws.receive()
    assert message["id"] == operation
    [error] = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    return dict(error)


async def test_a_worker_of_several_without_redis_refuses_subscriptions(db, settings) -> None:
    several = settings.model_copy(update={"workers": 2, "redis_url": None})
    live, task = await start_live_server(db, several)
    try:
        error = await _refusal(live.ws_url)
    finally:
        live.server.should_exit = True
        await task
    assert error["extensions"] == {"code": "EVENTS_UNAVAILABLE"}
    assert "2 worker processes without REDIS_URL" in str(error["message"])


async def test_one_worker_without_redis_serves_them(db, settings: Settings) -> None:
    live, task = await start_live_server(db, settings.model_copy(update={"redis_url": None}))
    try:
        async with await GraphQLSocket.open(live.ws_url) as ws:
            await ws.subscribe(SUBSCRIBE)
            for _ in range(500):  # until registered (bounded): served, not refused
                if live.app.state.hub.subscriptions:
                    break
                await asyncio.sleep(0.01)
            assert live.app.state.hub.subscriptions
    finally:
        live.server.should_exit = True
        await task


async def test_serve_with_workers_says_so_and_the_workers_refuse(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}"}
    with running_server(tmp_path, env, "--workers", "2") as server:
        error = await _refusal(server.url.replace("http://", "ws://") + "/graphql")
    assert error["extensions"] == {"code": "EVENTS_UNAVAILABLE"}
    assert "2 workers without REDIS_URL: subscriptions are refused" in server.output
