"""A subscription's selection read for many objects at once, by key.

A cohort of subscribers (`server.websocket.cohort`) resolves the same selection on every
object a change batch touched: `packageChanged(ids: $i) { title grids { slug } }` is
`title grids { slug }` on each changed package. Compiled here as the object plan a
`nodes(ids:)` variant gets (`fastpath.compile.Compiler.abstract`), it reads all of a
batch's objects with one statement per plan level (`id = ANY($1)` on PostgreSQL, an
expanding `IN` on SQLite), however many objects and subscribers there are.

The subscription field's own arguments only choose the objects, so they are never read;
a selection the compiler cannot take raises `Unsupported` (the cohort keeps Strawberry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    OperationType,
    get_named_type,
)
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from sqlalchemy import ColumnElement

from fastpath import sql
from fastpath.collect import Selections
from fastpath.compile import Compiler
from fastpath.compiler_tools import Unsupported, subselections
from fastpath.execute import objects_of
from fastpath.plan import Env, ObjectPlan
from fastpath.statements import StatementCache
from fastpath.switches import directive_variables
from fastpath.writers import table_of_type


@dataclass(eq=False)
class KeyedRead:
    """The selection's object plan, the columns of its first level, and where its `data`
    goes (`response_key`: the subscription field's alias or name)."""

    type_name: str
    response_key: str
    plan: ObjectPlan
    columns: list[ColumnElement[Any]]
    table: Any
    variables: Any  # the coerced variables (graphql-core's), as the selection's arguments read them
    statements: StatementCache = field(default_factory=StatementCache)


def compile_keyed(
    schema: Any,
    document: DocumentNode,
    operation_name: str | None,
    dialect: str,
    variables: dict[str, Any] | None,
) -> KeyedRead:
    """`variables`: one subscriber's; the cohort's members share the values its selection
    reads (`schema.subscriptions.cohorts`), and `@include`/`@skip` are fixed by them."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
        raise Unsupported("not a single subscription operation")
    if operation.directives:
        raise Unsupported("operation directives")
    coerced = get_variable_values(
        schema._schema, tuple(operation.variable_definitions or ()), variables or {}
    )
    if isinstance(coerced, list):
        raise Unsupported("variables the reference refuses")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    names = directive_variables(operation, fragments)
    switches: dict[str, bool] = {}
    for name in names:
        value = coerced.coerced.get(name)
        if not isinstance(value, bool):
            raise Unsupported("a null directive condition")
        switches[name] = value
    selections = Selections(schema._schema, fragments, switches)
    compiler = Compiler(schema, dialect, selections)
    root = schema._schema.subscription_type
    fields = compiler.fields(root, [operation.selection_set])
    if len(fields) != 1:
        raise Unsupported("not one subscription field")
    [(key, nodes)] = fields
    definition = root.fields.get(nodes[0].name.value)
    object_type = None if definition is None else get_named_type(definition.type)
    if not isinstance(object_type, GraphQLObjectType):
        raise Unsupported("not an object type")
    table = table_of_type(object_type)
    if table is None:
        raise Unsupported(f"type {object_type.name}")
    columns: list[ColumnElement[Any]] = []
    plan = compiler.object(object_type, subselections(nodes), columns)
    return KeyedRead(object_type.name, key, plan, columns, table, coerced)


async def read_keyed(read: KeyedRead, env: Env, keys: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each found object's `data` (`{response key: its selection}`); a key without a row is
    left out. One statement for the objects, then one per child level."""
    if not keys:
        return {}
    table = read.table
    found = await sql.lookup(env, read.statements, read.columns, table, table.c.id, keys)
    present = [key for key in dict.fromkeys(keys) if key in found]
    objects = await objects_of([found[key] for key in present], read.plan, env)
    response_key = read.response_key
    return {key: {response_key: value} for key, value in zip(present, objects, strict=True)}
