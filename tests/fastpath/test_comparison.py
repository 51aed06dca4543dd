"""`Grid.comparison` takes the compiled path (every cell, empty ones too, with its parsed
rating) and answers as the reference does (the differential check is on)."""

from __future__ import annotations

from typing import Any

import pytest

from fastpath import RECORDER

MATRIX = """
query Matrix($slug: String!, $first: Int) {
  grid(slug: $slug) {
    slug
    comparison(first: $first) {
      __typename
      features { id title }
      rows {
        __typename
        package { slug category { slug } }
        cells {
          __typename
          feature { title }
          other: feature { id description }
          text
          rating { __typename sign intensity note }
        }
      }
      again: rows { package { title } cells { text } }
    }
  }
}
"""

EVERY_GRID = """
{
  grids(first: 10) {
    nodes {
      comparison { rows { package { ...P } cells { text rating { sign } } } }
      m: comparison(first: 2) { features { ...F } rows { cells { feature { ...F } } } }
    }
  }
}
fragment P on Package { slug }
fragment F on Feature { title }
"""


async def _compiled(checked_execute: Any, query: str, variables: dict[str, Any]) -> Any:
    with RECORDER.listening() as outcomes:
        result = await checked_execute(query, variables=variables)
    assert result.errors is None, result.errors
    assert [o.compiled for o in outcomes] == [True], [o.reason for o in outcomes]
    return result.data


async def _largest_grid(checked_execute: Any) -> str:
    data = await _compiled(
        checked_execute, "{ grids(first: 100) { nodes { slug rows { package { id } } } } }", {}
    )
    grids = [g for g in data["grids"]["nodes"] if g["slug"]]
    return str(max(grids, key=lambda g: len(g["rows"]))["slug"])


@pytest.mark.parametrize("first", [None, 1, 3])
async def test_the_matrix_of_a_grid(catalogue, checked_execute, first):
    slug = await _largest_grid(checked_execute)
    data = await _compiled(checked_execute, MATRIX, {"slug": slug, "first": first})
    matrix = data["grid"]["comparison"]
    assert matrix["rows"], slug
    assert all(len(r["cells"]) == len(matrix["features"]) for r in matrix["rows"])
    if first is not None:
        assert len(matrix["rows"]) <= first
    cells = [cell for row in matrix["rows"] for cell in row["cells"]]
    assert any(cell["rating"] for cell in cells) or not cells


async def test_every_grid_s_matrix_at_once(catalogue, checked_execute):
    data = await _compiled(checked_execute, EVERY_GRID, {})
    assert len(data["grids"]["nodes"]) > 1


async def test_a_size_out_of_range_is_left_to_the_reference(catalogue, checked_execute):
    slug = await _largest_grid(checked_execute)
    with RECORDER.listening() as outcomes:
        result = await checked_execute(MATRIX, variables={"slug": slug, "first": 0})
    assert result.errors and result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert [o.compiled for o in outcomes] == [False]
