"""/examples/ serves the example frontend only when SERVE_EXAMPLES is on, so a deployment
can keep its API origin to the API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from core.db import Database
from core.settings import Settings
from server.app import EXAMPLES_DIR, create_app


@asynccontextmanager
async def client_for(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, db=db))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_the_page_and_everything_it_references_are_served(
    db: Database, settings: Settings
) -> None:
    async with client_for(db, settings.model_copy(update={"serve_examples": True})) as http:
        page = await http.get("/examples/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        local = re.findall(r'(?:src|href)="([^"#:/][^"#:]*)"', page.text)  # relative ones
        assert {"style.css", "app.js"} <= set(local), local
        for name in [*local, "graphql.js"]:
            response = await http.get(f"/examples/{name}")
            assert response.status_code == 200, name
        assert (await http.get("/examples")).headers.get("location", "").endswith("/examples/")


async def test_examples_are_404_when_the_setting_is_off(db: Database, settings: Settings) -> None:
    async with client_for(db, settings.model_copy(update={"serve_examples": False})) as http:
        assert (await http.get("/examples/")).status_code == 404
        assert (await http.get("/examples/app.js")).status_code == 404
        assert (await http.get("/healthz")).status_code == 200


def test_the_setting_reads_serve_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).serve_examples is True
    monkeypatch.setenv("SERVE_EXAMPLES", "false")
    assert Settings(_env_file=None).serve_examples is False


def test_the_example_loads_nothing_from_other_origins() -> None:
    """No CDN: no absolute URL in a src, href, import or url() of the page's files (the
    browser test watches the requests too; this names the file)."""
    for path in EXAMPLES_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(?:src|href|from|import|url)\s*[=(]?\s*["']https?://""", text), (
            path
        )
