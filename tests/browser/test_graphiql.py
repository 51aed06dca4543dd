"""GraphiQL in a real (headless) Chromium: the page loads from our own assets and runs a query."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from server.graphql_http.graphiql import EXAMPLE_QUERIES
from tests.server_process import running_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

playwright_sync = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)


def test_graphiql_opens_with_example_tabs_and_runs_a_query(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"}
    with running_server(tmp_path, env) as server, playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            outside: list[str] = []
            page.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None,
            )
            page.goto(f"{server.url}/graphql", wait_until="networkidle")
            page.wait_for_selector(".graphiql-tab", timeout=15_000)
            tabs = page.locator(".graphiql-tab").all_inner_texts()
            assert any("PackageWithRelations" in tab for tab in tabs), tabs
            assert len(tabs) == len(EXAMPLE_QUERIES), tabs
            page.locator(".graphiql-tab", has_text="PackageWithRelations").first.click()
            page.locator(".graphiql-execute-button").click()
            page.wait_for_function(
                "document.querySelector('.result-window')?.innerText.includes('django SHOP')",
                timeout=15_000,
            )
            page.screenshot(path=str(tmp_path / "graphiql.png"))
            assert outside == [], f"GraphiQL fetched from outside the server: {outside}"
        finally:
            browser.close()
