"""The read model's declarations: refused when incomplete, and every field of a
table-backed type is known to the compiler through them or through its relations."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLObjectType

from fastpath.relations import INLINE, RELATIONS
from fastpath.writers import scalars_of
from readmodel import bound_reads, read_field
from schema import build_schema


def test_several_columns_need_a_compute() -> None:
    with pytest.raises(ValueError, match=r"\('a', 'b'\) needs `compute`"):
        read_field(columns=("a", "b"), description="Two columns, no way to make one value.")


def test_a_type_without_a_table_has_no_reads() -> None:
    @strawberry.type
    class Loose:
        name: str = read_field(description="Read from which table?")

    with pytest.raises(TypeError, match="Loose has no table"):
        bound_reads(Loose)


_SPECIAL = {("Grid", "comparison")}  # its own part of the compiler (`comparison_plan`)


def test_every_field_of_a_table_backed_type_is_compiled() -> None:
    """A field the read model does not declare, and no relation fetches, would silently
    send every document that selects it to the reference executor."""
    schema = build_schema()
    missing = []
    typed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name == "Query":
            continue
        scalars = scalars_of(graphql_type)
        if scalars is None:
            continue
        typed += 1
        for name in graphql_type.fields:
            key = (graphql_type.name, name)
            if name not in scalars and key not in RELATIONS and key not in {*INLINE, *_SPECIAL}:
                missing.append(key)
    assert typed == 7  # Package, Category, Grid, GridRow, Participant, Feature, Element
    assert missing == []
