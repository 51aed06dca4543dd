"""No N+1: a page costs the same statements for 1 row as for 50.

Each count is asserted exactly, so a new per-row query fails here at once.
"""

from __future__ import annotations

import pytest

from tests.factories import build_catalogue

# (path with {n} for the page size, statements): count, page, then one per relation.
PAGES = [
    ("/api/v4/packages/?limit={n}", 4),  # count, page, grids, participants
    ("/api/v4/grids/?limit={n}", 3),  # count, page, package ids
    ("/api/v4/categories/?limit={n}", 2),  # count, page
    ("/api/v3/packages/?limit={n}", 5),  # count, page, categories, grids, participants
    ("/api/v3/packages/?category=category-1&limit={n}", 6),  # + the category by slug
    ("/api/v3/grids/?limit={n}", 3),
    ("/api/v3/categories/?limit={n}", 2),
    # grid by slug, its packages, then a package page: count, page, three relations
    ("/api/v3/grids/grid-1/packages/?limit={n}", 7),
]
DETAILS = [
    ("/api/v4/packages/7/", 3),  # package, grids, participants
    ("/api/v4/packages/package-7/", 3),
    ("/api/v4/grids/1/", 2),  # grid, package ids
    ("/api/v4/categories/1/", 1),
    ("/api/v3/packages/package-7/", 4),  # package, category, grids, participants
    ("/api/v3/grids/grid-1/", 2),
    ("/api/v3/categories/category-1/", 1),
]


@pytest.fixture
async def fifty(db):
    """50 packages in 50 grids (every package in every grid), built once per test."""
    await build_catalogue(db, packages=50, grids=50, features_per_grid=0)
    return db


async def _statements(api, count_statements, path: str) -> int:
    with count_statements() as log:
        response = await api.get(path)
    assert response.status_code == 200, response.text
    return log.count


async def test_a_page_of_50_costs_what_a_page_of_1_costs(fifty, api, count_statements):
    measured = {
        path: (
            await _statements(api, count_statements, path.format(n=1)),
            await _statements(api, count_statements, path.format(n=50)),
        )
        for path, _ in PAGES
    }
    assert measured == {path: (expected, expected) for path, expected in PAGES}
    body = (await api.get("/api/v4/packages/?limit=50")).json()
    assert len(body["results"]) == 50
    assert all(len(package["grids"]) == 50 for package in body["results"])
    assert all(len(package["participants"]) == 2 for package in body["results"])
    assert all(
        len(grid["packages"]) == 50
        for grid in (await api.get("/api/v4/grids/?limit=50")).json()["results"]
    )


async def test_details_search_and_empty_pages_cost_a_fixed_few(fifty, api, count_statements):
    measured = {path: await _statements(api, count_statements, path) for path, _ in DETAILS}
    assert measured == dict(DETAILS)
    # The count says the page is empty: no page query, no relations.
    assert await _statements(api, count_statements, "/api/v4/packages/?offset=500") == 1
    # packages, grids, then participants, categories and grid sizes of the 20 kept;
    # "1" keeps 14 packages and 6 grids, "package-7" one package (no grid sizes to get).
    assert await _statements(api, count_statements, "/api/v4/search/?q=1") == 5
    assert len((await api.get("/api/v4/search/?q=1")).json()) == 20
    assert await _statements(api, count_statements, "/api/v4/search/?q=package-7") == 4
