"""Documents as real clients send them (Apollo's named fragments and `__typename`, Relay's
fragments, `@include`/`@skip`, several operations) take the compiled path, and every
answer equals the reference's (the differential check is on)."""

from __future__ import annotations

from typing import Any

import pytest

from fastpath import PLANS, RECORDER
from fastpath.plan import Plan
from fastpath.switches import Switched

APOLLO = """
query Packages($first: Int!) {
  packages(first: $first) {
    __typename
    totalCount
    edges { __typename cursor node { ...PackageCard } }
    pageInfo { __typename ...Paging }
  }
}
fragment Paging on PageInfo { hasNextPage endCursor }
fragment PackageCard on Package {
  __typename
  id
  slug
  ...PackageStats
  category { __typename ...CategoryName }
}
fragment PackageStats on Package { repoWatchers score }
fragment CategoryName on Category { slug title }
"""

INLINE = """
{
  packages(first: 4) {
    nodes {
      ... on Package { slug }
      ... { title }
      ... on Node { id }
      category { ... on Category { slug } }
    }
  }
}
"""

MERGED = """
{
  packages(first: 3) { nodes { slug category { slug } } }
  packages(first: 3) { nodes { title category { title } slug } totalCount }
  grids(first: 2) { nodes { slug } }
  ... on Query { grids(first: 2) { nodes { title } pageInfo { hasNextPage } } }
}
"""

CONNECTION_FRAGMENTS = """
query {
  grids(first: 2) { ...GridPage }
}
fragment GridPage on GridConnection {
  __typename
  nodes { __typename slug packages(first: 2) { ...Slugs } }
  edges { __typename node { __typename title } }
}
fragment Slugs on PackageConnection { totalCount nodes { slug ...Slug } }
fragment Slug on Package { slug title }
"""

DIRECTIVES = """
query Switches($withCategory: Boolean!, $skipTitle: Boolean = false) {
  packages(first: 3) {
    nodes {
      slug
      title @skip(if: $skipTitle)
      category @include(if: $withCategory) { slug }
      ...Stats @include(if: $withCategory)
      score @include(if: false)
      repoWatchers @skip(if: false)
      ... @skip(if: true) { repoForks }
    }
  }
}
fragment Stats on Package { score }
"""

OPERATIONS = """
query One { packages(first: 2) { nodes { slug } } }
query Two($n: Int!) { grids(first: $n) { nodes { ...G } } }
mutation Three { __typename }
fragment G on Grid { slug title }
"""


async def _compiled(checked_execute: Any, query: str, **kwargs: Any) -> Any:
    """The answer, which the compiled path gave (and which equals the reference's)."""
    with RECORDER.listening() as outcomes:
        result = await checked_execute(query, **kwargs)
    assert result.errors is None, result.errors
    assert [o.compiled for o in outcomes] == [True], [o.reason for o in outcomes]
    return result.data


async def test_apollo_named_fragments_and_typename_everywhere(catalogue, checked_execute):
    data = await _compiled(checked_execute, APOLLO, variables={"first": 5})
    page = data["packages"]
    assert page["__typename"] == "PackageConnection"
    assert page["pageInfo"]["__typename"] == "PageInfo"
    node = page["edges"][0]["node"]
    assert list(node) == ["__typename", "id", "slug", "repoWatchers", "score", "category"]
    assert node["__typename"] == "Package"


async def test_inline_fragments_with_and_without_a_type_condition(catalogue, checked_execute):
    data = await _compiled(checked_execute, INLINE)
    node = data["packages"]["nodes"][0]
    assert list(node) == ["slug", "title", "id", "category"]


async def test_a_key_selected_twice_merges_its_sub_selections(catalogue, checked_execute):
    data = await _compiled(checked_execute, MERGED)
    assert list(data["packages"]) == ["nodes", "totalCount"]
    assert list(data["packages"]["nodes"][0]) == ["slug", "category", "title"]
    assert list(data["grids"]) == ["nodes", "pageInfo"]
    assert list(data["grids"]["nodes"][0]) == ["slug", "title"]


async def test_fragments_on_connections_and_edges(catalogue, checked_execute):
    data = await _compiled(checked_execute, CONNECTION_FRAGMENTS)
    grid = data["grids"]["nodes"][0]
    assert list(grid["packages"]) == ["totalCount", "nodes"]


@pytest.mark.parametrize("with_category", [True, False])
@pytest.mark.parametrize("skip_title", [True, False, None])
async def test_include_and_skip_with_variables_choose_a_plan_per_combination(
    catalogue, checked_execute, graphql_schema, with_category, skip_title
):
    variables: dict[str, Any] = {"withCategory": with_category}
    if skip_title is not None:
        variables["skipTitle"] = skip_title
    data = await _compiled(checked_execute, DIRECTIVES, variables=variables)
    expected = ["slug", *([] if skip_title else ["title"])]
    expected += ["category", "score"] if with_category else []
    assert list(data["packages"]["nodes"][0]) == [*expected, "repoWatchers"]
    switched = PLANS.get(graphql_schema, DIRECTIVES, None, catalogue.dialect)
    assert isinstance(switched, Switched) and switched.names == ("skipTitle", "withCategory")
    plan = PLANS.get(
        graphql_schema,
        DIRECTIVES,
        None,
        catalogue.dialect,
        switches=(bool(skip_title), with_category),
    )
    assert isinstance(plan, Plan)


async def test_a_null_directive_condition_is_left_to_the_reference(catalogue, checked_execute):
    with RECORDER.listening() as outcomes:
        result = await checked_execute(DIRECTIVES, variables={"withCategory": None})
    assert result.errors and result.data is None
    assert [(o.compiled, o.reason) for o in outcomes] == [(False, "directive variables")]


async def test_several_operations_are_compiled_by_operation_name(catalogue, checked_execute):
    one = await _compiled(checked_execute, OPERATIONS, operation_name="One")
    assert len(one["packages"]["nodes"]) == 2
    two = await _compiled(checked_execute, OPERATIONS, operation_name="Two", variables={"n": 3})
    assert list(two["grids"]["nodes"][0]) == ["slug", "title"]
