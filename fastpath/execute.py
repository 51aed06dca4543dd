"""Runs a plan: one connection, one statement per relation and level, plain dicts out."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError

from fastpath.arguments import convert
from fastpath.comparison import matrix
from fastpath.nesting import page_of, with_cursors
from fastpath.plan import (
    Abort,
    Abstract,
    Arguments,
    Child,
    Comparison,
    ConnectionPlan,
    EdgePlan,
    Env,
    Inline,
    Nested,
    ObjectPlan,
    PageInfoPlan,
    Plan,
    Row,
)
from fastpath.relations import Needs
from fastpath.sql import PageRows
from fastpath.statements import converted, result_processors
from loaders.cursors import InvalidCursor


async def run_plan(plan: Plan, env: Env) -> dict[str, Any]:
    """The `data` of an error-free answer; Abort when the request is not the happy path."""
    [data] = await _objects([()], plan.root, env)
    return data


async def objects_of(rows: Sequence[Row], plan: ObjectPlan, env: Env) -> list[dict[str, Any]]:
    """One object per row, its children read a level at a time for all rows at once (the
    root-less plans of `fastpath.keyed`)."""
    return await _objects(rows, plan, env)


def _kwargs(arguments: Arguments | None, env: Env) -> dict[str, Any]:
    """Read-only: a literal field's arguments are one dict shared by every request."""
    if arguments is None:
        return {}
    if arguments.converted is not None:
        return arguments.converted
    converted = convert(arguments, env.schema, env.variables)
    if arguments.literal:
        arguments.converted = converted
    return converted


async def _objects(rows: Sequence[Row], plan: ObjectPlan, env: Env) -> list[dict[str, Any]]:
    """One dict per row, keys in selection order; children fetched once for all rows."""
    write = plan.write
    assert write is not None, "a compiled object plan is sealed"
    outs = write(rows, env)
    if not rows:
        return outs
    for entry in plan.later:
        if isinstance(entry, Inline):
            subs = await _objects(rows, entry.plan, env)
        elif isinstance(entry, Nested):
            subs = await _nested(entry, rows, env)
        elif isinstance(entry, Comparison):
            subs = await _comparison(entry, rows, env)
        elif isinstance(entry, Abstract):
            assert len(rows) == 1, "abstract fields are root fields"
            subs = [await _abstract(entry, env)]
        else:
            assert isinstance(entry, Child)
            keys = [None if entry.parent_index is None else row[entry.parent_index] for row in rows]
            subs = await _child(entry, keys, env)
        for out, sub in zip(outs, subs, strict=True):
            out[entry.key] = sub
    return outs


async def _child(child: Child, keys: list[Hashable], env: Env) -> list[Any]:
    relation = child.relation
    present = list(dict.fromkeys(k for k in keys if k is not None or child.parent_index is None))
    if not present:
        empty: Any = None if relation.kind == "one" else []
        return [empty for _ in keys]
    kwargs = _kwargs(child.arguments, env)
    shape: Any = child.shape
    needs = (
        Needs(shape.needs_total, shape.needs_cursors)
        if isinstance(shape, ConnectionPlan)
        else Needs()
    )
    try:
        found = await relation.fetch(env, present, kwargs, child.columns, needs, child.statements)
    except (GraphQLError, InvalidCursor) as error:
        raise Abort(str(error)) from error
    written: dict[Hashable, Any]
    if relation.kind == "value":
        written = found
    elif relation.kind == "one":
        objects = await _optional_objects([found.get(key) for key in present], shape, env)
        written = dict(zip(present, objects, strict=True))
    elif relation.kind == "list":
        groups = [found.get(key, []) for key in present]
        written = dict(zip(present, await _object_lists(groups, shape, env), strict=True))
    else:
        written = await _connections(present, found, shape, env)
    return [
        written.get(key) if key is not None or child.parent_index is None else None for key in keys
    ]


async def _comparison(entry: Comparison, rows: Sequence[Row], env: Env) -> list[Any]:
    """Each grid's matrix from its feature levels and its rows level."""
    index = entry.rows.parent_index
    assert index is not None
    keys = [row[index] for row in rows]
    features = [await _child(child, keys, env) for child in entry.features]
    grid_rows = await _child(entry.rows, keys, env)
    return [
        matrix(entry.shape, [levels[at] for levels in features], grid_rows[at])
        for at in range(len(keys))
    ]


async def _abstract(entry: Abstract, env: Env) -> Any:
    """Each result written by its type's plan, every type's rows at once, in order."""
    try:
        found = await entry.fetch(env, _kwargs(entry.arguments, env), entry.variants)
    except GraphQLError as error:
        raise Abort(str(error)) from error
    rows: dict[str, list[Row]] = {}
    for item in found:
        if item is not None:
            rows.setdefault(item[0], []).append(item[1])
    written = {
        name: iter(await _objects(group, entry.variants[name].plan, env))
        for name, group in rows.items()
    }
    objects = [None if item is None else next(written[item[0]]) for item in found]
    return objects if entry.many else objects[0]


async def _optional_objects(
    rows: Sequence[Row | None], plan: ObjectPlan, env: Env
) -> list[dict[str, Any] | None]:
    """One object per row, None where there is no row (a to-one relation's null)."""
    present = [row for row in rows if row is not None]
    objects = iter(await _objects(present, plan, env))
    return [None if row is None else next(objects) for row in rows]


async def _object_lists(
    groups: Sequence[Sequence[Row]], plan: ObjectPlan, env: Env
) -> list[list[dict[str, Any]]]:
    """One list of objects per group, every group's rows written at once."""
    objects = await _objects([row for group in groups for row in group], plan, env)
    lists: list[list[dict[str, Any]]] = []
    at = 0
    for group in groups:
        lists.append(objects[at : at + len(group)])
        at += len(group)
    return lists


def _processors(entry: Nested, env: Env) -> tuple[tuple[int, Any], ...]:
    """The records' result conversions, found on the first run."""
    if entry.processors is None:
        assert env.conn is not None
        types = [column.type for column in entry.columns]
        entry.processors = result_processors(types, env.conn.dialect)
    return entry.processors


async def _nested(entry: Nested, rows: Sequence[Row], env: Env) -> list[Any]:
    """The folded child of each parent row, from the column its statement filled."""
    processors = _processors(entry, env)
    values = [row[entry.index] for row in rows]
    shape = entry.shape
    if entry.kind == "one":
        assert isinstance(shape, ObjectPlan)
        if processors:
            values = [None if v is None else converted([v], processors)[0] for v in values]
        return await _optional_objects(values, shape, env)
    groups: list[Sequence[Row]]
    if entry.bare:
        groups = [[(value,) for value in array] if array else () for array in values]
    else:
        groups = [value or () for value in values]
    if processors:
        groups = [converted(group, processors) for group in groups]
    if entry.kind == "list":
        assert isinstance(shape, ObjectPlan)
        return await _object_lists(groups, shape, env)
    assert isinstance(shape, ConnectionPlan)
    ordering = entry.ordering
    cursors = shape.needs_cursors and ordering is not None
    n = len(entry.columns) - (len(ordering.columns) if cursors and ordering else 0)
    pages: dict[Hashable, PageRows] = {}
    for at, (row, group) in enumerate(zip(rows, groups, strict=True)):
        total = None if entry.total_index is None else row[entry.total_index]
        page = page_of(group, entry.size, total)
        if cursors and ordering is not None:
            with_cursors(page, ordering, n)
        pages[at] = page
    keys: list[Hashable] = list(range(len(rows)))
    written = await _connections(keys, pages, shape, env)
    return [written[key] for key in keys]


async def _connections(
    keys: list[Hashable], pages: dict[Hashable, PageRows], plan: ConnectionPlan, env: Env
) -> dict[Hashable, Any]:
    ordered = [pages[key] for key in keys]
    rows = [row for page in ordered for row in page.rows]
    # Each object selection (nodes, edges.node) is written once for every page's rows.
    written: dict[int, list[dict[str, Any]]] = {}
    for _, kind, sub in plan.entries:
        if kind == "nodes":
            written[id(sub)] = await _objects(rows, sub, env)
        elif kind == "edges":
            for _, edge_kind, node_plan in sub.entries:
                if edge_kind == "node":
                    written[id(node_plan)] = await _objects(rows, node_plan, env)
    result: dict[Hashable, Any] = {}
    at = 0
    for key, page in zip(keys, ordered, strict=True):
        size = len(page.rows)
        out: dict[str, Any] = {}
        for name, kind, sub in plan.entries:
            if kind == "typename":
                out[name] = sub
            elif kind == "totalCount":
                out[name] = page.total_count
            elif kind == "nodes":
                out[name] = written[id(sub)][at : at + size]
            elif kind == "edges":
                out[name] = _edges(sub, page, written, at, size)
            else:
                out[name] = _page_info(sub, page)
        result[key] = out
        at += size
    return result


def _edges(
    plan: EdgePlan, page: PageRows, written: dict[int, list[dict[str, Any]]], at: int, size: int
) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = []
    for index in range(size):
        edge: dict[str, Any] = {}
        for name, kind, sub in plan.entries:
            if kind == "typename":
                edge[name] = sub
            elif kind == "cursor":
                edge[name] = page.cursors[index]
            else:
                edge[name] = written[id(sub)][at + index]
        edges.append(edge)
    return edges


def _page_info(plan: PageInfoPlan, page: PageRows) -> dict[str, Any]:
    info: dict[str, Any] = {}
    for name, kind, sub in plan.entries:
        if kind == "typename":
            info[name] = sub
        elif kind == "hasNextPage":
            info[name] = page.has_next_page
        elif kind == "hasPreviousPage":
            info[name] = page.has_previous_page
        elif kind == "startCursor":
            info[name] = page.cursors[0] if page.cursors else None
        else:
            info[name] = page.cursors[-1] if page.cursors else None
    return info


def new_env(conn: Any, dialect: str, variables: Any, schema: Any) -> Env:
    """The clock is read as the reference reads it (`datetime.now(UTC)`), once per request."""
    return Env(
        conn=conn, dialect=dialect, now=datetime.now(UTC), variables=variables, schema=schema
    )
