"""PostgreSQL folds the levels a document fixes into one statement; every answer still
equals the reference executor's (`checked_execute` fails on any difference)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from fastpath import RECORDER

# The same tables at several depths (participant > packages > participants > packages):
# each level must read its own rows, not an outer level's.
REPEATED_TABLES = """query($login: String!) {
  participant(login: $login) {
    login
    packages(first: 3) {
      totalCount
      nodes {
        slug
        participants(first: 2) {
          totalCount
          nodes { login packages(first: 2) { nodes { slug category { title } } } }
        }
      }
    }
  }
}"""

# Converted values inside records (DateTime, a JSON list), cursors and page flags.
CONVERTED = """query($slug: String!) {
  grid(slug: $slug) {
    slug
    packages(first: 2) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { slug lastUpdated commitsOver52 category { title slug } } }
    }
    rows(first: 3) { package { slug } elements { text feature { id title } } }
    features { title }
  }
}"""


async def _one(catalogue: Any, query: str) -> str:
    async with catalogue.engine.connect() as connection:
        return str((await connection.execute(text(query))).scalar_one())


async def _answer(checked_execute: Any, query: str, variables: dict[str, Any]) -> Any:
    with RECORDER.listening() as outcomes:
        result = await checked_execute(query, variables=variables)
    assert result.errors is None, result.errors
    assert [o.compiled for o in outcomes] == [True]
    return result.data


@pytest.mark.parametrize("query", [REPEATED_TABLES, CONVERTED], ids=["repeated", "converted"])
async def test_folded_levels_answer_as_the_reference(
    catalogue, checked_execute, count_statements, query
):
    if query is REPEATED_TABLES:
        login = await _one(
            catalogue,
            "SELECT p.login FROM participant p JOIN package_participant pp "
            "ON pp.participant_id = p.id GROUP BY p.login ORDER BY count(*) DESC, p.login LIMIT 1",
        )
        variables = {"login": login}
    else:
        slug = await _one(
            catalogue,
            "SELECT g.slug FROM grid g JOIN grid_package gp ON gp.grid_id = g.id "
            "GROUP BY g.slug ORDER BY count(*) DESC, g.slug LIMIT 1",
        )
        variables = {"slug": slug}
    with count_statements() as log:
        data = await _answer(checked_execute, query, variables)
    assert data[next(iter(data))] is not None
    if catalogue.dialect == "postgresql":
        assert len(log.statements) == 1, log.statements
        assert "ARRAY(SELECT" in log.statements[0]


async def test_a_filtered_child_keeps_its_own_statement(
    catalogue, checked_execute, count_statements
):
    """A filter's conditions may hold the request's clock (isActive): never folded."""
    query = """{ categories(first: 2) { nodes { title
        packages(first: 3, filter: {isActive: true}) { nodes { slug } } } } }"""
    with count_statements() as log:
        await _answer(checked_execute, query, {})
    assert len(log.statements) == 2
