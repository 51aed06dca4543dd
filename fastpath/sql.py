"""Batched Core statements over columns: lookups, child lists and keyset pages.

Rows come back as tuples whose first columns are the ones the plan asked for; sort
values, the parent key, a row number and a total follow. The keyset rules (cursor
predicates, NULLs last, the id tie-breaker) are the loaders' own (`loaders.paging`),
so pages and cursors are the ones the reference path answers with.

Nested first-N: PostgreSQL runs one `LATERAL (... ORDER BY ... LIMIT n)` per parent
(an index walk that stops after n rows); SQLite numbers rows with `row_number() OVER`
over the parents' `IN` list, as the loaders do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    FromClause,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    case,
    func,
    select,
    true,
)
from sqlalchemy.types import TypeEngine

from fastpath import statements
from fastpath.plan import Env
from fastpath.statements import StatementCache
from loaders.cursors import decode_cursor
from loaders.paging import Ordering, Window, window_clauses

Row = Sequence[Any]


@dataclass(slots=True)
class PageRows:
    """One parent's page: rows (plan columns, then the sort values), flags and total."""

    rows: list[Row] = field(default_factory=list)
    has_next_page: bool = False
    has_previous_page: bool = False
    total_count: int | None = None
    cursors: list[str] = field(default_factory=list)


def _labelled(columns: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    return [column.label(f"c{index}") for index, column in enumerate(columns)]


def _sort_columns(ordering: Ordering) -> list[ColumnElement[Any]]:
    extra: list[ColumnElement[Any]] = []
    for index, column in enumerate(ordering.columns):
        if column.nullable:
            extra.append(case((column.expression.is_(None), 1), else_=0).label(f"n{index}"))
        extra.append(column.expression.label(f"s{index}"))
    return extra


def sort_expressions(ordering: Ordering) -> dict[str, Any]:
    """The ordering's expressions by the names `window_clauses` reads: `s0`, `s1`... and an
    `n<i>` (1 for NULL) before each nullable one, so NULLs sort last."""
    expressions: dict[str, Any] = {}
    for index, column in enumerate(ordering.columns):
        if column.nullable:
            expressions[f"n{index}"] = case((column.expression.is_(None), 1), else_=0)
        expressions[f"s{index}"] = column.expression
    return expressions


def _inline(limit: int) -> Any:
    """A LIMIT written into the statement: PostgreSQL's generic plan for a prepared
    statement does not know a parameter's value, and plans a LATERAL page for every row."""
    return bindparam("page_limit", limit, literal_execute=True)


def _parents() -> Any:
    """The parents' keys as a one-column table (one array parameter, one statement text)."""
    array = bindparam("parent_ids", None, type_=ARRAY(Integer))
    return select(func.unnest(array).label("parent_id")).subquery("parents")


def _one_of(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column` among a list parameter: `= ANY(array)` on PostgreSQL (one statement text
    for any number of values), an expanding `IN` on SQLite."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, None, type_=ARRAY(_element(column))))
    return column.in_(bindparam(name, None, expanding=True))


def _element(column: ColumnElement[Any]) -> TypeEngine[Any]:
    """The array's element type, without a length: a cast to VARCHAR(100) would truncate."""
    affinity = column.type._type_affinity
    if affinity is not None and issubclass(affinity, Integer):
        return Integer()
    if affinity is not None and issubclass(affinity, String):
        return String()
    raise TypeError(f"no array element type for {column}")


def _placeholders(values: tuple[Any, ...] | None, prefix: str) -> tuple[Any, ...] | None:
    """A decoded cursor's values as bind parameters (None stays None: it shapes the SQL)."""
    if values is None:
        return None
    return tuple(
        None if v is None else bindparam(f"{prefix}{i}", None) for i, v in enumerate(values)
    )


def _cursor_params(values: tuple[Any, ...] | None, prefix: str) -> dict[str, Any]:
    if values is None:
        return {}
    return {f"{prefix}{i}": v for i, v in enumerate(values) if v is not None}


def _shape(values: tuple[Any, ...] | None) -> tuple[bool, ...] | None:
    return None if values is None else tuple(v is None for v in values)


async def lookup(
    env: Env,
    cache: StatementCache,
    columns: Sequence[ColumnElement[Any]],
    source: FromClause,
    key: ColumnElement[Any],
    keys: Sequence[Hashable],
) -> dict[Hashable, Row]:
    """One row per key found by a unique column; one key (a `node(id:)`, the children of
    one parent) as `key = $1`, for the reason `lookup_one` gives."""
    distinct = list(set(keys))
    if len(distinct) == 1:

        def build_one() -> Select[Any]:
            return select(*columns, key).select_from(source).where(key == bindparam("key", None))

        prepared = cache.get(("lookup", env.dialect, key, "one"), build_one)
        rows = await statements.fetch(env, prepared, {"key": distinct[0]})
    else:

        def build() -> Select[Any]:
            return (
                select(*columns, key).select_from(source).where(_one_of(key, "keys", env.dialect))
            )

        prepared = cache.get(("lookup", env.dialect, key), build)
        rows = await statements.fetch(env, prepared, {"keys": distinct})
    return {row[-1]: row for row in rows}


async def lookup_one(
    env: Env,
    cache: StatementCache,
    columns: Sequence[ColumnElement[Any]],
    source: FromClause,
    key: ColumnElement[Any],
    value: Hashable,
) -> Row | None:
    """The row whose unique `key` is `value`: `key = $1`, not `= ANY($1)`. PostgreSQL
    estimates an array parameter at ten values, so the generic plan of a statement with
    folded children looked ten times dearer than a custom one, and every execution was
    planned again (about 0.4 ms, more than running it)."""

    def build() -> Select[Any]:
        return select(*columns).select_from(source).where(key == bindparam("key", None))

    prepared = cache.get(("lookup_one", env.dialect, key), build)
    rows = await statements.fetch(env, prepared, {"key": value})
    return rows[0] if rows else None


async def child_lists(
    env: Env,
    cache: StatementCache,
    *,
    columns: Sequence[ColumnElement[Any]],
    source: FromClause,
    parent: ColumnElement[Any],
    parent_ids: Sequence[Hashable],
    order_by: Sequence[ColumnElement[Any]],
    first: int | None,
) -> dict[Hashable, list[Row]]:
    """Every parent's children in order, at most `first` each (`loaders.windows`)."""
    dialect = env.dialect
    n = len(columns)

    def build() -> Select[Any]:
        if first is None:
            return (
                select(*columns, parent.label("parent_id"))
                .select_from(source)
                .where(_one_of(parent, "parent_ids", dialect))
                .order_by(parent, *order_by)
            )
        if dialect == "postgresql":
            parents = _parents()
            page = (
                select(
                    *_labelled(columns),
                    func.row_number().over(order_by=list(order_by)).label("row_number"),
                )
                .select_from(source)
                .where(parent == parents.c.parent_id)
                .order_by(*order_by)
                .limit(_inline(first))
                .lateral("page")
            )
            return (
                select(*(page.c[f"c{i}"] for i in range(n)), parents.c.parent_id)
                .select_from(parents.join(page, true()))
                .order_by(parents.c.parent_id, page.c.row_number)
            )
        numbered = (
            select(
                *_labelled(columns),
                parent.label("parent_id"),
                func.row_number()
                .over(partition_by=parent, order_by=list(order_by))
                .label("row_number"),
            )
            .select_from(source)
            .where(_one_of(parent, "parent_ids", dialect))
            .subquery()
        )
        return (
            select(*(numbered.c[f"c{i}"] for i in range(n)), numbered.c.parent_id)
            .where(numbered.c.row_number <= first)
            .order_by(numbered.c.parent_id, numbered.c.row_number)
        )

    prepared = cache.get(("list", dialect, first), build)
    found: dict[Hashable, list[Row]] = defaultdict(list)
    for row in await statements.fetch(env, prepared, {"parent_ids": list(parent_ids)}):
        found[row[n]].append(row)
    return found


async def count_by(
    env: Env, cache: StatementCache, column: ColumnElement[Any], keys: Sequence[Hashable]
) -> dict[Hashable, int]:
    """How many rows hold each key in `column` (keys without rows are left out)."""

    def build() -> Select[Any]:
        return (
            select(column, func.count())
            .where(_one_of(column, "keys", env.dialect))
            .group_by(column)
        )

    prepared = cache.get(("count_by", env.dialect), build)
    return {row[0]: row[1] for row in await statements.fetch(env, prepared, {"keys": list(keys)})}


async def count_rows(
    env: Env, cache: StatementCache, base: Callable[[], Select[Any]], cacheable: bool
) -> int:
    """How many rows `base()` selects (a top-level connection's totalCount)."""

    def build() -> Select[Any]:
        return select(func.count()).select_from(base().subquery())

    prepared = cache.get(("count", env.dialect) if cacheable else None, build)
    [row] = await statements.fetch(env, prepared, {})
    return int(row[0])


def _cut(
    rows: list[Row], size: int, backward: bool, after: Any, before: Any, total: int | None
) -> PageRows:
    has_more = len(rows) > size
    rows = rows[:size]
    if backward:
        rows.reverse()
    return PageRows(
        rows=rows,
        has_next_page=has_more if not backward else before is not None,
        has_previous_page=has_more if backward else after is not None,
        total_count=total,
    )


def _cut_each(
    by_parent: dict[Hashable, list[Row]],
    parent_ids: Sequence[Hashable],
    window: Window,
    after: Any,
    before: Any,
    totals: dict[Hashable, int] | None,
) -> dict[Hashable, PageRows]:
    """One page per parent, in the parents' order (a parent with no rows gets an empty one)."""
    size, backward = window.size, window.backward
    return {
        key: _cut(
            by_parent.get(key, []),
            size,
            backward,
            after,
            before,
            None if totals is None else totals.get(key, 0),
        )
        for key in parent_ids
    }


async def pages(
    env: Env,
    cache: StatementCache,
    *,
    columns: Sequence[ColumnElement[Any]],
    base: Callable[[], Select[Any]],
    ordering: Ordering,
    window: Window,
    cacheable: bool = True,
    parent: ColumnElement[Any] | None = None,
    parent_ids: Sequence[Hashable] = (),
    with_total: bool = False,
    lateral: Lateral | None = None,
) -> dict[Hashable, PageRows]:
    """One page per parent (or one under None), in one statement: `loaders.paging.fetch_pages`
    over columns. `base()` selects nothing yet: its FROM, joins and filters are used; with
    `cacheable`, it holds no request value (no filter) and the statement is kept by shape."""
    dialect = env.dialect
    kinds = ordering.kinds()
    after = decode_cursor(window.after, ordering.name, kinds) if window.after else None
    before = decode_cursor(window.before, ordering.name, kinds) if window.before else None
    n = len(columns)
    sort_labels = [f"s{index}" for index in range(len(ordering.columns))]
    limit = window.size + 1
    shape = (
        (
            "page",
            dialect,
            ordering.name,
            window.backward,
            window.size,
            _shape(after),
            _shape(before),
            with_total,
            parent is None,
        )
        if cacheable
        else None
    )
    params = {**_cursor_params(after, "after"), **_cursor_params(before, "before")}
    if parent is not None:
        params["parent_ids"] = list(parent_ids)
    marks = (_placeholders(after, "after"), _placeholders(before, "before"))

    if parent is not None and dialect == "postgresql":
        lateral = lateral or Lateral(base, ordering)
        prepared = cache.get(
            shape, lambda: _lateral_statement(columns, lateral, window, parent, with_total, *marks)
        )
        return _lateral_pages(
            await statements.fetch(env, prepared, params),
            n + len(sort_labels),
            window,
            parent_ids,
            with_total,
            after,
            before,
        )

    def inner_of(query: Select[Any]) -> Any:
        extra = _sort_columns(ordering)
        if parent is not None:
            extra.append(parent.label("parent_id"))
            query = query.where(_one_of(parent, "parent_ids", dialect))
            if with_total:
                extra.append(func.count().over(partition_by=parent).label("total_count"))
        return query.add_columns(*_labelled(columns), *extra).subquery()

    def build() -> Select[Any]:
        inner = inner_of(base())

        def column_of(name: str) -> Any:
            return inner.c[name]

        conditions, order = window_clauses(ordering, column_of, *marks, backward=window.backward)
        wanted = [*(inner.c[f"c{i}"] for i in range(n)), *(inner.c[s] for s in sort_labels)]
        if parent is None:
            return select(*wanted).where(*conditions).order_by(*order).limit(limit)
        numbered = (
            select(
                inner,
                func.row_number().over(partition_by=inner.c.parent_id, order_by=order).label("rn"),
            )
            .where(*conditions)
            .subquery()
        )
        return (
            select(
                *wanted_of(numbered),
                numbered.c.parent_id,
                *([numbered.c.total_count] if with_total else []),
            )
            .where(numbered.c.rn <= limit)
            .order_by(numbered.c.parent_id, numbered.c.rn)
        )

    def wanted_of(numbered: Any) -> list[Any]:
        return [*(numbered.c[f"c{i}"] for i in range(n)), *(numbered.c[s] for s in sort_labels)]

    prepared = cache.get(shape, build)
    rows = await statements.fetch(env, prepared, params)
    if parent is None:
        return {None: _cut(list(rows), window.size, window.backward, after, before, None)}
    width = n + len(sort_labels)
    by_parent: dict[Hashable, list[Row]] = defaultdict(list)
    totals: dict[Hashable, int] = {}
    for row in rows:
        by_parent[row[width]].append(row)
        if with_total:
            totals[row[width]] = row[width + 1]
    if with_total and (after is not None or before is not None):
        # A parent whose page is empty after the cursor still has a total.
        missing = [key for key in parent_ids if key not in totals]
        if missing:
            parent_column = parent

            def count() -> Select[Any]:
                counted = base().add_columns(parent_column.label("parent_id")).subquery()
                return (
                    select(counted.c.parent_id, func.count())
                    .where(_one_of(counted.c.parent_id, "missing", dialect))
                    .group_by(counted.c.parent_id)
                )

            counting = cache.get(None if shape is None else ("missing", dialect), count)
            found = await statements.fetch(env, counting, {"missing": missing})
            totals.update({r[0]: r[1] for r in found})
    return _cut_each(by_parent, parent_ids, window, after, before, totals if with_total else None)


@dataclass(frozen=True)
class Lateral:
    """How PostgreSQL pages children: `base()` and `ordering` inside the LATERAL.

    Joins stay inside it: with the join outside (pages first, then the entities), the
    planner hashed the whole entity table for a few hundred rows (6 ms where per-row
    index look-ups take 1.5 ms on W3's participants)."""

    base: Callable[[], Select[Any]]
    ordering: Ordering


def _lateral_statement(
    columns: Sequence[ColumnElement[Any]],
    lateral: Lateral,
    window: Window,
    parent: ColumnElement[Any],
    with_total: bool,
    after: tuple[Any, ...] | None,
    before: tuple[Any, ...] | None,
) -> Select[Any]:
    """PostgreSQL: per parent, an ordered, limited page (and its count) beside it."""
    base, ordering = lateral.base(), lateral.ordering
    parents = _parents()
    expressions = sort_expressions(ordering)
    conditions, order = window_clauses(
        ordering, expressions.get, after, before, backward=window.backward
    )
    conditions.insert(0, parent == parents.c.parent_id)
    sort_labels = [f"s{index}" for index in range(len(ordering.columns))]
    page = (
        base.add_columns(
            *_labelled(columns),
            *(expressions[s].label(s) for s in sort_labels),
            func.row_number().over(order_by=order).label("rn"),
        )
        .where(*conditions)
        .order_by(*order)
        .limit(_inline(window.size + 1))
        .lateral("page")
    )
    inner = [page.c[f"c{i}"] for i in range(len(columns))]
    sorts = [page.c[s] for s in sort_labels]
    source: FromClause
    if with_total:
        total = (
            base.add_columns(func.count().label("total_count"))
            .where(parent == parents.c.parent_id)
            .lateral("total")
        )
        source = parents.join(total, true()).outerjoin(page, true())
        counts = [total.c.total_count]
    else:
        source = parents.join(page, true())
        counts = []
    return (
        select(*inner, *sorts, parents.c.parent_id, *counts, page.c.rn)
        .select_from(source)
        .order_by(parents.c.parent_id, page.c.rn)
    )


def _lateral_pages(
    rows: Sequence[Row],
    width: int,
    window: Window,
    parent_ids: Sequence[Hashable],
    with_total: bool,
    after: Any,
    before: Any,
) -> dict[Hashable, PageRows]:
    """Rows (columns, sort values, parent key, total, row number) cut into pages."""
    by_parent: dict[Hashable, list[Row]] = defaultdict(list)
    totals: dict[Hashable, int] = {}
    for row in rows:
        key = row[width]
        if with_total:
            totals[key] = row[width + 1]
        if row[-1] is not None:
            by_parent[key].append(row)
    return _cut_each(by_parent, parent_ids, window, after, before, totals if with_total else None)
