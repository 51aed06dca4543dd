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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    FromClause,
    Integer,
    Select,
    bindparam,
    case,
    func,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from loaders.cursors import decode_cursor
from loaders.paging import Ordering, Window, window_clauses

Row = Sequence[Any]


@dataclass
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


def _inline(limit: int) -> Any:
    """A LIMIT written into the statement: PostgreSQL's generic plan for a prepared
    statement does not know a parameter's value, and plans a LATERAL page for every row."""
    return bindparam("page_limit", limit, literal_execute=True)


def _parents(ids: Sequence[Hashable]) -> Any:
    """The parents' keys as a one-column table (one array parameter, one statement text)."""
    array = bindparam("parent_ids", list(ids), type_=ARRAY(Integer))
    return select(func.unnest(array).label("parent_id")).subquery("parents")


async def lookup(
    conn: AsyncConnection,
    columns: Sequence[ColumnElement[Any]],
    source: FromClause,
    key: ColumnElement[Any],
    keys: Sequence[Hashable],
) -> dict[Hashable, Row]:
    """One row per key found by a unique column."""
    statement = select(*columns, key).select_from(source).where(key.in_(list(set(keys))))
    return {row[-1]: row for row in await conn.execute(statement)}


async def child_lists(
    conn: AsyncConnection,
    *,
    columns: Sequence[ColumnElement[Any]],
    source: FromClause,
    parent: ColumnElement[Any],
    parent_ids: Sequence[Hashable],
    order_by: Sequence[ColumnElement[Any]],
    first: int | None,
    dialect: str,
) -> dict[Hashable, list[Row]]:
    """Every parent's children in order, at most `first` each (`loaders.windows`)."""
    found: dict[Hashable, list[Row]] = defaultdict(list)
    n = len(columns)
    if first is None:
        statement = (
            select(*columns, parent.label("parent_id"))
            .select_from(source)
            .where(parent.in_(list(parent_ids)))
            .order_by(parent, *order_by)
        )
    elif dialect == "postgresql":
        parents = _parents(parent_ids)
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
        statement = (
            select(*(page.c[f"c{i}"] for i in range(n)), parents.c.parent_id)
            .select_from(parents.join(page, true()))
            .order_by(parents.c.parent_id, page.c.row_number)
        )
    else:
        numbered = (
            select(
                *_labelled(columns),
                parent.label("parent_id"),
                func.row_number()
                .over(partition_by=parent, order_by=list(order_by))
                .label("row_number"),
            )
            .select_from(source)
            .where(parent.in_(list(parent_ids)))
            .subquery()
        )
        statement = (
            select(*(numbered.c[f"c{i}"] for i in range(n)), numbered.c.parent_id)
            .where(numbered.c.row_number <= first)
            .order_by(numbered.c.parent_id, numbered.c.row_number)
        )
    for row in await conn.execute(statement):
        found[row[n]].append(row)
    return found


async def count_rows(conn: AsyncConnection, base: Select[Any]) -> int:
    """How many rows `base` selects (a top-level connection's totalCount)."""
    statement = select(func.count()).select_from(base.subquery())
    return int((await conn.execute(statement)).scalar_one())


def _cut(rows: list[Row], window: Window, after: Any, before: Any, total: int | None) -> PageRows:
    has_more = len(rows) > window.size
    rows = rows[: window.size]
    if window.backward:
        rows.reverse()
    return PageRows(
        rows=rows,
        has_next_page=has_more if not window.backward else before is not None,
        has_previous_page=has_more if window.backward else after is not None,
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
    return {
        key: _cut(
            by_parent.get(key, []),
            window,
            after,
            before,
            None if totals is None else totals.get(key, 0),
        )
        for key in parent_ids
    }


async def pages(
    conn: AsyncConnection,
    *,
    columns: Sequence[ColumnElement[Any]],
    base: Select[Any],
    ordering: Ordering,
    window: Window,
    dialect: str,
    parent: ColumnElement[Any] | None = None,
    parent_ids: Sequence[Hashable] = (),
    with_total: bool = False,
    lateral: Lateral | None = None,
) -> dict[Hashable, PageRows]:
    """One page per parent (or one under None), in one statement: `loaders.paging.fetch_pages`
    over columns. `base` selects nothing yet: its FROM, joins and filters are used."""
    kinds = ordering.kinds()
    after = decode_cursor(window.after, ordering.name, kinds) if window.after else None
    before = decode_cursor(window.before, ordering.name, kinds) if window.before else None
    n = len(columns)
    sort_labels = [f"s{index}" for index in range(len(ordering.columns))]
    limit = window.size + 1

    if parent is not None and dialect == "postgresql":
        return await _lateral_pages(
            conn,
            columns,
            lateral or Lateral(base, ordering),
            window,
            parent,
            parent_ids,
            with_total,
            after,
            before,
        )

    extra = _sort_columns(ordering)
    if parent is not None:
        extra.append(parent.label("parent_id"))
        base = base.where(parent.in_(list(parent_ids)))
        if with_total:
            extra.append(func.count().over(partition_by=parent).label("total_count"))
    inner = base.add_columns(*_labelled(columns), *extra).subquery()

    def column_of(name: str) -> Any:
        return inner.c[name]

    conditions, order = window_clauses(ordering, column_of, after, before, backward=window.backward)
    wanted = [*(inner.c[f"c{i}"] for i in range(n)), *(inner.c[s] for s in sort_labels)]

    if parent is None:
        statement = select(*wanted).where(*conditions).order_by(*order).limit(limit)
        rows: list[Row] = list(await conn.execute(statement))
        return {None: _cut(rows, window, after, before, None)}

    numbered = (
        select(
            inner,
            func.row_number().over(partition_by=inner.c.parent_id, order_by=order).label("rn"),
        )
        .where(*conditions)
        .subquery()
    )
    statement = (
        select(
            *(numbered.c[f"c{i}"] for i in range(n)),
            *(numbered.c[s] for s in sort_labels),
            numbered.c.parent_id,
            *([numbered.c.total_count] if with_total else []),
        )
        .where(numbered.c.rn <= limit)
        .order_by(numbered.c.parent_id, numbered.c.rn)
    )
    width = n + len(sort_labels)
    by_parent: dict[Hashable, list[Row]] = defaultdict(list)
    totals: dict[Hashable, int] = {}
    for row in await conn.execute(statement):
        by_parent[row[width]].append(row)
        if with_total:
            totals[row[width]] = row[width + 1]
    if with_total and (after is not None or before is not None):
        # A parent whose page is empty after the cursor still has a total.
        missing = [key for key in parent_ids if key not in totals]
        if missing:
            counted = base.add_columns(parent.label("parent_id")).subquery()
            count = (
                select(counted.c.parent_id, func.count())
                .where(counted.c.parent_id.in_(missing))
                .group_by(counted.c.parent_id)
            )
            totals.update({r[0]: r[1] for r in await conn.execute(count)})
    return _cut_each(by_parent, parent_ids, window, after, before, totals if with_total else None)


@dataclass(frozen=True)
class Lateral:
    """How PostgreSQL pages children: `base` and `ordering` inside the LATERAL; with
    `entity`, only the link table is paged there (an index walk on the parent key) and
    the entity's row is joined by `entity_key == link_key` outside it."""

    base: Select[Any]
    ordering: Ordering
    entity: FromClause | None = None
    entity_key: ColumnElement[Any] | None = None
    link_key: ColumnElement[Any] | None = None


async def _lateral_pages(
    conn: AsyncConnection,
    columns: Sequence[ColumnElement[Any]],
    lateral: Lateral,
    window: Window,
    parent: ColumnElement[Any],
    parent_ids: Sequence[Hashable],
    with_total: bool,
    after: Any,
    before: Any,
) -> dict[Hashable, PageRows]:
    """PostgreSQL: per parent, an ordered, limited page (and its count) beside it."""
    base, ordering = lateral.base, lateral.ordering
    parents = _parents(parent_ids)
    expressions: dict[str, Any] = {}
    for index, column in enumerate(ordering.columns):
        if column.nullable:
            expressions[f"n{index}"] = case((column.expression.is_(None), 1), else_=0)
        expressions[f"s{index}"] = column.expression
    conditions, order = window_clauses(
        ordering, expressions.get, after, before, backward=window.backward
    )
    conditions.insert(0, parent == parents.c.parent_id)
    sort_labels = [f"s{index}" for index in range(len(ordering.columns))]
    joined = lateral.entity is not None
    inside = [lateral.link_key.label("link_key")] if lateral.link_key is not None else []
    page = (
        base.add_columns(
            *(inside if joined else _labelled(columns)),
            *(expressions[s].label(s) for s in sort_labels),
            func.row_number().over(order_by=order).label("rn"),
        )
        .where(*conditions)
        .order_by(*order)
        .limit(_inline(window.size + 1))
        .lateral("page")
    )
    n = len(columns)
    inner = [page.c.link_key] if joined else [page.c[f"c{i}"] for i in range(n)]
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
    paged = select(*inner, *sorts, parents.c.parent_id, *counts, page.c.rn).select_from(source)
    if lateral.entity is not None and lateral.entity_key is not None:
        # Pages first (materialised), then one join for every page's entities: planned
        # inside the loop, the join would scan the entity table once per parent.
        pages_cte = paged.cte("pages").prefix_with("MATERIALIZED")
        joined_on = lateral.entity_key == pages_cte.c.link_key
        statement = select(
            *columns,
            *(pages_cte.c[s] for s in sort_labels),
            pages_cte.c.parent_id,
            *([pages_cte.c.total_count] if with_total else []),
            pages_cte.c.rn,
        ).select_from(
            pages_cte.outerjoin(lateral.entity, joined_on)
            if with_total
            else pages_cte.join(lateral.entity, joined_on)
        )
        statement = statement.order_by(pages_cte.c.parent_id, pages_cte.c.rn)
    else:
        statement = paged.order_by(parents.c.parent_id, page.c.rn)
    width = n + len(sort_labels)
    by_parent: dict[Hashable, list[Row]] = defaultdict(list)
    totals: dict[Hashable, int] = {}
    for row in await conn.execute(statement):
        key = row[width]
        if with_total:
            totals[key] = row[width + 1]
        if row[-1] is not None:
            by_parent[key].append(row)
    return _cut_each(by_parent, parent_ids, window, after, before, totals if with_total else None)
