"""How each scalar field is written from a row's columns, read from the schema itself.

A type's read fields are declared once, on the Strawberry type (`readmodel.read_field`);
here each becomes the columns it reads and a builder that, given where those columns sit
in the row, returns the getter. A custom scalar (DateTime) is serialised as the schema's
own scalar serialises it; a `Node`'s `id` is the relay global id of its table's key, as
the types' `resolve_id` gives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    get_named_type,
    is_specified_scalar_type,
)
from sqlalchemy import Column
from strawberry.relay.utils import to_base64

from fastpath.plan import Env, Getter, Row
from readmodel import Bound, bound_reads, table_of

Builder = Callable[[tuple[int, ...]], Getter]

DEFINITION = "strawberry-definition"
"""Where Strawberry keeps a graphql-core type's or field's own definition (its back reference)."""


@dataclass(frozen=True)
class Scalar:
    """A field written from its row: the columns it reads, the getter's builder, and
    whether it is its one column's value as stored (then read by position)."""

    columns: tuple[Column[Any], ...]
    build: Builder
    plain: bool = False


_SCALARS: WeakKeyDictionary[GraphQLObjectType, dict[str, Scalar] | None] = WeakKeyDictionary()


def scalars_of(graphql_type: GraphQLObjectType) -> dict[str, Scalar] | None:
    """GraphQL field name -> how it is written, for a type read from a table
    (`readmodel.read_from`); None for any other type. Built once per schema type."""
    if graphql_type not in _SCALARS:
        _SCALARS[graphql_type] = _scalars(graphql_type)
    return _SCALARS[graphql_type]


def _origin(graphql_type: GraphQLObjectType) -> type | None:
    """The Strawberry class behind a schema type."""
    definition = (graphql_type.extensions or {}).get(DEFINITION)
    origin: type | None = getattr(definition, "origin", None)
    return origin


def table_of_type(graphql_type: GraphQLObjectType) -> Any:
    """The table a schema type's rows come from (`readmodel.read_from`), or None."""
    origin = _origin(graphql_type)
    return None if origin is None else table_of(origin)


def _scalars(graphql_type: GraphQLObjectType) -> dict[str, Scalar] | None:
    origin = _origin(graphql_type)
    table = None if origin is None else table_of(origin)
    if origin is None or table is None:
        return None
    reads = {bound.python_name: bound for bound in bound_reads(origin)}
    scalars: dict[str, Scalar] = {}
    for name, field in graphql_type.fields.items():
        strawberry_field = (field.extensions or {}).get(DEFINITION)
        bound = reads.get(getattr(strawberry_field, "python_name", ""))
        if bound is not None:
            scalars[name] = _written(bound, field.type)
    if any(interface.name == "Node" for interface in graphql_type.interfaces):
        scalars["id"] = _global_id(graphql_type.name, table.c.id)
    return scalars


def _read(at: tuple[int, ...]) -> Getter:
    index = at[0]
    return lambda row, env: row[index]


def _serializer(output: GraphQLOutputType) -> Callable[[Any], Any] | None:
    """A custom scalar's own serialisation (DateTime's isoformat); None: written as is."""
    named = get_named_type(output)
    if isinstance(named, GraphQLScalarType) and not is_specified_scalar_type(named):
        return named.serialize
    return None


def _written(bound: Bound, output: GraphQLOutputType) -> Scalar:
    serialize = _serializer(output)
    if bound.plain and serialize is None:
        return Scalar(bound.columns, _read, plain=True)
    compute = bound.read.compute
    clock = bound.read.clock

    def build(at: tuple[int, ...]) -> Getter:
        get = _computed(compute, clock, at) if compute is not None else _read(at)
        if serialize is None:
            return get

        def serialized(row: Row, env: Env) -> Any:
            value = get(row, env)
            return None if value is None else serialize(value)

        return serialized

    return Scalar(bound.columns, build)


def _computed(compute: Callable[..., Any], clock: bool, at: tuple[int, ...]) -> Getter:
    """`compute` over the columns at `at` (the common arities without a generator: these
    run once per field and row)."""
    if clock:
        return lambda row, env: compute(*[row[i] for i in at], now=env.now)
    if len(at) == 1:
        (a,) = at
        return lambda row, env: compute(row[a])
    if len(at) == 2:
        a, b = at
        return lambda row, env: compute(row[a], row[b])
    return lambda row, env: compute(*[row[i] for i in at])


def _global_id(type_name: str, column: Column[Any]) -> Scalar:
    def build(at: tuple[int, ...]) -> Getter:
        index = at[0]
        return lambda row, env: to_base64(type_name, str(row[index]))

    return Scalar((column,), build)
