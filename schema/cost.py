"""What a query may cost, computed before it runs from the page sizes it asks for.

The model is GitHub's: every object a query can return counts one, and a list counts as
full. A connection's page counts one and its `nodes` or `edges` its page size (`first` or
`last`, 20 when neither is given; a named fragment on a connection, a full page of 100);
a list without a size (`grids`, `features`, `elements`...) counts `LIST_ESTIMATE`; what
is under a list counts once per item, so nested connections multiply. Scalars are free.
A text search (`search(query:)`, a filter's `search`) counts SEARCH_BASE plus one per
character of its text, since matching reads every row and is linear in the text.
`packages(first: 100) { nodes { participants(first: 100) { nodes { login } } } }` costs
1 + 100 + 100 x (1 + 100) = 10,201.

Computed in two passes over the document's own nodes (types down, costs up), each
fragment once, whatever the number of spreads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
)
from graphql.type.definition import GraphQLInterfaceType, GraphQLOutputType

from schema.arguments import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.selection_walk import bottom_up

LIST_ESTIMATE = 20
"""What a list without a page size counts (a package's grids, a grid's features...)."""
SEARCH_BASE = 100
"""What a text search counts besides its results: it reads every row of its table, as a
full page does (one rate-limit point)."""
SEARCH_PER_CHARACTER = 1
"""What each character of a search text counts: matching is linear in its length (a
900 KB text ran 10 s on PostgreSQL: about a point's worth of time per 100 characters)."""


def _size_argument(field: FieldNode, variables: dict[str, Any]) -> tuple[int | None, bool]:
    """`first` or `last` as the request gives it (capped at the largest page), and whether
    it came from a variable."""
    for argument in field.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            given: Any = int(value.value)
        elif isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            if isinstance(given, int) and not isinstance(given, bool):
                return max(0, min(given, MAX_PAGE_SIZE)), True
            return None, True
        else:
            continue
        if isinstance(given, int):
            return max(0, min(given, MAX_PAGE_SIZE)), False
    return None, False


def _search_text(field: FieldNode, variables: dict[str, Any]) -> tuple[str | None, bool]:
    """The text a field searches for: `search(query:)`, or the `search` entry of an input
    object (a filter), literal or from a variable; and whether a variable gave it."""
    for argument in field.arguments or ():
        value: Any = argument.value
        if field.name.value == "search" and argument.name.value == "query":
            return _string(value, variables)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            if isinstance(given, dict) and isinstance(given.get("search"), str):
                return given["search"], True
        elif isinstance(value, ObjectValueNode):
            for entry in value.fields:
                if entry.name.value == "search":
                    return _string(entry.value, variables)
    return None, False


def _string(value: Any, variables: dict[str, Any]) -> tuple[str | None, bool]:
    if isinstance(value, StringValueNode):
        return value.value, False
    if isinstance(value, VariableNode):
        given = variables.get(value.name.value)
        return (given if isinstance(given, str) else None), True
    return None, False


def search_cost(text: str | None) -> int:
    """What searching for `text` counts: nothing for no text (no condition is made)."""
    if text is None or not text.strip():
        return 0
    return SEARCH_BASE + SEARCH_PER_CHARACTER * len(text)


def _is_connection(named: GraphQLNamedType | None) -> bool:
    return named is not None and named.name.endswith("Connection")


def _is_list(output: GraphQLOutputType) -> bool:
    while isinstance(output, GraphQLNonNull):
        output = output.of_type
    return isinstance(output, GraphQLList)


class _Cost:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.types: dict[int, GraphQLNamedType | None] = {}  # selection set -> its type
        self.units: dict[int, int] = {}  # field node -> what it counts (and multiplies by)
        self.searches: dict[int, int] = {}  # field node -> what its text search counts
        self.page_sizes: dict[int, int] = {}  # a connection's selection set -> its page size
        self.done: dict[int, int] = {}  # selection set -> its cost for one parent
        self.reads_variables = False  # a page size came from a variable

    def _fragment(self, name: str) -> tuple[SelectionSetNode, GraphQLNamedType | None] | None:
        definition = self.fragments.get(name)
        if definition is None:
            return None
        return definition.selection_set, self.schema.get_type(definition.type_condition.name.value)

    def _field_type(self, parent: GraphQLNamedType | None, field: FieldNode) -> Any:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return None
        definition = parent.fields.get(field.name.value)
        return None if definition is None else definition.type

    def assign_types(self, root: SelectionSetNode, root_type: GraphQLNamedType | None) -> None:
        """Top down: each selection set's type, each field's count."""
        stack = [(root, root_type)]
        while stack:
            selection_set, parent = stack.pop()
            if id(selection_set) in self.types:
                continue
            self.types[id(selection_set)] = parent
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    text, from_variable = _search_text(selection, self.variables)
                    self.reads_variables |= from_variable
                    if text is not None:
                        self.searches[id(selection)] = search_cost(text)
                    output = self._field_type(parent, selection)
                    named = None if output is None else get_named_type(output)
                    if selection.selection_set is None or named is None:
                        self.units[id(selection)] = 0
                        continue
                    size, from_variable = _size_argument(selection, self.variables)
                    self.reads_variables |= from_variable
                    if _is_connection(named):
                        units = 1  # the page itself; its nodes count below
                        self.page_sizes[id(selection.selection_set)] = (
                            DEFAULT_PAGE_SIZE if size is None else size
                        )
                    elif _is_connection(parent) and selection.name.value in ("nodes", "edges"):
                        units = self.page_sizes.get(id(selection_set), MAX_PAGE_SIZE)
                    elif _is_list(output):
                        units = LIST_ESTIMATE if size is None else size
                    else:
                        units = 1
                    self.units[id(selection)] = units
                    stack.append((selection.selection_set, named))
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    typed = self.schema.get_type(condition.name.value) if condition else parent
                    if id(selection_set) in self.page_sizes:
                        self.page_sizes[id(selection.selection_set)] = self.page_sizes[
                            id(selection_set)
                        ]
                    stack.append((selection.selection_set, typed))
                elif isinstance(selection, FragmentSpreadNode):
                    # A named fragment on a connection may be spread under several pages:
                    # its nodes count as a full page (no entry in page_sizes).
                    found = self._fragment(selection.name.value)
                    if found is not None:
                        stack.append(found)

    def _inner(self, selection: Any) -> SelectionSetNode | None:
        if isinstance(selection, FragmentSpreadNode):
            found = self._fragment(selection.name.value)
            return None if found is None else found[0]
        result: SelectionSetNode | None = selection.selection_set
        return result

    def cost(self, root: SelectionSetNode) -> int:
        bottom_up(root, self._inner, self._combine, self.done)
        return self.done.get(id(root), 0)

    def _combine(self, node: SelectionSetNode) -> int:
        total = 0
        for selection in node.selections:
            inner = self._inner(selection)
            below = 0 if inner is None else self.done.get(id(inner), 0)
            if isinstance(selection, FieldNode):
                units = self.units.get(id(selection), 0)
                total += units + units * below + self.searches.get(id(selection), 0)
            else:
                total += below
        return total


@dataclass(frozen=True)
class Cost:
    """`points`, and whether they depend on the request's variables (else they hold for
    every request with the same document and operation)."""

    points: int
    reads_variables: bool


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> Cost:
    """The cost of the operation the request runs (0 when none is found: it fails anyway)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return Cost(0, False)
    [operation] = operations
    root_type = schema.get_root_type(operation.operation)
    counting = _Cost(schema, document, variables or {})
    counting.assign_types(operation.selection_set, root_type)
    return Cost(counting.cost(operation.selection_set), counting.reads_variables)


JS_SAFE_INTEGER = 2**53 - 1
"""The largest count a JavaScript client reads exactly; larger costs are shown as this."""


def too_complex(points: int, maximum: int) -> GraphQLError | None:
    """QUERY_TOO_COMPLEX when the query costs more than `maximum`, else None."""
    if points <= maximum:
        return None
    shown = min(points, JS_SAFE_INTEGER)
    return GraphQLError(
        f"The query may return {shown:,} objects; at most {maximum:,} are allowed. "
        "Ask for smaller pages (first/last) or fewer nested lists.",
        extensions={"code": "QUERY_TOO_COMPLEX", "cost": shown, "maxCost": maximum},
    )
