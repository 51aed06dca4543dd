"""Browser tests: headless Chromium (Debian's, never a downloaded one) against a real
uvicorn server in this process, over the test database, which the server fills with its
demo catalogue on start as it does on a first run (whatever that catalogue holds).

In-process, so a test can wait on the server's own state (a subscription registered with
the event hub) before it makes the change it expects to see pushed to the page: a change
committed before the subscription exists is, rightly, never sent.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from core.db import Database
from core.settings import Settings
from tests.schema.mutations.conftest import Tokens, tokens  # noqa: F401  (fixture)
from tests.subscriptions.conftest import LiveServer, start_live_server

if TYPE_CHECKING:
    from playwright.async_api import Browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


@dataclass
class Site:
    """The running server, what a test needs to talk to it, and a write token."""

    live: LiveServer
    url: str
    token: str

    async def query(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        """A public read over HTTP, as the page makes it: the test's source of truth."""
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.post(
                self.live.http_url, json={"query": document, "variables": variables or {}}
            )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def mutate(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        return await self.live.mutate(document, variables, token=self.token)

    def subscriptions(self) -> int:
        """Subscriptions the server is following now (each holds one hub inbox)."""
        return self.live.app.state.hub.subscriptions

    async def wait_until(
        self, condition: Callable[[], bool], what: str, timeout: float = 15.0
    ) -> None:
        """Poll server-side state until `condition` holds (a wait, not a fixed sleep)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.01)


@pytest.fixture
async def site(
    db: Database,
    tokens: Tokens,  # noqa: F811
    settings: Settings,
) -> AsyncIterator[Site]:
    live_settings = settings.model_copy(
        # Pings every second, so the pages' clients answer a few during a test.
        update={
            "redis_url": None,
            "load_demo_data": True,
            "serve_examples": True,
            "keepalive_seconds": 1.0,
        }
    )
    live, task = await start_live_server(db, live_settings)
    try:
        yield Site(live=live, url=live.http_url.removesuffix("/graphql"), token=tokens.write)
    finally:
        live.server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()
