"""Package, grid and participant filters (AND of conditions, OR within a list) and orderings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import build_catalogue, package_record
from writes import IMPORTER, open_unit, upsert_package

NOW = datetime.now(UTC)


async def _packages(db, *records):
    async with open_unit(db, actor=IMPORTER) as unit:
        for record in records:
            await upsert_package(unit, record)


async def _slugs(execute, arguments: str) -> list[str]:
    result = await execute(f"{{ packages(first: 100, {arguments}) {{ nodes {{ slug }} }} }}")
    assert result.errors is None, result.errors
    return [node["slug"] for node in result.data["packages"]["nodes"]]


@pytest.fixture
async def catalogue(db):
    await build_catalogue(db, packages=0, grids=2)
    await _packages(
        db,
        package_record(
            1,
            title="django-rest-framework",
            slug="djangorestframework",
            grid_ids=(1,),
            participants=("tomchristie", "carltongibson"),
            repo_watchers=28000,
            repo_forks=6800,
            score=9000,
            last_updated=NOW - timedelta(days=3),
            pypi_url="https://pypi.org/project/djangorestframework/",
        ),
        package_record(
            2,
            title="django-filter",
            slug="django-filter",
            grid_ids=(1, 2),
            participants=("carltongibson",),
            repo_watchers=4400,
            repo_forks=770,
            score=None,
            last_updated=NOW - timedelta(days=500),
            pypi_url=None,
        ),
        package_record(
            3,
            title="Old Archived Thing",
            slug="old-archived-thing",
            category_id=2,
            grid_ids=(2,),
            participants=("someone",),
            repo_description="Handles REST payloads the old way",
            repo_watchers=15,
            repo_forks=2,
            score=10,
            last_updated=NOW - timedelta(days=30),
            date_repo_archived=NOW - timedelta(days=10),
        ),
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("filter: {categoryIds: [1]}", ["djangorestframework", "django-filter"]),
        ('filter: {categorySlugs: ["category-1"]}', ["djangorestframework", "django-filter"]),
        ('filter: {categoryIds: [2], categorySlugs: ["category-1"]}', None),  # OR within: all
        ("filter: {gridIds: [2]}", ["django-filter", "old-archived-thing"]),
        ('filter: {gridSlugs: ["grid-1"]}', ["djangorestframework", "django-filter"]),
        (
            'filter: {participantLogins: ["carltongibson"]}',
            ["djangorestframework", "django-filter"],
        ),
        ('filter: {search: "rest"}', ["djangorestframework", "old-archived-thing"]),
        ('filter: {search: "FILTER"}', ["django-filter"]),
        ('filter: {search: "50%"}', []),
        ("filter: {repoWatchers: {min: 1000}}", ["djangorestframework", "django-filter"]),
        ("filter: {repoForks: {max: 1000}}", ["django-filter", "old-archived-thing"]),
        ("filter: {score: {min: 100}}", ["djangorestframework"]),
        ("filter: {hasPypi: false}", ["django-filter"]),
        ("filter: {isArchived: true}", ["old-archived-thing"]),
        ("filter: {isActive: true}", ["djangorestframework"]),
        ("filter: {isActive: false}", ["django-filter", "old-archived-thing"]),
        ("filter: {isDeprecated: true}", []),
        ("filter: {gridIds: [1], repoWatchers: {max: 5000}}", ["django-filter"]),  # AND
    ],
)
async def test_package_filters(catalogue, execute, arguments, expected):
    everything = ["djangorestframework", "django-filter", "old-archived-thing"]
    assert await _slugs(execute, arguments) == (everything if expected is None else expected)


async def test_time_range_filter(catalogue, execute):
    since = (NOW - timedelta(days=60)).isoformat()
    result = await execute(
        "query ($since: DateTime) { packages(filter: {lastUpdated: {since: $since}})"
        " { nodes { slug } } }",
        {"since": since},
    )
    assert [n["slug"] for n in result.data["packages"]["nodes"]] == [
        "djangorestframework",
        "old-archived-thing",
    ]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (
            "{field: WATCHERS}",
            ["djangorestframework", "django-filter", "old-archived-thing"],
        ),
        (
            "{field: WATCHERS, direction: ASC}",
            ["old-archived-thing", "django-filter", "djangorestframework"],
        ),
        # NULL scores sort last in either direction
        ("{field: SCORE}", ["djangorestframework", "old-archived-thing", "django-filter"]),
        (
            "{field: SCORE, direction: ASC}",
            ["old-archived-thing", "djangorestframework", "django-filter"],
        ),
        (
            "{field: TITLE, direction: ASC}",
            ["django-filter", "djangorestframework", "old-archived-thing"],
        ),
        (
            "{field: LAST_UPDATED}",
            ["djangorestframework", "old-archived-thing", "django-filter"],
        ),
    ],
)
async def test_package_orderings(catalogue, execute, order, expected):
    assert await _slugs(execute, f"orderBy: {order}") == expected


@pytest.mark.parametrize("field", ["SCORE", "LAST_UPDATED", "TITLE", "WATCHERS", "PYPI_DOWNLOADS"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_paging_through_any_ordering_matches_the_full_list(
    catalogue, execute, field, direction
):
    order = f"orderBy: {{field: {field}, direction: {direction}}}"
    full = await _slugs(execute, order)
    paged: list[str] = []
    after = None
    while True:
        result = await execute(
            f"query ($after: String) {{ packages(first: 1, after: $after, {order})"
            " { pageInfo { hasNextPage endCursor } nodes { slug } } }",
            {"after": after},
        )
        connection = result.data["packages"]
        paged += [n["slug"] for n in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert paged == full


async def test_grid_filters(catalogue, execute):
    result = await execute(
        '{ a: grids(filter: {search: "GRID-2"}) { nodes { slug } }'
        " b: grids(filter: {hasPackageIds: [1]}) { nodes { slug } }"
        ' c: grids(filter: {hasPackageSlugs: ["old-archived-thing"]}) { nodes { slug } }'
        " d: grids(filter: {minPackageCount: 2}) { totalCount } }"
    )
    assert result.errors is None
    assert result.data["a"]["nodes"] == [{"slug": "grid-2"}]
    assert result.data["b"]["nodes"] == [{"slug": "grid-1"}]
    assert result.data["c"]["nodes"] == [{"slug": "grid-2"}]
    assert result.data["d"]["totalCount"] == 2


async def test_participant_filters_and_order(catalogue, execute):
    result = await execute(
        '{ a: participants(filter: {loginPrefix: "carl"}) { nodes { login } }'
        " b: participants(filter: {minPackageCount: 2}) { nodes { login packageCount } }"
        " c: participants(orderBy: {field: LOGIN, direction: DESC}) { nodes { login } } }"
    )
    assert result.data["a"]["nodes"] == [{"login": "carltongibson"}]
    assert result.data["b"]["nodes"] == [{"login": "carltongibson", "packageCount": 2}]
    assert [n["login"] for n in result.data["c"]["nodes"]] == [
        "tomchristie",
        "someone",
        "carltongibson",
    ]


async def test_nested_lists_take_filters_and_ordering(catalogue, execute):
    result = await execute(
        "{ grid(id: 1) { packages(orderBy: {field: WATCHERS, direction: ASC},"
        " filter: {repoWatchers: {min: 100}}) { totalCount nodes { slug } } } }"
    )
    assert result.data["grid"]["packages"] == {
        "totalCount": 2,
        "nodes": [{"slug": "django-filter"}, {"slug": "djangorestframework"}],
    }
