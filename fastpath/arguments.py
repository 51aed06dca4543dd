"""A field's arguments as its resolver receives them, converted by Strawberry's own code,
or, when every argument is a scalar, passed through as Strawberry's conversion would pass
them (a third of the cost of a one-package page's arguments)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError
from graphql.execution.values import get_argument_values
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.types.arguments import StrawberryArgument, convert_arguments
from strawberry.types.base import StrawberryMaybe, StrawberryOptional

from fastpath.plan import Abort, Arguments


def passed_through(
    arguments: Sequence[StrawberryArgument], schema: Any
) -> tuple[tuple[str, str], ...] | None:
    """(GraphQL name, Python name) of each argument when Strawberry's `convert_argument`
    returns every one's value unchanged: a scalar (not a GlobalID, which it decodes),
    nullable or not, never `Maybe` (which it wraps); None otherwise."""
    registry = schema.schema_converter.scalar_registry
    names = schema.config.name_converter
    pairs = []
    for argument in arguments:
        type_ = argument.type
        if isinstance(type_, StrawberryMaybe):
            return None
        if isinstance(type_, StrawberryOptional):
            type_ = type_.of_type
        if type_ is GlobalID or not is_scalar(type_, registry):
            return None
        assert argument.python_name
        pairs.append((names.from_argument(argument), argument.python_name))
    return tuple(pairs)


def convert(arguments: Arguments, schema: Any, variables: Any) -> dict[str, Any]:
    """`variables`: the coerced values (None: a literal-only field). Abort when the
    reference would answer with an error instead."""
    try:
        raw = get_argument_values(arguments.definition, arguments.node, variables)
        if arguments.passed_through is not None:
            return {
                python: raw[graphql]
                for graphql, python in arguments.passed_through
                if graphql in raw
            }
        return convert_arguments(
            raw,
            arguments.strawberry_arguments,
            scalar_registry=schema.schema_converter.scalar_registry,
            config=schema.config,
        )
    except (GraphQLError, ValueError, TypeError) as error:
        raise Abort(str(error)) from error
