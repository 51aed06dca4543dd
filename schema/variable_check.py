"""A request's `variables`, checked against the operation's declared types in one pass
before graphql-core coerces them, stopping at the first refusal.

graphql-core reports every unknown key of an input object, and each report prints the
whole object: a `PackageFilter` with 20,000 unknown keys took 24 s of the event loop
(twice: once for the compiled path, once for Strawberry's), 80,000 keys over 20 minutes.
Here the first unknown key is enough, and every string and object is bounded. Which
characters a text may hold is checked where it is read (`core.characters`: look-ups,
filters and search in `schema.arguments`, mutations in `writes.validation`, which lists
every problem of an input at once).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    VariableDefinitionNode,
    get_operation_ast,
)
from graphql.utilities import type_from_ast

from schema.variable_lists import BAD_USER_INPUT, MAX_VARIABLE_OBJECT_KEYS

MAX_VARIABLE_STRING = 10_000
"""Ten times the longest text any field stores (a description, 1,000 characters)."""
MAX_OBJECT_KEYS = MAX_VARIABLE_OBJECT_KEYS
_SHOWN = 40  # characters of a client's key repeated in a message


def refused_variables(
    schema: GraphQLSchema,
    definitions: Collection[VariableDefinitionNode],
    variables: Mapping[str, Any] | None,
) -> GraphQLError | None:
    """The first problem in the declared variables' values (None: none); undeclared
    ones are never read by graphql-core, so they are not walked either."""
    if not variables:
        return None
    for definition in definitions:
        name = definition.variable.name.value
        if name not in variables:
            continue
        declared = type_from_ast(schema, definition.type)
        problem = _first_problem(variables[name], declared, name)
        if problem is not None:
            where, why = problem
            return GraphQLError(
                f"Variable '${name}' has invalid value at '{where}': {why}.",
                extensions={"code": BAD_USER_INPUT, "variable": name},
            )
    return None


def refused_operation_variables(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> GraphQLError | None:
    """`refused_variables` for the operation `operation_name` picks (None: no such one,
    which graphql-core reports itself)."""
    operation = get_operation_ast(document, operation_name) if variables else None
    if operation is None:
        return None
    return refused_variables(schema, operation.variable_definitions or (), variables)


def _first_problem(value: Any, declared: Any, name: str) -> tuple[str, str] | None:
    """(path, reason) of the first refused part of `value`, walked depth first with an
    explicit stack (no recursion limit to reach)."""
    stack: list[tuple[Any, Any, str]] = [(value, declared, name)]
    while stack:
        item, kind, path = stack.pop()
        while isinstance(kind, GraphQLNonNull | GraphQLList) and not (
            isinstance(kind, GraphQLList) and isinstance(item, list)
        ):
            kind = kind.of_type  # a list type also takes one item
        if isinstance(item, str):
            if len(item) > MAX_VARIABLE_STRING:
                return path, (
                    f"a string of {len(item):,} characters; at most "
                    f"{MAX_VARIABLE_STRING:,} are accepted"
                )
        elif isinstance(item, list):
            of = kind.of_type if isinstance(kind, GraphQLList) else None
            stack.extend((part, of, f"{path}.{i}") for i, part in enumerate(item))
        elif isinstance(item, dict):
            problem = _object_problem(item, kind, path, stack)
            if problem is not None:
                return problem
    return None


def _object_problem(
    item: dict[str, Any], kind: Any, path: str, stack: list[tuple[Any, Any, str]]
) -> tuple[str, str] | None:
    if len(item) > MAX_OBJECT_KEYS:
        return path, f"an object with {len(item):,} keys; at most {MAX_OBJECT_KEYS} are accepted"
    fields = kind.fields if isinstance(kind, GraphQLInputObjectType) else None
    for key, part in item.items():
        if fields is not None and key not in fields:
            shown = key if len(key) <= _SHOWN else key[:_SHOWN] + "…"
            return path, f"{kind} has no field '{shown}'"
        if len(key) > MAX_VARIABLE_STRING:
            return path, "a key is too long"
        stack.append((part, fields[key].type if fields is not None else None, f"{path}.{key}"))
    return None
