"""Cursor values are bound per request into statements kept by shape: walking pages
forwards and backwards, top-level and nested, answers as the reference does."""

from __future__ import annotations

from typing import Any

from fastpath import RECORDER

PAGES = """query Pages($first: Int, $after: String, $last: Int, $before: String) {
  packages(first: $first, after: $after, last: $last, before: $before,
           orderBy: {field: WATCHERS, direction: DESC}) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { slug repoWatchers lastUpdated
      participants(first: 2) { totalCount pageInfo { endCursor } nodes { login } } } }
  }
}"""

NESTED = """query Nested($after: String) {
  packages(first: 5) { nodes { slug
    participants(first: 1, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { login } } } }
}"""


async def _page(checked_execute: Any, query: str, **variables: Any) -> Any:
    with RECORDER.listening() as outcomes:
        result = await checked_execute(query, variables=variables)
    assert result.errors is None, result.errors
    assert [o.compiled for o in outcomes] == [True]
    return result.data


async def test_walking_pages_both_ways(catalogue, checked_execute):
    after = None
    for _ in range(3):
        data = await _page(checked_execute, PAGES, first=7, after=after)
        after = data["packages"]["pageInfo"]["endCursor"]
    before = after
    for _ in range(3):
        data = await _page(checked_execute, PAGES, last=4, before=before)
        before = data["packages"]["pageInfo"]["startCursor"]


async def test_nested_cursors_are_bound_per_request(catalogue, checked_execute):
    data = await _page(checked_execute, NESTED)
    for package in data["packages"]["nodes"]:
        cursor = package["participants"]["pageInfo"]["endCursor"]
        if cursor is not None:
            await _page(checked_execute, NESTED, after=cursor)
