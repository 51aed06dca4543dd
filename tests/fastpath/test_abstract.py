"""`node`, `nodes` and `search` (interfaces and unions) take the compiled path with a plan
per possible type, and answer as the reference does (the differential check is on)."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import GlobalID

from fastpath import RECORDER

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Package { slug title category { slug } }
    ...GridCard
    ... on Category { name: title }
  }
}
fragment GridCard on Grid { gridSlug: slug packages(first: 2) { nodes { slug } } }
"""

NODES = """
query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on Node { id }
    ... on Package { slug }
    ... on Participant { login }
  }
}
"""

SEARCH = """
query Search($q: String!, $first: Int) {
  search(query: $q, first: $first) {
    __typename
    ... on Package { slug score repoWatchers }
    ... on Grid { gridSlug: slug title }
  }
}
"""


async def _run(checked_execute: Any, query: str, variables: dict[str, Any]) -> tuple[Any, Any]:
    with RECORDER.listening() as outcomes:
        result = await checked_execute(query, variables=variables)
    [outcome] = outcomes
    return result, outcome


async def _compiled(checked_execute: Any, query: str, variables: dict[str, Any]) -> Any:
    result, outcome = await _run(checked_execute, query, variables)
    assert result.errors is None, result.errors
    assert outcome.compiled, outcome.reason
    return result.data


async def _ids(catalogue: Any, checked_execute: Any) -> dict[str, str]:
    """A global id of each Node type in the catalogue."""
    data = await _compiled(
        checked_execute,
        "{ packages(first: 1) { nodes { id } } grids(first: 1) { nodes { id } }"
        " categories(first: 1) { nodes { id } } participants(first: 1) { nodes { id } } }",
        {},
    )
    return {name: data[name]["nodes"][0]["id"] for name in data}


async def test_node_is_written_by_the_plan_of_its_type(catalogue, checked_execute):
    ids = await _ids(catalogue, checked_execute)
    package = await _compiled(checked_execute, NODE, {"id": ids["packages"]})
    assert list(package["node"]) == ["__typename", "id", "slug", "title", "category"]
    grid = await _compiled(checked_execute, NODE, {"id": ids["grids"]})
    assert list(grid["node"]) == ["__typename", "id", "gridSlug", "packages"]
    participant = await _compiled(checked_execute, NODE, {"id": ids["participants"]})
    assert list(participant["node"]) == ["__typename", "id"]
    missing = str(GlobalID("Package", "987654321"))
    assert (await _compiled(checked_execute, NODE, {"id": missing}))["node"] is None


async def test_nodes_of_several_types_keep_their_order(catalogue, checked_execute):
    ids = await _ids(catalogue, checked_execute)
    order = [ids["participants"], ids["packages"], str(GlobalID("Grid", "987654321"))]
    order += [ids["grids"], ids["packages"]]
    data = await _compiled(checked_execute, NODES, {"ids": order})
    types = [None if n is None else n["__typename"] for n in data["nodes"]]
    assert types == ["Participant", "Package", None, "Grid", "Package"]


@pytest.mark.parametrize(
    "ids",
    [
        ["not base64 at all"],
        [str(GlobalID("Package", "abc"))],
        [str(GlobalID("PageInfo", "1"))],
        [str(GlobalID("Package", "1"))] * 101,
    ],
)
async def test_ids_the_reference_refuses_are_left_to_it(catalogue, checked_execute, ids):
    result, outcome = await _run(checked_execute, NODES, {"ids": ids})
    assert result.errors
    assert not outcome.compiled


@pytest.mark.parametrize("text", ["django", "a", "rest", "  ", "no such thing at all"])
@pytest.mark.parametrize("first", [None, 3, 100])
async def test_search_merges_packages_and_grids_as_the_reference(
    catalogue, checked_execute, text, first
):
    data = await _compiled(checked_execute, SEARCH, {"q": text, "first": first})
    assert len(data["search"]) <= (first or 10)


async def test_search_finds_both_types(catalogue, checked_execute):
    grids = await _compiled(checked_execute, "{ grids(first: 1) { nodes { title } } }", {})
    title = grids["grids"]["nodes"][0]["title"]
    data = await _compiled(checked_execute, SEARCH, {"q": title, "first": 100})
    assert "Grid" in {r["__typename"] for r in data["search"]}
    data = await _compiled(checked_execute, SEARCH, {"q": "django", "first": 100})
    assert "Package" in {r["__typename"] for r in data["search"]}


UNION_FRAGMENT = """
query { search(query: "django", first: 30) { ...Result } }
fragment Result on SearchResult { __typename ...Card ... on Grid { title } }
fragment Card on Node { id ... on Package { slug } }
"""


async def test_fragments_on_the_union_and_on_an_interface(catalogue, checked_execute):
    data = await _compiled(checked_execute, UNION_FRAGMENT, {})
    package = next(r for r in data["search"] if r["__typename"] == "Package")
    assert list(package) == ["__typename", "id", "slug"]


async def test_a_search_size_out_of_range_is_left_to_the_reference(catalogue, checked_execute):
    result, outcome = await _run(checked_execute, SEARCH, {"q": "django", "first": 0})
    assert result.errors and result.errors[0].extensions["code"] == "BAD_USER_INPUT"
    assert not outcome.compiled
