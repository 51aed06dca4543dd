"""Builds a `Plan` from a validated document: the graphql-core schema gives each field's
type and arguments; each field's fetch is read from the Strawberry field itself: a
scalar's `readmodel` declaration (`writers`), a relation's `Link` (`relations.BY_LINK`),
a root field's `Lookup` or `Listing` (`relations.root_relation`).

Fields are collected as the spec says (`fastpath.collect`): fragments, `@include`/`@skip`
and a response key selected several times are resolved here, once per plan. Abstract root
fields get a plan per possible type (`fastpath.abstract`); `Grid.comparison` and
`rateLimit` have parts of their own (`comparison_plan`, `rate_limit`). Anything else
(mutations, introspection beyond `__typename`, a field the read model does not declare) raises
`Unsupported`: the document is then always executed by Strawberry.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    ListValueNode,
    ObjectValueNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
)
from graphql.utilities import get_operation_ast
from sqlalchemy import ColumnElement

from fastpath.abstract import ABSTRACT
from fastpath.arguments import convert, passed_through
from fastpath.collect import CannotCollect, Selections
from fastpath.comparison_plan import compile_comparison
from fastpath.compiler_tools import Unsupported, column_index, subselections
from fastpath.objects import sealed
from fastpath.plan import (
    Abort,
    Abstract,
    AbstractFetch,
    Arguments,
    Child,
    ConnectionPlan,
    EdgePlan,
    Inline,
    Nested,
    ObjectPlan,
    PageInfoPlan,
    Plan,
    Value,
    Variant,
)
from fastpath.rate_limit import compile_rate_limit
from fastpath.relations import BY_LINK, INLINE, Relation, root_relation
from fastpath.switches import Switched, Switches, directive_variables
from fastpath.writers import DEFINITION, scalars_of, table_of_type
from loaders.cursors import InvalidCursor
from readmodel.relations import LINK
from readmodel.roots import root_of


def compile_plan(
    schema: Any,
    document: DocumentNode,
    operation_name: str | None,
    dialect: str,
    switches: Switches = (),
) -> Plan | Switched:
    """`schema` is the Strawberry schema (its graphql-core schema is `schema._schema`);
    on PostgreSQL, children fixed by the document fold into their parent's statement.
    `switches`: the values of the variables the directives read (`Switched.names`);
    without them, such a document answers `Switched`."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        raise Unsupported("not a single query operation")
    if operation.directives:
        raise Unsupported("operation directives")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    names = directive_variables(operation, fragments)
    if len(switches) != len(names):
        return Switched(names, tuple(operation.variable_definitions or ()))
    selections = Selections(schema._schema, fragments, dict(zip(names, switches, strict=True)))
    compiler = Compiler(schema, dialect, selections)
    root_type = schema._schema.query_type
    root = compiler.object(root_type, [operation.selection_set], [])
    name = operation.name.value if operation.name else None
    return Plan(name, tuple(operation.variable_definitions or ()), root)


def _uses_variables(node: ValueNode) -> bool:
    if isinstance(node, VariableNode):
        return True
    if isinstance(node, ListValueNode):
        return any(_uses_variables(value) for value in node.values)
    if isinstance(node, ObjectValueNode):
        return any(_uses_variables(field.value) for field in node.fields)
    return False


class Compiler:
    """Compiles one operation: `object` per level, with the request-independent parts
    (fragments collected, arguments known) resolved once."""

    def __init__(self, schema: Any, dialect: str, selections: Selections) -> None:
        self.schema = schema
        self.dialect = dialect
        self.selections = selections
        self.in_records: set[int] = set()  # ids of column lists that may be a record's fields

    def fields(
        self, graphql_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> list[tuple[str, list[FieldNode]]]:
        """(response key, its nodes) in order of first appearance."""
        if not selection_sets:
            raise Unsupported("no selection")
        try:
            return list(self.selections.collect(graphql_type, selection_sets).items())
        except CannotCollect as reason:
            raise Unsupported(str(reason)) from None

    def arguments(self, parent: GraphQLObjectType, node: FieldNode) -> Arguments | None:
        definition = parent.fields[node.name.value]
        if not definition.args:
            return None
        field = self.schema.get_field_for_type(node.name.value, parent.name)
        if field is None:
            raise Unsupported(f"no Strawberry field for {parent.name}.{node.name.value}")
        literal = not any(_uses_variables(argument.value) for argument in node.arguments or ())
        strawberry_arguments = list(field.arguments)
        return Arguments(
            definition,
            node,
            strawberry_arguments,
            literal,
            passed_through=passed_through(strawberry_arguments, self.schema),
        )

    def object(
        self,
        graphql_type: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
        columns: list[ColumnElement[Any]],
    ) -> ObjectPlan:
        name = graphql_type.name
        scalars = {} if name == "Query" else scalars_of(graphql_type)
        if scalars is None:
            raise Unsupported(f"type {name}")
        plan = ObjectPlan()
        for key, nodes in self.fields(graphql_type, selection_sets):
            node = nodes[0]
            field_name = node.name.value
            if field_name == "__typename":
                plan.entries.append(Value(key, _constant(name), constant=name))
                continue
            if field_name.startswith("__"):
                raise Unsupported("introspection")
            if field_name in scalars:
                if node.arguments or node.selection_set:
                    raise Unsupported("arguments on a scalar")
                scalar = scalars[field_name]
                at = tuple(column_index(columns, c) for c in scalar.columns)
                plan.entries.append(Value(key, scalar.build(at), at[0] if scalar.plain else None))
                continue
            definition = graphql_type.fields.get(field_name)
            if definition is None:
                raise Unsupported(f"{name}.{field_name}")
            if (name, field_name) == ("Query", "rateLimit"):
                plan.entries.append(Value(key, compile_rate_limit(self, graphql_type, nodes)))
                continue
            if (name, field_name) == ("Grid", "comparison"):
                plan.entries.append(compile_comparison(self, key, graphql_type, nodes, columns))
                continue
            fetch = ABSTRACT.get((name, field_name))
            if fetch is not None:
                plan.entries.append(self.abstract(key, graphql_type, nodes, fetch))
                continue
            child_type = get_named_type(definition.type)
            link = _link(definition)
            if link in INLINE:
                if node.arguments or not isinstance(child_type, GraphQLObjectType):
                    raise Unsupported("inline object with arguments")
                plan.entries.append(
                    Inline(key, self.object(child_type, subselections(nodes), columns))
                )
                continue
            relation = BY_LINK.get(link) if link is not None else _root(definition)
            if relation is None:
                raise Unsupported(f"{name}.{field_name}")
            arguments = self.arguments(graphql_type, node)
            child_columns: list[ColumnElement[Any]] = []
            if self._may_fold(relation, arguments):
                # Its children's columns may become a record's fields (`Nest.records`).
                self.in_records.add(id(child_columns))
            shape: Any
            if relation.kind == "value":
                if node.selection_set:
                    raise Unsupported("selection on a value")
                shape = None
            elif not isinstance(child_type, GraphQLObjectType):
                raise Unsupported(f"{name}.{field_name} is not an object type")
            elif relation.kind == "page":
                shape = self.connection(child_type, subselections(nodes), child_columns)
            else:
                shape = self.object(child_type, subselections(nodes), child_columns)
            nested = self._nested(key, relation, arguments, shape, columns, child_columns)
            if nested is not None:
                plan.entries.append(nested)
                continue
            parent_index = (
                None
                if relation.parent_column is None
                else column_index(columns, relation.parent_column)
            )
            plan.entries.append(Child(key, relation, parent_index, arguments, child_columns, shape))
        return sealed(plan)

    def abstract(
        self, key: str, parent: GraphQLObjectType, nodes: list[FieldNode], fetch: AbstractFetch
    ) -> Abstract:
        """A plan per possible type, each from the fragments that apply to that type."""
        definition = parent.fields[nodes[0].name.value]
        abstract_type = get_named_type(definition.type)
        if not is_abstract_type(abstract_type):
            raise Unsupported(f"{parent.name}.{nodes[0].name.value} is not abstract")
        variants: dict[str, Variant] = {}
        for possible in self.schema._schema.get_possible_types(abstract_type):
            table = table_of_type(possible)
            if table is None:
                raise Unsupported(f"type {possible.name}")
            columns: list[ColumnElement[Any]] = []
            plan = self.object(possible, subselections(nodes), columns)
            variants[possible.name] = Variant(plan, columns, table)
        many = is_list_type(get_nullable_type(definition.type))
        return Abstract(key, fetch, self.arguments(parent, nodes[0]), variants, many)

    def _may_fold(self, relation: Relation, arguments: Arguments | None) -> bool:
        """Whether `_nested` may fold the child (what it checks before the child's shape)."""
        return (
            self.dialect == "postgresql"
            and relation.nest is not None
            and relation.kind != "value"
            and (arguments is None or arguments.literal)
        )

    def _nested(
        self,
        key: str,
        relation: Relation,
        arguments: Arguments | None,
        shape: ObjectPlan | ConnectionPlan | None,
        columns: list[ColumnElement[Any]],
        child_columns: list[ColumnElement[Any]],
    ) -> Nested | None:
        """The child as columns of the parent's row, when the document fixes its arguments."""
        if shape is None or not self._may_fold(relation, arguments):
            return None
        assert relation.nest is not None  # `_may_fold` checked it
        try:
            kwargs = {} if arguments is None else convert(arguments, self.schema, None)
            nest = relation.nest(kwargs)
        except (Abort, GraphQLError, InvalidCursor):
            return None  # refused per request, with the reference's error
        if nest is None:
            return None
        cursors = isinstance(shape, ConnectionPlan) and shape.needs_cursors
        total = isinstance(shape, ConnectionPlan) and shape.needs_total
        # Bare values only in a statement's own columns: asyncpg knows an array type inside
        # an anonymous record only once the connection has met it (W3 failed on a fresh one).
        bare = id(columns) not in self.in_records and nest.bare(child_columns, cursors)
        index = column_index(columns, nest.records(child_columns, cursors, bare=bare))
        total_index = column_index(columns, nest.total()) if total else None
        held = nest.held(child_columns, cursors)
        return Nested(
            key, relation.kind, index, total_index, shape, held, nest.size, nest.ordering, bare
        )

    def connection(
        self,
        graphql_type: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
        columns: list[ColumnElement[Any]],
    ) -> ConnectionPlan:
        entries: list[tuple[str, str, Any]] = []
        needs_total = needs_cursors = False
        for key, nodes in self.fields(graphql_type, selection_sets):
            node = nodes[0]
            field_name = node.name.value
            if node.arguments:
                raise Unsupported("arguments on a connection field")
            if field_name == "__typename":
                entries.append((key, "typename", graphql_type.name))
            elif field_name == "totalCount":
                needs_total = True
                entries.append((key, "totalCount", None))
            elif field_name == "nodes":
                node_type = get_named_type(graphql_type.fields["nodes"].type)
                assert isinstance(node_type, GraphQLObjectType)
                entries.append(
                    (key, "nodes", self.object(node_type, subselections(nodes), columns))
                )
            elif field_name == "edges":
                edge_type = get_named_type(graphql_type.fields["edges"].type)
                assert isinstance(edge_type, GraphQLObjectType)
                edge, cursors = self.edge(edge_type, subselections(nodes), columns)
                needs_cursors = needs_cursors or cursors
                entries.append((key, "edges", edge))
            elif field_name == "pageInfo":
                info_type = get_named_type(graphql_type.fields["pageInfo"].type)
                assert isinstance(info_type, GraphQLObjectType)
                info, cursors = self.page_info(info_type, subselections(nodes))
                needs_cursors = needs_cursors or cursors
                entries.append((key, "pageInfo", info))
            else:
                raise Unsupported(f"{graphql_type.name}.{field_name}")
        return ConnectionPlan(entries, needs_total, needs_cursors)

    def edge(
        self,
        graphql_type: GraphQLObjectType,
        selection_sets: list[SelectionSetNode],
        columns: list[ColumnElement[Any]],
    ) -> tuple[EdgePlan, bool]:
        entries: list[tuple[str, str, Any]] = []
        cursors = False
        for key, nodes in self.fields(graphql_type, selection_sets):
            field_name = nodes[0].name.value
            if field_name == "__typename":
                entries.append((key, "typename", graphql_type.name))
            elif field_name == "cursor":
                cursors = True
                entries.append((key, "cursor", None))
            elif field_name == "node":
                node_type = get_named_type(graphql_type.fields["node"].type)
                assert isinstance(node_type, GraphQLObjectType)
                entries.append((key, "node", self.object(node_type, subselections(nodes), columns)))
            else:
                raise Unsupported(f"{graphql_type.name}.{field_name}")
        return EdgePlan(entries), cursors

    def page_info(
        self, graphql_type: GraphQLObjectType, selection_sets: list[SelectionSetNode]
    ) -> tuple[PageInfoPlan, bool]:
        entries: list[tuple[str, str, Any]] = []
        cursors = False
        for key, nodes in self.fields(graphql_type, selection_sets):
            field_name = nodes[0].name.value
            if field_name == "__typename":
                entries.append((key, "typename", "PageInfo"))
            elif field_name in ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor"):
                cursors = cursors or field_name.endswith("Cursor")
                entries.append((key, field_name, None))
            else:
                raise Unsupported(f"PageInfo.{field_name}")
        return PageInfoPlan(entries), cursors


def _link(definition: GraphQLField) -> Any:
    """The read model's link of a relation field (`readmodel.relations.fetched_by`)."""
    field = (definition.extensions or {}).get(DEFINITION)
    return None if field is None else field.metadata.get(LINK)


def _root(definition: GraphQLField) -> Relation | None:
    """A root field's fetch, from its declaration (`readmodel.roots.fetches`)."""
    field = (definition.extensions or {}).get(DEFINITION)
    root = None if field is None else root_of(field.metadata)
    return None if root is None else root_relation(root)


def _constant(value: str) -> Any:
    return lambda row, env: value
