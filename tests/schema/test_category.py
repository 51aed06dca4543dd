"""The Category type and its packages."""

from __future__ import annotations

from tests.factories import build_catalogue, package_record
from writes import IMPORTER, open_unit, upsert_package


async def test_category_by_slug_with_packages(demo, execute):
    result = await execute(
        '{ category(slug: "apps") { databaseId titlePlural showPypi packages { nodes { slug } } } }'
    )
    category = result.data["category"]
    assert category["databaseId"] == 1
    assert category["titlePlural"] == "Apps"
    assert category["showPypi"] is True
    assert [p["slug"] for p in category["packages"]["nodes"]] == [
        "django-cities",
        "django-hstore",
        "django-organizations",
        "django-modelcluster",
    ]


async def test_category_packages_first(db, execute):
    await build_catalogue(db, packages=10)
    result = await execute(
        "{ category(id: 1) { packages(first: 4) { totalCount nodes { databaseId } } } }"
    )
    packages = result.data["category"]["packages"]
    assert packages["totalCount"] == 10
    assert [p["databaseId"] for p in packages["nodes"]] == [1, 2, 3, 4]


async def test_the_demo_ships_both_categories_of_its_seeds(demo, execute):
    result = await execute("{ categories { totalCount nodes { databaseId title isFetched } } }")
    assert result.data["categories"] == {
        "totalCount": 2,
        "nodes": [
            {"databaseId": 1, "title": "App", "isFetched": True},
            {"databaseId": 2, "title": "Framework", "isFetched": True},
        ],
    }


async def test_categories_list_leaves_out_stubs_unless_asked(db, execute):
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_package(unit, package_record(1, category_id=9))  # category 9: an id only
    listed = "{ categories { totalCount nodes { databaseId } } }"
    assert (await execute(listed)).data["categories"] == {"totalCount": 0, "nodes": []}
    result = await execute(
        "{ categories(includeUnfetched: true) { totalCount nodes { databaseId title isFetched } } }"
    )
    assert result.data["categories"] == {
        "totalCount": 1,
        "nodes": [{"databaseId": 9, "title": None, "isFetched": False}],
    }
    stub = await execute("{ category(id: 9) { isFetched } package(id: 1) { category { title } } }")
    assert stub.data == {"category": {"isFetched": False}, "package": {"category": {"title": None}}}


async def test_category_lookup_needs_exactly_one_key(demo, execute):
    result = await execute("{ category { id } }")
    assert result.data == {"category": None}
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"
