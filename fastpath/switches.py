"""`@include(if: $v)` and `@skip(if: $v)`: a plan per combination of the values of the
variables that directives read, so that each plan's fields are fixed (the executor never
evaluates a directive). The plan cache keys a plan by these values as well as by the
document; a document with n such variables has at most 2**n plans, in the same bounded
cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
)
from graphql.execution.values import get_variable_values

Switches = tuple[bool, ...]
"""The values of `Switched.names`, in that order."""


@dataclass(frozen=True)
class Switched:
    """A document whose directives read variables: look its plan up again with `values`."""

    names: tuple[str, ...]
    variable_definitions: tuple[VariableDefinitionNode, ...]
    reason = "directives read variables"

    def values(self, schema: Any, variable_values: dict[str, Any] | None) -> Switches | None:
        """The request's coerced values of `names`; None: a value the reference refuses
        (coercion fails, or a condition is null or missing)."""
        coerced = get_variable_values(
            schema._schema, self.variable_definitions, variable_values or {}
        )
        if isinstance(coerced, list):
            return None
        values = [coerced.coerced.get(name) for name in self.names]
        if not all(isinstance(value, bool) for value in values):
            return None
        return tuple(value is True for value in values)


def directive_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """The variables read by `@include`/`@skip` in the operation and the fragments it
    spreads, in order of first appearance."""
    names: dict[str, None] = {}
    visited: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                if directive.name.value not in ("include", "skip"):
                    continue
                for argument in directive.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        names[argument.value.name.value] = None
            if isinstance(selection, FieldNode | InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in visited:
                visited.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                walk(fragment.selection_set if fragment else None)

    walk(operation.selection_set)
    return tuple(names)
