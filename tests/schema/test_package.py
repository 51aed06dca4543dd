"""The Package type over the bundled seeds: every field, every relation."""

from __future__ import annotations

import json
from typing import Any

from importer.documents import read_document
from tests.conftest import SEEDS_DIR

SHOP_QUERY = """
{ package(slug: "django-shop") {
    title repoWatchers category { databaseId title isFetched } grids { databaseId isFetched }
    participants(first: 3) { nodes { login } } } }
"""


def _seed(slug: str) -> Any:
    for path in SEEDS_DIR.glob("*.txt"):
        document = read_document(path)
        if document["slug"] == slug:
            return document
    raise LookupError(slug)


async def test_the_readme_query_returns_the_seed_values(demo, execute):
    result = await execute(SHOP_QUERY)
    assert result.errors is None
    seed = _seed("django-shop")
    package = result.data["package"]
    assert package["title"] == seed["title"] == "django SHOP"
    assert package["repoWatchers"] == seed["repo_watchers"] == 3310
    # Category 2's record ships with the demo (data/seeds/categories.json).
    assert package["category"] == {"databaseId": 2, "title": "Framework", "isFetched": True}
    assert [grid["databaseId"] for grid in package["grids"]] == [41, 287]
    assert [p["login"] for p in package["participants"]["nodes"]] == seed["participants"][:3]


async def test_every_scalar_field_round_trips_from_each_seed(demo, execute):
    query = """query ($slug: String!) { package(slug: $slug) {
        databaseId title slug repoUrl repoDescription repoWatchers repoForks pypiUrl pypiVersion
        documentationUrl lastUpdated lastFetched created modified commitsOver52 } }"""
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        seed = read_document(path)
        result = await execute(query, {"slug": seed["slug"]})
        assert result.errors is None
        package = result.data["package"]
        expected = {
            "databaseId": seed["id"],
            "title": seed["title"],
            "slug": seed["slug"],
            "repoUrl": seed["repo_url"],
            "repoDescription": seed["repo_description"],
            "repoWatchers": seed["repo_watchers"],
            "repoForks": seed["repo_forks"],
            "pypiUrl": seed["pypi_url"],
            "pypiVersion": seed["pypi_version"],
            "documentationUrl": seed["documentation_url"],
            # Offsets (-04:00 / -05:00) and microseconds survive the round trip.
            "lastUpdated": seed["last_updated"],
            "lastFetched": seed["last_fetched"],
            "created": seed["created"],
            "modified": seed["modified"],
            "commitsOver52": seed["commits_over_52"],
        }
        assert package == expected, json.dumps(seed["slug"])


async def test_documentation_url_keeps_empty_string_and_null_apart(demo, execute):
    result = await execute(
        '{ a: package(slug: "django-modelcluster") { documentationUrl }'
        ' b: package(slug: "django-cities") { documentationUrl } }'
    )
    assert result.data == {"a": {"documentationUrl": ""}, "b": {"documentationUrl": None}}


async def test_all_participants_keep_the_source_order(demo, execute):
    seed = _seed("django-organizations")
    result = await execute(
        "{ package(id: 1412) { participants(first: 100) { totalCount nodes { login } } } }"
    )
    participants = result.data["package"]["participants"]
    assert participants["totalCount"] == len(seed["participants"]) == 42
    assert [p["login"] for p in participants["nodes"]] == seed["participants"]


async def test_fields_django_packages_keeps_beside_the_v4_ones_are_null_when_unknown(demo, execute):
    result = await execute(
        "{ package(id: 631) { score pypiDownloads supportsPython3 commitCount"
        " favoriteCount dateDeprecated dateRepoArchived } }"
    )
    assert set(result.data["package"].values()) == {None}


async def test_package_by_id_and_by_slug_agree(demo, execute):
    result = await execute(
        '{ a: package(id: 1327) { slug } b: package(slug: "django-hstore") { databaseId } }'
    )
    assert result.data == {"a": {"slug": "django-hstore"}, "b": {"databaseId": 1327}}


async def test_unknown_package_is_null_without_error(demo, execute):
    result = await execute(
        '{ a: package(slug: "no-such-thing") { id } b: package(id: 99999) { id } }'
    )
    assert result.errors is None
    assert result.data == {"a": None, "b": None}


async def test_category_1_is_apps(demo, execute):
    result = await execute(
        "{ package(id: 1412) { category { databaseId title titlePlural slug isFetched } } }"
    )
    assert result.data["package"]["category"] == {
        "databaseId": 1,
        "title": "App",
        "titlePlural": "Apps",
        "slug": "apps",
        "isFetched": True,
    }


async def test_derived_fields(demo, execute):
    result = await execute(
        "{ package(id: 1412) { repoHost pypiName commitsLastYear isArchived isDeprecated"
        " isActive } }"
    )
    package = result.data["package"]
    assert package["repoHost"] == "github"  # not stored: read from repoUrl
    assert package["pypiName"] == "django-organizations"
    assert package["commitsLastYear"] == 2  # two weeks with one commit each
    assert package["isArchived"] is False and package["isDeprecated"] is False
    # Last commit 2025-12-04; "active" means a commit within a year of now.
    assert isinstance(package["isActive"], bool)
