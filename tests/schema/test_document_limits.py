"""Documents are measured once, fragments spread by count, and refused over a limit before
any validation rule walks them: a fragment bomb costs a parse and one pass (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_introspection_query, parse

from fastpath import PLANS, RECORDER
from schema import documents
from schema.context import Context
from schema.document_size import Size, measure
from schema.documents import DOCUMENTS


def fragment_bomb(fragments: int) -> str:
    """Each fragment spreads the next one twice: 2**fragments fields once spread."""
    chain = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)
    )
    return f"query Bomb {{ ...F0 }} {chain} fragment F{fragments} on Query {{ __typename }}"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the validation passes (graphql-core's rules over the whole document)."""
    seen: list[int] = []
    real = documents.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "validate", counting)
    DOCUMENTS.clear()
    PLANS.clear()
    return seen


def test_sizes_count_spread_fragments_once_per_spread() -> None:
    document = parse(
        "query Q { a: packages { nodes { ...P } } __schema { types { name } } }"
        " fragment P on Package { slug b: title grids { ... on Grid { title } } }"
    )
    # fields: packages, nodes, slug, title, grids, title, __schema, types, name
    assert measure(document) == Size(depth=3, fields=9, aliases=2, root_fields=2, directives=0)


def test_introspection_levels_do_not_count_as_depth() -> None:
    size = measure(parse(get_introspection_query()))
    assert size.depth == 0 and size.fields > 50


def test_a_fragment_cycle_adds_nothing_and_does_not_loop() -> None:
    size = measure(
        parse("{ ...A } fragment A on Query { packages { ...B } } fragment B on X { ...A }")
    )
    assert size.fields == 1


def side_by_side(copies: int) -> str:
    return "{ packages { nodes { " + " ".join(["grids { slug title }"] * copies) + " } } }"


@pytest.mark.parametrize("copies", [1, 4, 600])
def test_merges_count_the_pairs_of_a_key_and_of_their_selections(copies: int) -> None:
    """Each pair of `grids` is compared, then its `slug` and `title` pairs (1 + 2)."""
    assert measure(parse(side_by_side(copies))).merges == 3 * copies * (copies - 1) // 2


def test_merges_see_through_fragments_and_into_nested_sets() -> None:
    spread = "{ packages { nodes { ...A ... on Package { slug } slug } } }"
    assert measure(parse(spread + " fragment A on Package { slug }")).merges == 3
    # each `grids` compares its own two slugs (1 + 1), the two `grids` 1 + 2 * 2 pairs
    nested = (
        "{ packages { nodes { grids { slug ...S } grids { slug ...S } } } }"
        " fragment S on Grid { slug }"
    )
    assert measure(parse(nested)).merges == 7


async def test_many_copies_of_a_field_are_refused_without_validation(db, execute, validations):
    """600 copies side by side held the event loop 0.7 to 1.2 s in the merge rule."""
    result = await execute(side_by_side(600))
    [error] = result.errors
    assert error.extensions == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "limit": "fieldMerges",
        "max": 10_000,
    }
    assert validations == []


def test_a_bomb_is_measured_exactly() -> None:
    assert measure(parse(fragment_bomb(30))).fields == 2**30


@pytest.mark.parametrize("fragments", [20, 30])
async def test_a_fragment_bomb_is_refused_without_validation(db, execute, validations, fragments):
    result = await execute(fragment_bomb(fragments))
    [error] = result.errors
    assert error.extensions == {"code": "GRAPHQL_VALIDATION_FAILED", "limit": "fields", "max": 2000}
    assert result.data is None
    assert validations == []


async def test_a_thousand_fragments_stop_at_the_token_cap(db, execute, validations):
    result = await execute(fragment_bomb(1000))
    assert result.errors[0].extensions["code"] == "GRAPHQL_PARSE_FAILED"
    assert validations == []


LIMITED = {
    "max_query_depth": 2,
    "max_aliases": 1,
    "max_fields": 6,
    "max_root_fields": 2,
    "max_directives_per_field": 1,
    "max_field_merges": 2,
}


@pytest.mark.parametrize(
    ("limit", "query"),
    [
        ("depth", "{ packages { nodes { category { title } } } }"),
        ("aliases", "{ a: packages { totalCount } b: grids { totalCount } }"),
        ("fields", "{ packages { nodes { slug title repoUrl score pypiVersion } } }"),
        (
            "rootFields",
            "{ packages { totalCount } grids { totalCount } categories { totalCount } }",
        ),
        (
            "directives",
            "query($a: Boolean!) { packages @include(if: $a) @skip(if: false) { totalCount } }",
        ),
        ("fieldMerges", "{ packages { nodes { slug ... on Package { slug } slug } } }"),
    ],
)
async def test_each_limit_is_a_setting(db, settings, graphql_schema, validations, limit, query):
    limited = settings.model_copy(update=LIMITED)
    context = Context.create(db=db, settings=limited)
    with RECORDER.listening() as outcomes:
        result = await graphql_schema.execute(
            query, variable_values={"a": True}, context_value=context
        )
    [error] = result.errors
    assert error.extensions["limit"] == limit
    assert error.extensions["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert [o.compiled for o in outcomes] == [False]  # the compiled path never answers it
    # Under the default limits the same document answers.
    context = Context.create(db=db, settings=settings)
    assert (
        await graphql_schema.execute(query, variable_values={"a": True}, context_value=context)
    ).errors is None


async def test_a_compiled_document_is_refused_once_the_limits_shrink(db, settings, graphql_schema):
    query = "{ packages { nodes { slug title repoUrl score pypiVersion } } }"
    context = Context.create(db=db, settings=settings)
    assert (await graphql_schema.execute(query, context_value=context)).errors is None
    limited = Context.create(db=db, settings=settings.model_copy(update={"max_fields": 3}))
    result = await graphql_schema.execute(query, context_value=limited)
    assert result.errors[0].extensions["limit"] == "fields"


async def test_the_graphiql_introspection_query_passes(db, execute):
    result = await execute(get_introspection_query(descriptions=True))
    assert result.errors is None


async def test_the_http_lane_refuses_as_the_view_does(client, validations):
    response = await client.post("/graphql", json={"query": fragment_bomb(25)})
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["limit"] == "fields"
    assert validations == []
