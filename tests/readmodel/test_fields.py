"""The read model's declarations: refused when incomplete, and every field of a
table-backed type is known to the compiler through them or through its relations."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLObjectType

import models
from execution import build_schema
from fastpath.relations import BY_LINK, INLINE
from fastpath.writers import DEFINITION, scalars_of
from readmodel import bound_reads, read_field, read_from, row_values
from readmodel.relations import LINK
from readmodel.roots import root_of


def test_several_columns_need_a_compute() -> None:
    with pytest.raises(ValueError, match=r"\('a', 'b'\) needs `compute`"):
        read_field(columns=("a", "b"), description="Two columns, no way to make one value.")


def test_a_type_without_a_table_has_no_reads() -> None:
    @strawberry.type
    class Loose:
        name: str = read_field(description="Read from which table?")

    with pytest.raises(TypeError, match="Loose has no table"):
        bound_reads(Loose)


def test_row_values_reads_each_field_as_declared() -> None:
    @strawberry.type
    @read_from(models.Participant)
    class Person:
        login: str = read_field(description="As stored.")
        loud: str = read_field(column="login", compute=str.upper, description="Computed.")
        aged: str = read_field(
            column="login",
            compute=lambda login, *, now: f"{login}@{now.tzinfo}",
            clock=True,
            description="Computed with the clock.",
        )
        both: str = read_field(
            columns=("id", "login"), compute=lambda i, login: f"{i}:{login}", description="Two."
        )

    values = row_values(Person, models.Participant(id=7, login="ada"))
    assert values == {"login": "ada", "loud": "ADA", "aged": "ada@UTC", "both": "7:ada"}
    assert [[c.name for c in f.columns] for f in bound_reads(Person)] == [
        ["login"],
        ["login"],
        ["login"],
        ["id", "login"],
    ]


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
        for name, field in graphql_type.fields.items():
            link = field.extensions[DEFINITION].metadata.get(LINK)
            known = name in scalars or link in BY_LINK or link in INLINE
            if not known and (graphql_type.name, name) not in _SPECIAL:
                missing.append((graphql_type.name, name))
    assert typed == 7  # Package, Category, Grid, GridRow, Participant, Feature, Element
    assert missing == []


_OWN_PART = {"node", "nodes", "search", "rateLimit"}  # `fastpath.abstract`, `rate_limit`
_LEFT_TO_STRAWBERRY = {"auditLog", "webhook", "webhooks"}  # admin scope: never compiled


def test_every_root_field_declares_its_fetch() -> None:
    """A root field answering table rows carries a `Lookup` or `Listing`; without one the
    compiler would not know it (there is no table of root fields to fall back on)."""
    schema = build_schema()
    query = schema._schema.query_type
    assert query is not None
    declared = {
        name: type(root_of(field.extensions[DEFINITION].metadata)).__name__
        for name, field in query.fields.items()
        if name not in _OWN_PART | _LEFT_TO_STRAWBERRY
    }
    assert declared == {
        "package": "Lookup",
        "grid": "Lookup",
        "category": "Lookup",
        "participant": "Lookup",
        "packages": "Listing",
        "grids": "Listing",
        "categories": "Listing",
        "participants": "Listing",
    }
