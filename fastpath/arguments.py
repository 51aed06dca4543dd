"""A field's arguments as its resolver receives them, converted by Strawberry's own code."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from graphql.execution.values import get_argument_values
from strawberry.types.arguments import convert_arguments

from fastpath.plan import Abort, Arguments


def convert(arguments: Arguments, schema: Any, variables: Any) -> dict[str, Any]:
    """`variables`: the coerced values (None: a literal-only field). Abort when the
    reference would answer with an error instead."""
    try:
        raw = get_argument_values(arguments.definition, arguments.node, variables)
        return convert_arguments(
            raw,
            arguments.strawberry_arguments,
            scalar_registry=schema.schema_converter.scalar_registry,
            config=schema.config,
        )
    except (GraphQLError, ValueError, TypeError) as error:
        raise Abort(str(error)) from error
