"""The Grid type: packages, features and comparison cells."""

from __future__ import annotations

from tests.factories import build_catalogue


async def test_grid_by_slug_with_packages_features_and_cells(db, execute):
    await build_catalogue(db, packages=3, grids=1, features_per_grid=2)
    result = await execute(
        """{ grid(slug: "grid-1") {
            databaseId title slug description isLocked header created isFetched
            packages { totalCount nodes { slug } }
            features { id title description }
            rows { package { slug } elements { text feature { title } } }
        } }"""
    )
    assert result.errors is None
    grid = result.data["grid"]
    assert grid["databaseId"] == 1
    assert grid["title"] == "Grid 1"
    assert grid["isFetched"] is True
    assert grid["isLocked"] is False
    assert grid["created"] == "2024-01-15T09:30:00.123456-05:00"
    assert grid["packages"]["totalCount"] == 3
    assert [p["slug"] for p in grid["packages"]["nodes"]] == ["package-1", "package-2", "package-3"]
    assert [f["title"] for f in grid["features"]] == ["Feature 1", "Feature 2"]
    first_row = grid["rows"][0]
    assert first_row["package"] == {"slug": "package-1"}
    assert first_row["elements"] == [
        {"text": "Feature 1 of package 1", "feature": {"title": "Feature 1"}},
        {"text": "Feature 2 of package 1", "feature": {"title": "Feature 2"}},
    ]


async def test_grid_packages_and_rows_honour_first(db, execute):
    await build_catalogue(db, packages=5, grids=2)
    result = await execute(
        "{ grids { nodes { databaseId packages(first: 2) { nodes { databaseId } }"
        " rows(first: 3) { package { databaseId } } } } }"
    )
    rows = [{"package": {"databaseId": n}} for n in (1, 2, 3)]
    first_two = {"nodes": [{"databaseId": 1}, {"databaseId": 2}]}
    assert result.data["grids"]["nodes"] == [
        {"databaseId": 1, "packages": first_two, "rows": rows},
        {"databaseId": 2, "packages": first_two, "rows": rows},
    ]


async def test_grids_referenced_by_seeds_are_unfetched_stubs(demo, execute):
    result = await execute(
        "{ grid(id: 41) { databaseId title slug isFetched packages { nodes { slug } } } }"
    )
    assert result.data["grid"] == {
        "databaseId": 41,
        "title": None,
        "slug": None,
        "isFetched": False,
        "packages": {"nodes": [{"slug": "django-shop"}]},
    }


async def test_grid_lookup_errors_and_misses(demo, execute):
    both = await execute('{ grid(id: 41, slug: "x") { id } }')
    assert both.errors[0].extensions["code"] == "BAD_USER_INPUT"
    missing = await execute('{ grid(slug: "nope") { id } }')
    assert missing.errors is None and missing.data == {"grid": None}


async def test_grids_list_is_ordered_by_id_and_paged(demo, execute):
    """The demo's grids are known by id only: listed when asked for, by id, page by page."""
    first = await execute("{ grids(first: 1, includeUnfetched: true) { pageInfo { endCursor } } }")
    cursor = first.data["grids"]["pageInfo"]["endCursor"]
    result = await execute(
        """query ($after: String) {
            grids(first: 3, after: $after, includeUnfetched: true) { nodes { databaseId } }
        }""",
        {"after": cursor},
    )
    assert [g["databaseId"] for g in result.data["grids"]["nodes"]] == [71, 114, 160]


async def test_grids_list_leaves_out_grids_known_by_id_only(demo, execute):
    await build_catalogue(demo, packages=1, grids=1)
    listed = await execute(
        """query ($all: Boolean!) {
            grids(includeUnfetched: $all, filter: { minPackageCount: 1 }) {
                totalCount nodes { databaseId slug }
            }
        }""",
        {"all": False},
    )
    assert listed.data["grids"] == {
        "totalCount": 1,
        "nodes": [{"databaseId": 1, "slug": "grid-1"}],
    }
    everything = await execute(
        "query ($all: Boolean!) { grids(includeUnfetched: $all) { totalCount } }", {"all": True}
    )
    assert everything.data["grids"]["totalCount"] == 9  # the demo's eight stubs and grid-1
    shop = await execute('{ package(slug: "django-shop") { grids { databaseId isFetched } } }')
    assert shop.data["package"]["grids"] == [
        {"databaseId": 41, "isFetched": False},
        {"databaseId": 287, "isFetched": False},
    ]
