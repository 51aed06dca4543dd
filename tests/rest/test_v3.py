"""v3: apiv3's resources by slug, in its `meta`/`objects` envelope."""

from __future__ import annotations

from tests.factories import build_catalogue, package_record
from writes import IMPORTER, open_unit, upsert_package

PACKAGE_KEYS = [
    "absolute_url",
    "created",
    "modified",
    "slug",
    "title",
    "category",
    "commit_list",
    "commits_over_52",
    "created_by",
    "documentation_url",
    "grids",
    "last_fetched",
    "last_modified_by",
    "participants",
    "pypi_url",
    "pypi_version",
    "repo_description",
    "repo_forks",
    "repo_url",
    "repo_watchers",
    "resource_uri",
    "usage_count",
]
META_KEYS = ["limit", "next", "offset", "previous", "total_count"]


async def test_package_detail_in_v3_shape(demo, api):
    body = (await api.get("/api/v3/packages/django-organizations/")).json()
    assert list(body) == PACKAGE_KEYS
    assert body["absolute_url"] == "/packages/p/django-organizations/"
    assert body["resource_uri"] == "/api/v3/packages/django-organizations/"
    assert body["category"] == "/api/v3/categories/apps/"
    # Django's JSON encoder: the UTC instant, milliseconds, Z.
    assert body["created"] == "2012-08-13T16:13:58.949Z"
    assert body["last_fetched"] == "2026-02-15T22:15:22.834Z"
    assert body["participants"].startswith("bennylope,mgrdcm,")
    assert body["commits_over_52"].count(",") == 51
    assert body["commit_list"].startswith("[0, 0,")
    # The seeds' grids are known by id only: v3 addresses them by id where the slug goes.
    assert body["grids"] == ["/api/v3/grids/114/", "/api/v3/grids/243/"]
    assert body["created_by"] is None and body["usage_count"] == 0


async def test_a_package_category_is_always_a_v3_link(demo, db, api):
    """apiv3 wrote `reverse(category_detail, slug)`: a string, never null."""
    assert (await api.get("/api/v3/packages/django-shop/")).json()["category"] == (
        "/api/v3/categories/frameworks/"
    )
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_package(unit, package_record(1, category_id=9))  # category 9: an id only
    body = (await api.get("/api/v3/packages/package-1/")).json()
    assert body["category"] == "/api/v3/categories/9/"
    category = (await api.get(body["category"])).json()
    assert (category["slug"], category["title"], category["description"]) == ("9", "", "")
    assert category["resource_uri"] == "/api/v3/categories/9/"


async def test_package_list_and_category_filter(db, api):
    await build_catalogue(db, packages=25)
    body = (await api.get("/api/v3/packages/?category=category-1&limit=10")).json()
    assert list(body) == ["meta", "category", "objects"]
    assert body["meta"] == {
        "limit": 10,
        "next": "/api/v3/packages/?limit=10&offset=10&category=category-1",
        "offset": 0,
        "previous": None,
        "total_count": 25,
    }
    assert body["category"] is None  # apiv3 never filled it in
    assert [p["slug"] for p in body["objects"]][:3] == ["package-1", "package-2", "package-3"]
    assert body["objects"][0]["grids"] == ["/api/v3/grids/grid-1/", "/api/v3/grids/grid-2/"]
    assert body["objects"][0]["created"] == "2024-01-14T14:30:00.123Z"


async def test_unknown_category_filter_is_404(db, api):
    await build_catalogue(db, packages=1)
    response = await api.get("/api/v3/packages/?category=nope")
    assert response.status_code == 404
    assert response.json() == {"detail": "No category with slug 'nope'."}


async def test_grid_list_and_detail(db, api):
    await build_catalogue(db, packages=2, grids=3)
    listed = (await api.get("/api/v3/grids/?limit=2&offset=1")).json()
    assert list(listed["meta"]) == META_KEYS
    assert listed["meta"]["previous"] == "/api/v3/grids/?limit=2&offset=0"
    assert [grid["slug"] for grid in listed["objects"]] == ["grid-2", "grid-3"]
    detail = (await api.get("/api/v3/grids/grid-1/")).json()
    assert detail == {
        "absolute_url": "/grids/g/grid-1/",
        "created": "2024-01-15T14:30:00.123Z",
        "modified": "2024-01-15T14:30:00.123Z",
        "slug": "grid-1",
        "title": "Grid 1",
        "description": "",
        "is_locked": False,
        "resource_uri": "/api/v3/grids/grid-1/",
        "header": False,
        "packages": ["/api/v3/packages/package-1/", "/api/v3/packages/package-2/"],
    }
    assert list(detail)[:5] == ["absolute_url", "created", "modified", "slug", "title"]


async def test_grid_packages_pages_the_members_beside_the_grid(db, api):
    await build_catalogue(db, packages=5, grids=1)
    body = (await api.get("/api/v3/grids/grid-1/packages/?limit=2&offset=2")).json()
    assert list(body) == ["meta", "grid", "objects"]
    assert body["meta"]["total_count"] == 5
    assert body["meta"]["next"] == "/api/v3/grids/grid-1/packages/?limit=2&offset=4"
    assert body["grid"]["slug"] == "grid-1"
    assert [p["slug"] for p in body["objects"]] == ["package-3", "package-4"]
    assert list(body["objects"][0]) == PACKAGE_KEYS


async def test_v3_lists_the_grids_v4_lists(demo, api):
    """Both leave out the grids known by id only (the demo's eight), as GraphQL's `grids`
    does, and list the fetched ones; a package still links to the others."""
    await build_catalogue(demo, packages=1, grids=2)
    v4 = (await api.get("/api/v4/grids/?limit=100")).json()
    v3 = (await api.get("/api/v3/grids/?limit=100")).json()
    assert v3["meta"]["total_count"] == v4["count"] == 2
    assert sorted(g["slug"] for g in v3["objects"]) == ["grid-1", "grid-2"]
    assert sorted(g["id"] for g in v4["results"]) == [1, 2]
    shop = (await api.get("/api/v3/packages/django-shop/")).json()
    assert shop["grids"] == ["/api/v3/grids/41/", "/api/v3/grids/287/"]
    categories = (await api.get("/api/v3/categories/")).json()
    assert len(categories["objects"]) == (await api.get("/api/v4/categories/")).json()["count"] == 2


async def test_rest_lists_leave_out_categories_known_by_id_only(db, api):
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_package(unit, package_record(1, category_id=9))  # category 9: an id only
    assert (await api.get("/api/v4/categories/")).json()["count"] == 0
    assert (await api.get("/api/v3/categories/")).json()["meta"]["total_count"] == 0
    assert (await api.get("/api/v4/categories/9/")).json()["title"] is None


async def test_a_grid_known_by_id_is_served_at_its_v3_key(demo, api):
    body = (await api.get("/api/v3/grids/161/")).json()
    assert body["slug"] == "161" and body["resource_uri"] == "/api/v3/grids/161/"
    assert body["packages"] == ["/api/v3/packages/django-hstore/"]
    members = (await api.get("/api/v3/grids/161/packages/")).json()
    assert [p["slug"] for p in members["objects"]] == ["django-hstore"]


async def test_an_id_is_no_v3_key_for_a_row_with_a_slug(db, api):
    await build_catalogue(db, packages=1, grids=1)
    assert (await api.get("/api/v3/grids/grid-1/")).status_code == 200
    assert (await api.get("/api/v3/grids/1/")).status_code == 404


async def test_category_detail(demo, api):
    assert (await api.get("/api/v3/categories/apps/")).json() == {
        "absolute_url": "/categories/apps/",
        "created": None,
        "modified": None,
        "slug": "apps",
        "title": "App",
        "description": "Small components used to build projects. An app is anything that "
        "is installed by placing it in settings.INSTALLED_APPS.",
        "resource_uri": "/api/v3/categories/apps/",
        "show_pypi": True,
        "title_plural": "Apps",
    }


async def test_v3_is_by_slug_so_a_number_is_a_slug(demo, api):
    for path in (
        "/api/v3/packages/1412/",
        "/api/v3/packages/nope/",
        "/api/v3/grids/nope/",
        "/api/v3/grids/nope/packages/",
        "/api/v3/categories/1/",
    ):
        response = await api.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}
