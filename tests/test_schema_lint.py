"""Schema lint: the committed SDL explains itself to GraphiQL's docs and code generators.

The rules are graphql-schema-linter's that matter here, written over graphql-core's schema
(a few lines, and they run wherever the suite runs, Node.js or not): a description on
every type, field, argument, input value and enum value, each starting with a capital;
the usual names (PascalCase types, camelCase fields, arguments and input values,
ALL_CAPS enum values); a reason on every deprecation. graphql-schema-linter's
alphabetical-order rules are left out: fields are ordered for the reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    is_introspection_type,
    is_specified_scalar_type,
)

from core.settings import PROJECT_ROOT

PASCAL_CASE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
CAMEL_CASE = re.compile(r"^[a-z][A-Za-z0-9]*$")
ALL_CAPS = re.compile(r"^[A-Z][A-Z0-9_]*$")

Described = GraphQLNamedType | GraphQLField | GraphQLArgument | GraphQLInputField | GraphQLEnumValue


def _own_types(schema: GraphQLSchema) -> Iterator[GraphQLNamedType]:
    for named in schema.type_map.values():
        if not (is_introspection_type(named) or is_specified_scalar_type(named)):
            yield named


Member = tuple[str, str, str, Described]
"""kind, schema coordinate, name, element."""


def _members(named: GraphQLNamedType) -> Iterator[Member]:
    """The type and everything in it that has a description and a name."""
    yield "type", named.name, named.name, named
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for field_name, field in named.fields.items():
            yield "field", f"{named.name}.{field_name}", field_name, field
            for arg_name, argument in field.args.items():
                coordinate = f"{named.name}.{field_name}({arg_name}:)"
                yield "argument", coordinate, arg_name, argument
    elif isinstance(named, GraphQLInputObjectType):
        for field_name, input_field in named.fields.items():
            yield "input value", f"{named.name}.{field_name}", field_name, input_field
    elif isinstance(named, GraphQLEnumType):
        for value_name, value in named.values.items():
            yield "enum value", f"{named.name}.{value_name}", value_name, value


NAMING = {"type": ("PascalCase", PASCAL_CASE), "enum value": ("ALL_CAPS", ALL_CAPS)}
CAMEL = ("camelCase", CAMEL_CASE)


def lint(schema: GraphQLSchema) -> list[str]:
    """Every problem, one line each, in schema order."""
    problems: list[str] = []
    for named in _own_types(schema):
        for kind, coordinate, name, element in _members(named):
            description = (element.description or "").strip()
            if not description:
                problems.append(f"{kind} {coordinate} has no description")
            elif description[0].islower():
                problems.append(f"{kind} {coordinate}: the description starts in lower case")
            style, pattern = NAMING.get(kind, CAMEL)
            if not pattern.match(name):
                problems.append(f"{kind} {coordinate} is not {style}")
            reason = getattr(element, "deprecation_reason", None)
            if reason is not None and not reason.strip():
                problems.append(f"{kind} {coordinate} is deprecated without a reason")
    return problems


def test_the_committed_schema_is_lint_clean() -> None:
    schema = build_schema((PROJECT_ROOT / "schema.graphql").read_text())
    problems = lint(schema)
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_lint_finds_each_problem() -> None:
    schema = build_schema(
        '''
        """A query."""
        type Query {
          """Fine."""
          good(
            """Fine."""
            first: Int
          ): Int
          bare(first: Int): lower_type
          """lower case."""
          Shouting: Color @deprecated(reason: "")
        }
        type lower_type {
          """Fine."""
          x: Int
        }
        """A filter."""
        input Filter {
          open: Int
          """Fine."""
          snake_case: Int
        }
        """Colours."""
        enum Color {
          red
          """Fine."""
          BLUE
        }
        """A scalar."""
        scalar When
        type Extra {
          """Fine."""
          f(filter: Filter, when: When): Int
        }
        '''
    )
    assert lint(schema) == [
        "field Query.bare has no description",
        "argument Query.bare(first:) has no description",
        "field Query.Shouting: the description starts in lower case",
        "field Query.Shouting is not camelCase",
        "field Query.Shouting is deprecated without a reason",
        "type lower_type has no description",
        "type lower_type is not PascalCase",
        "input value Filter.open has no description",
        "input value Filter.snake_case is not camelCase",
        "enum value Color.red has no description",
        "enum value Color.red is not ALL_CAPS",
        "type Extra has no description",
        "argument Extra.f(filter:) has no description",
        "argument Extra.f(when:) has no description",
    ]
