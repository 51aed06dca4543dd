"""What a compiled document is made of: per object, getters over a row tuple and the
child relations to fetch, one batched statement per relation and level, or read from a
column of the parent's row when folded into its statement (`Nested`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from graphql import DocumentNode, FieldNode, GraphQLField, VariableDefinitionNode
from sqlalchemy import ColumnElement

from fastpath.statements import StatementCache
from schema.document_size import Size

if TYPE_CHECKING:
    from fastpath.connection import Connection
    from fastpath.relations import Relation
    from loaders.paging import Ordering

Row = Sequence[Any]


class Abort(Exception):
    """The request is not the happy path: the reference executor answers it instead."""


@dataclass
class Env:
    """One request: its connection (None: no database read), clock and coerced variables."""

    conn: Connection | None
    dialect: str
    now: datetime
    variables: Any
    schema: Any


Getter = Callable[[Row, Env], Any]


@dataclass(eq=False)
class Arguments:
    """How to turn a field's arguments (literals, variables, defaults) into the
    resolver's keyword arguments, exactly as Strawberry converts them."""

    definition: GraphQLField
    node: FieldNode
    strawberry_arguments: list[Any]
    literal: bool = False
    """No variable in the arguments: converted once, then `converted` is reused."""
    converted: dict[str, Any] | None = None
    passed_through: tuple[tuple[str, str], ...] | None = None
    """(GraphQL name, Python name) of each argument when every one is a built-in or
    custom scalar, nullable or not, whose value Strawberry's conversion returns as it is
    (`fastpath.arguments`); None: converted by Strawberry's code."""


@dataclass
class Value:
    key: str
    get: Getter
    index: int | None = None  # a plain column's position in the row: no getter needed
    constant: str | None = None
    """The same value for every row (`__typename`): written into the object template once,
    so its objects stay on the writer's copy-and-fill path, no getter call per row."""


@dataclass
class Inline:
    """A child object whose columns are in the parent's row (a join)."""

    key: str
    plan: ObjectPlan


@dataclass
class Child:
    """A child fetched by one statement for all parents of a level."""

    key: str
    relation: Relation
    parent_index: int | None  # None: the root (one parent, no key)
    arguments: Arguments | None
    columns: list[ColumnElement[Any]]
    shape: ObjectPlan | ConnectionPlan
    statements: StatementCache = field(default_factory=StatementCache)


@dataclass
class Nested:
    """A child level read from a column of the parent's row (`fastpath.nesting`).

    `columns`: what each record holds (the child's columns, then a page's sort values when
    cursors are read), for their result conversions, found once on the first run."""

    key: str
    kind: str  # one, list or page
    index: int
    total_index: int | None
    shape: ObjectPlan | ConnectionPlan
    columns: list[ColumnElement[Any]]
    size: int = 0
    ordering: Ordering | None = None
    bare: bool = False  # an array of one column's values: each made a one-value row
    processors: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None


@dataclass
class Variant:
    """One possible type of an abstract field: its plan, the columns its rows hold, and
    the table they come from (the type's `readmodel.read_from`)."""

    plan: ObjectPlan
    columns: list[ColumnElement[Any]]
    table: Any
    statements: StatementCache = field(default_factory=StatementCache)


Found = list[tuple[str, Row] | None]
"""An abstract field's results in order: (type name, row), or None (null)."""
AbstractFetch = Callable[[Env, dict[str, Any], dict[str, Variant]], Awaitable[Found]]


@dataclass
class Abstract:
    """A root field of an interface or union type (`node`, `nodes`, `search`): a plan per
    possible type, each type's rows read by that type's statement (`fastpath.abstract`)."""

    key: str
    fetch: AbstractFetch
    arguments: Arguments | None
    variants: dict[str, Variant]
    many: bool


@dataclass
class Comparison:
    """`Grid.comparison`: feature levels (one per selection of features), the rows level,
    and the matrix's shape (`fastpath.comparison`)."""

    key: str
    features: list[Child]
    rows: Child
    shape: list[tuple[str, str, Any]]


Entry = Value | Inline | Child | Nested | Abstract | Comparison


Write = Callable[[Sequence[Row], Env], list[dict[str, Any]]]


@dataclass
class ObjectPlan:
    """`write` turns a level's rows into dicts (children left None, filled in later)."""

    entries: list[Entry] = field(default_factory=list)
    write: Write | None = None
    later: list[Inline | Child | Nested | Abstract | Comparison] = field(default_factory=list)


@dataclass
class ConnectionPlan:
    """`(key, kind, sub-plan)`: kind is typename, totalCount, nodes, edges or pageInfo."""

    entries: list[tuple[str, str, Any]]
    needs_total: bool
    needs_cursors: bool


@dataclass
class EdgePlan:
    entries: list[tuple[str, str, Any]]  # typename, cursor, node


@dataclass
class PageInfoPlan:
    entries: list[tuple[str, str, Any]]  # typename, hasNextPage, ...


@dataclass
class Plan:
    """A compiled query operation."""

    operation_name: str | None
    variable_definitions: tuple[VariableDefinitionNode, ...]
    root: ObjectPlan
    size: Size = field(default_factory=Size)
    document: DocumentNode | None = None

    @property
    def reads_database(self) -> bool:
        return any(not isinstance(entry, Value) for entry in self.root.entries)
