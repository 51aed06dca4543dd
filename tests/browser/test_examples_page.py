"""The example frontend in Chromium: what a frontend developer copies first must work.

Expectations come from the API itself (the same queries the page makes), so the test
holds whatever the demo catalogue contains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import Site, needs_chromium

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

playwright_api = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
expect = playwright_api.expect
pytestmark = needs_chromium

SEARCH_TEXT = "django"
PAGE_SIZE = 3  # the smallest "Per page" option, so the demo data has several pages

SEARCH = """
query ($search: String, $first: Int!, $after: String) {
  packages(first: $first, after: $after, filter: { search: $search },
           orderBy: { field: WATCHERS, direction: DESC }) {
    totalCount
    pageInfo { endCursor }
    nodes { slug title }
  }
}"""
PACKAGE = """
query ($slug: String!) {
  package(slug: $slug) {
    id title version repoWatchers
    grids { databaseId title }
    participants(first: 10) { nodes { login } }
  }
}"""
GRID = """
query ($id: Int!) {
  grid(id: $id) {
    title
    comparison(first: 25) { features { title } rows { package { title } } }
  }
}"""
UPDATE = """
mutation ($id: ID!, $v: Int!, $input: UpdatePackageInput!) {
  updatePackage(id: $id, expectedVersion: $v, input: $input) { version }
}"""


def grid_name(grid: dict[str, Any]) -> str:
    """How the page names a grid: its title, or its id while only the id is known."""
    return grid["title"] if grid["title"] is not None else f"Grid {grid['databaseId']}"


async def search_page(site: Site, after: str | None) -> dict[str, Any]:
    variables = {"search": SEARCH_TEXT, "first": PAGE_SIZE, "after": after}
    packages: dict[str, Any] = (await site.query(SEARCH, variables))["packages"]
    return packages


async def open_page(site: Site, browser: Browser) -> tuple[Page, list[str]]:
    """The example page, and a list of its problems: requests leaving the server (a CDN, an
    avatar) and uncaught script errors."""
    page = await browser.new_page(locale="en-US")
    problems: list[str] = []
    ws_origin = site.url.replace("http", "ws", 1)
    page.on("request", lambda r: None if r.url.startswith(site.url) else problems.append(r.url))
    page.on(
        "websocket", lambda ws: None if ws.url.startswith(ws_origin) else problems.append(ws.url)
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    await page.goto(f"{site.url}/examples/")
    return page, problems


async def test_search_paging_package_grid_and_live_update(site: Site, browser: Browser) -> None:
    first = await search_page(site, None)
    second = await search_page(site, first["pageInfo"]["endCursor"])
    assert first["totalCount"] > PAGE_SIZE, "the demo data should give a second page"
    assert {n["slug"] for n in first["nodes"]}.isdisjoint(n["slug"] for n in second["nodes"])
    page_one = [node["title"] for node in first["nodes"]]
    page_two = [node["title"] for node in second["nodes"]]
    pages = -(-first["totalCount"] // PAGE_SIZE)

    page, problems = await open_page(site, browser)
    titles = page.locator("#results tbody tr td:first-child")
    await expect(titles.first).to_be_visible()  # all packages, before any search

    # Search, then page forward and back with the cursors.
    await page.get_by_label("Title, slug or description").fill(SEARCH_TEXT)
    await page.get_by_label("Per page").select_option(str(PAGE_SIZE))
    await page.get_by_role("button", name="Search").click()
    await expect(titles).to_have_text(page_one)
    await expect(page.locator("#page-number")).to_have_text(f"Page 1 of {pages}")
    await expect(page.get_by_role("button", name="Previous")).to_be_disabled()
    await page.get_by_role("button", name="Next").click()
    await expect(titles).to_have_text(page_two)
    await expect(page.locator("#page-number")).to_have_text(f"Page 2 of {pages}")
    await page.get_by_role("button", name="Previous").click()
    await expect(titles).to_have_text(page_one)

    # A package from the page that is in at least one grid: its grids and contributors.
    details = [(await site.query(PACKAGE, {"slug": n["slug"]}))["package"] for n in first["nodes"]]
    package = next((p for p in details if p["grids"]), None)
    assert package is not None, "the demo data should have a package in a grid on page 1"
    await page.locator("#results").get_by_role("link", name=package["title"], exact=True).click()
    await expect(page.locator("#package-title")).to_have_text(package["title"])
    await expect(page.locator("#package-grids a")).to_have_text(
        [grid_name(grid) for grid in package["grids"]]
    )
    await expect(page.locator("#package-contributors a")).to_have_text(
        [person["login"] for person in package["participants"]["nodes"]]
    )

    # Changed through the API by someone else: the page shows it without a reload.
    await site.wait_until(lambda: site.subscriptions() == 1, "the page to subscribe")
    new_title = f"{package['title']} (edited)"
    stars = package["repoWatchers"] + 1
    await site.mutate(
        UPDATE,
        {
            "id": package["id"],
            "v": package["version"],
            "input": {"title": new_title, "repoWatchers": stars},
        },
    )
    await expect(page.locator("#package-title")).to_have_text(new_title)
    await expect(page.locator("#package-stars")).to_have_text(f"{stars:,}")
    await expect(page.locator("#live-status")).to_contain_text("Updated live")

    # The first grid's comparison table: one column per feature, one row per package.
    grid_ref = package["grids"][0]
    grid = (await site.query(GRID, {"id": grid_ref["databaseId"]}))["grid"]
    await page.locator("#package-grids a").first.click()
    await expect(page.locator("#grid-title")).to_have_text(grid_name(grid_ref))
    await expect(page.locator("#comparison thead th")).to_have_text(
        ["Package", *(feature["title"] for feature in grid["comparison"]["features"])]
    )
    rows = grid["comparison"]["rows"]
    assert new_title in [row["package"]["title"] for row in rows]
    await expect(page.locator("#comparison tbody th")).to_have_text(
        [row["package"]["title"] for row in rows]
    )
    cells_per_row = len(grid["comparison"]["features"])
    await expect(page.locator("#comparison tbody td")).to_have_count(len(rows) * cells_per_row)

    # Leaving the package ends its subscription on the server.
    await site.wait_until(lambda: site.subscriptions() == 0, "the page to unsubscribe")
    assert problems == [], f"requests outside the server, or script errors: {problems}"
    await page.close()
