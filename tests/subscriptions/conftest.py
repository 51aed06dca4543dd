"""An in-process server (real uvicorn, real sockets) over the test database, so tests can
see the server's tasks and hub while clients talk to it over WebSocket and HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from core.db import Database
from core.settings import Settings
from server.app import create_app
from tests.schema.mutations.conftest import catalogue, tokens  # noqa: F401  (fixtures)
from tests.server_process import free_port


@dataclass
class Endpoint:
    """A server's /graphql, in this process or another."""

    http_url: str

    async def answer(
        self, document: str, variables: dict[str, Any] | None = None, *, token: str
    ) -> dict[str, Any]:
        """The whole answer of a POST, errors included."""
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.post(
                self.http_url,
                json={"query": document, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}"},
            )
        body: dict[str, Any] = response.json()
        return body

    async def mutate(
        self, document: str, variables: dict[str, Any] | None = None, *, token: str
    ) -> dict[str, Any]:
        body = await self.answer(document, variables, token=token)
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data


@dataclass
class LiveServer(Endpoint):
    app: Starlette
    ws_url: str
    server: uvicorn.Server


async def start_live_server(
    db: Database, settings: Settings
) -> tuple[LiveServer, asyncio.Task[None]]:
    app = create_app(settings, db=db)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    live = LiveServer(
        app=app,
        http_url=f"http://127.0.0.1:{port}/graphql",
        ws_url=f"ws://127.0.0.1:{port}/graphql",
        server=server,
    )
    return live, task


@asynccontextmanager
async def live_server(db: Database, settings: Settings) -> AsyncIterator[LiveServer]:
    """A live server for the block; it shuts down (lifespan and all) at its end."""
    server, task = await start_live_server(db, settings)
    try:
        yield server
    finally:
        server.server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """The test settings with an in-process broker and quick keep-alives."""
    return settings.model_copy(
        update={
            "redis_url": None,
            "keepalive_seconds": 0.2,
            "connection_init_timeout_seconds": 0.5,
            "max_subscriptions_per_connection": 3,
            "max_connections_per_client": 5,
            # Budgets are charged, but the leak test's 1,000 subscriptions fit in one.
            "rate_limit_points": 100_000,
        }
    )


@pytest.fixture
async def live(db: Database, live_settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(db, live_settings) as server:
        yield server
