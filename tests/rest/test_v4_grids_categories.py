"""v4 grids and categories: DRF's field lists, look-ups and 404s."""

from __future__ import annotations

from tests.factories import build_catalogue

V4 = "https://djangopackages.org/api/v4"


async def test_grid_detail_by_id_and_by_slug(db, api):
    await build_catalogue(db, packages=3, grids=2)
    by_id = await api.get("/api/v4/grids/1/")
    assert by_id.json() == {
        "id": 1,
        "title": "Grid 1",
        "slug": "grid-1",
        "description": "",
        "is_locked": False,
        "packages": [f"{V4}/packages/{n}/" for n in (1, 2, 3)],
        "header": False,
        "created": "2024-01-15T09:30:00.123456-05:00",
        "modified": "2024-01-15T09:30:00.123456-05:00",
    }
    assert list(by_id.json()) == [
        "id",
        "title",
        "slug",
        "description",
        "is_locked",
        "packages",
        "header",
        "created",
        "modified",
    ]
    assert (await api.get("/api/v4/grids/grid-1/")).content == by_id.content


async def test_grid_list_is_newest_first(db, api):
    await build_catalogue(db, packages=1, grids=3)
    body = (await api.get("/api/v4/grids/")).json()
    assert body["count"] == 3
    assert [grid["id"] for grid in body["results"]] == [3, 2, 1]


async def test_grids_known_only_by_reference_are_served_with_nulls(demo, api):
    body = (await api.get("/api/v4/grids/161/")).json()
    assert body["title"] is None and body["slug"] is None
    assert body["packages"] == [f"{V4}/packages/1327/"]


async def test_unknown_grid_is_404(demo, api):
    for key in ("5", "no-grid"):
        response = await api.get(f"/api/v4/grids/{key}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


async def test_category_detail_by_id(demo, api):
    response = await api.get("/api/v4/categories/1/")
    assert response.json() == {
        "id": 1,
        "title": "App",
        "slug": "apps",
        "description": "Small components used to build projects. An app is anything that "
        "is installed by placing it in settings.INSTALLED_APPS.",
        "title_plural": "Apps",
        "show_pypi": True,
        "created": None,
        "modified": None,
    }
    assert list(response.json()) == [
        "id",
        "title",
        "slug",
        "description",
        "title_plural",
        "show_pypi",
        "created",
        "modified",
    ]


async def test_the_demo_ships_category_2(demo, api):
    """The seeds' other category: its record ships in data/seeds/categories.json."""
    body = (await api.get("/api/v4/categories/2/")).json()
    assert (body["title"], body["slug"], body["title_plural"]) == (
        "Framework",
        "frameworks",
        "Frameworks",
    )
    assert body["description"].startswith("Large efforts that combine many python modules")


async def test_category_is_found_by_id_only(demo, api):
    """v4's category viewset has no slug look-up, unlike packages and grids."""
    assert (await api.get("/api/v4/categories/apps/")).status_code == 404
    assert (await api.get("/api/v4/categories/77/")).json() == {"detail": "Not found."}


async def test_category_list(db, api):
    await build_catalogue(db, packages=1)
    body = (await api.get("/api/v4/categories/")).json()
    assert body["count"] == 1
    assert body["results"][0]["created"] == "2024-01-15T09:30:00.123456-05:00"
