"""What the compiler and its parts for particular fields (`comparison_plan`, `rate_limit`)
share: the refusal, merged sub-selections, a column's place in a level's row, and the
compiler's face those parts see (`Levels`), so they never import `fastpath.compile`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from graphql import FieldNode, GraphQLObjectType, SelectionSetNode, get_named_type
from sqlalchemy import ColumnElement

if TYPE_CHECKING:
    from fastpath.plan import Arguments, ObjectPlan


class Unsupported(Exception):
    """The document needs the reference executor."""


def subselections(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    """The selection sets of one response key's nodes, merged (CollectSubfields)."""
    return [node.selection_set for node in nodes if node.selection_set is not None]


def column_index(columns: list[ColumnElement[Any]], column: ColumnElement[Any]) -> int:
    """`column`'s position in a level's row, added when the level does not read it yet."""
    for index, known in enumerate(columns):
        if known is column:
            return index
    columns.append(column)
    return len(columns) - 1


def object_type(parent: GraphQLObjectType, field_name: str) -> GraphQLObjectType:
    named = get_named_type(parent.fields[field_name].type)
    assert isinstance(named, GraphQLObjectType)
    return named


class Levels(Protocol):
    """What `fastpath.compile.Compiler` offers the parts it calls: collected fields, an
    object level and a field's arguments (the parts stay below the compiler)."""

    def fields(
        self, graphql_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> list[tuple[str, list[FieldNode]]]: ...

    def object(
        self,
        graphql_type: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
        columns: list[ColumnElement[Any]],
    ) -> ObjectPlan: ...

    def arguments(self, parent: GraphQLObjectType, node: FieldNode) -> Arguments | None: ...
