"""Arguments passed through (`fastpath.arguments.passed_through`): for every read field of
the schema whose arguments are all scalars, the values passed through equal what
Strawberry's conversion (the reference's) makes of them; any other field converts."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLString,
    get_nullable_type,
)
from strawberry.types.arguments import convert_arguments
from strawberry.types.unset import UNSET

from fastpath.arguments import passed_through

SAMPLES: dict[Any, list[Any]] = {
    GraphQLString: ["django-rest-framework", ""],
    GraphQLID: ["UGFja2FnZTox", "42"],
    GraphQLInt: [0, 20, -1],
    GraphQLFloat: [1.5],
    GraphQLBoolean: [True, False],
}


def _read_fields(schema: Any) -> list[tuple[str, str, Any, Any]]:
    """(type, field, its Strawberry field, its GraphQL definition) of each object field
    taking arguments."""
    found = []
    for type_name, graphql_type in schema._schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, definition in graphql_type.fields.items():
            if not definition.args:
                continue
            field = schema.get_field_for_type(field_name, type_name)
            if field is not None:
                found.append((type_name, field_name, field, definition))
    return found


def test_passed_through_values_equal_strawberrys_conversion(graphql_schema):
    schema = graphql_schema
    compared = 0
    for type_name, field_name, field, definition in _read_fields(schema):
        pairs = passed_through(field.arguments, schema)
        if pairs is None:
            continue
        assert {graphql for graphql, _ in pairs} == set(definition.args)
        raws: list[dict[str, Any]] = [{}, dict.fromkeys(definition.args)]
        for name, argument in definition.args.items():
            scalar = get_nullable_type(argument.type)
            for value in SAMPLES.get(scalar, [object()]):  # a custom scalar's parsed value
                raws.append({name: value})
        raws.append(dict.fromkeys(definition.args, UNSET))
        for raw in raws:
            expected = convert_arguments(
                raw,
                field.arguments,
                scalar_registry=schema.schema_converter.scalar_registry,
                config=schema.config,
            )
            passed = {python: raw[graphql] for graphql, python in pairs if graphql in raw}
            assert passed == expected, f"{type_name}.{field_name} {raw}"
            for key, value in passed.items():
                assert value is expected[key]  # the same objects, not equal copies
        compared += 1
    assert compared >= 5, "the catalogue's scalar-argument fields (package, packages...)"


@pytest.mark.parametrize(
    ("field_name", "why"),
    [
        ("node", "id: a GlobalID, which Strawberry decodes"),
        ("nodes", "ids: a list, which Strawberry copies"),
        ("packages", "filter: an input object; orderBy: an enum"),
    ],
)
def test_fields_with_global_ids_lists_inputs_or_enums_convert(graphql_schema, field_name, why):
    field = graphql_schema.get_field_for_type(field_name, "Query")
    assert passed_through(field.arguments, graphql_schema) is None, why
