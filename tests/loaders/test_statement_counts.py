"""N+1 is a bug: a query's statement count must not grow with the number of rows."""

from __future__ import annotations

import pytest

from tests.conftest import empty_tables
from tests.factories import build_catalogue

DEEP_QUERY = """
{ packages(first: 100) { nodes {
    title
    category { title }
    grids { databaseId features { title } }
    participants(first: 3) { totalCount nodes {
        login packageCount packages(first: 2) { totalCount nodes { slug } } } }
} } }
"""

# One statement per relation level: packages, category, grids, features,
# participants, packageCount, participant.packages.
DEEP_QUERY_LEVELS = 7

GRID_QUERY = """
{ grids { nodes { slug packages(first: 50) { nodes { slug } } features { title }
          rows(first: 50) { package { title } elements { text feature { title } } } } } }
"""


async def _statements_for(db, execute, count_statements, query: str, packages: int) -> int:
    await build_catalogue(db, packages=packages)
    with count_statements() as log:
        result = await execute(query)
    assert result.errors is None, result.errors
    return int(log.count)


@pytest.mark.parametrize("packages", [1, 100])
async def test_deep_package_query_costs_one_statement_per_level(
    db, execute, count_statements, packages
):
    statements = await _statements_for(db, execute, count_statements, DEEP_QUERY, packages)
    assert statements == DEEP_QUERY_LEVELS


async def test_statement_count_is_the_same_for_1_and_100_packages(db, execute, count_statements):
    small = await _statements_for(db, execute, count_statements, GRID_QUERY, 1)
    await empty_tables(db)
    large = await _statements_for(db, execute, count_statements, GRID_QUERY, 100)
    assert small == large
    # grids, packages, features, rows (memberships + cells), row packages, cell features
    assert large <= 7


async def test_first_is_applied_inside_sql_not_after_loading(db, execute, count_statements):
    await build_catalogue(db, packages=20)
    with count_statements() as log:
        result = await execute(
            "{ packages(first: 20) { nodes { participants(first: 1) { nodes { login } } } } }"
        )
    assert all(len(p["participants"]["nodes"]) == 1 for p in result.data["packages"]["nodes"])
    participant_sql = [s for s in log.statements if "package_participant" in s]
    assert len(participant_sql) == 1
    assert "row_number() OVER" in participant_sql[0]


async def test_a_level_is_loaded_in_one_batch_with_every_key(db, execute, count_statements):
    await build_catalogue(db, packages=30)
    with count_statements() as log:
        result = await execute("{ packages(first: 30) { nodes { category { databaseId } } } }")
    assert len(result.data["packages"]["nodes"]) == 30
    category_sql = [s for s in log.statements if "FROM category" in s]
    assert len(category_sql) == 1


FILTERED_NESTED_QUERY = """
{ packages(first: 50, orderBy: {field: WATCHERS},
           filter: {repoWatchers: {min: 10}, hasPypi: true}) {
    totalCount
    pageInfo { endCursor }
    nodes {
      title
      grids { databaseId }
      participants(first: 2) { totalCount nodes { login
          packages(first: 2, orderBy: {field: LAST_UPDATED}, filter: {isArchived: false}) {
            totalCount nodes { slug } } } }
    }
} }
"""


@pytest.mark.parametrize("packages", [3, 60])
async def test_filtered_ordered_nested_page_has_a_fixed_cost(
    db, execute, count_statements, packages
):
    await build_catalogue(db, packages=packages)
    with count_statements() as log:
        result = await execute(FILTERED_NESTED_QUERY)
    assert result.errors is None, result.errors
    assert len(result.data["packages"]["nodes"]) == min(packages, 50)
    # page, totalCount, grids, participants page, participants' packages page
    assert log.count == 5
