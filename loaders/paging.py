"""Keyset pagination for top-level and nested lists, one statement per page or level.

An `Ordering` is a list of sort columns ending with the id, so every row has a unique
position. Pages are cut with a keyset predicate ("rows after these sort values"),
not OFFSET: cursors survive inserts, and deep pages cost no more than the first.
Nested lists page many parents at once: `row_number()` and `count(*)` over a
partition by the parent give each parent its own page and total in one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from loaders.cursors import decode_cursor, encode_cursor
from loaders.windows import SQLColumn

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class SortColumn:
    """One sort key. `nullable` keys sort their NULLs last in either direction."""

    expression: SQLColumn
    descending: bool = False
    nullable: bool = False
    kind: type = int


@dataclass(frozen=True, eq=False)
class Ordering:
    """A named, total ordering: its last column must be unique (the id)."""

    name: str
    columns: tuple[SortColumn, ...]

    def kinds(self) -> tuple[type, ...]:
        return tuple(column.kind for column in self.columns)


@dataclass(frozen=True)
class Window:
    """Which slice of an ordering a client asked for (already validated)."""

    first: int | None = None
    last: int | None = None
    after: str | None = None
    before: str | None = None

    @property
    def backward(self) -> bool:
        return self.first is None and self.last is not None

    @property
    def size(self) -> int:
        size = self.last if self.backward else self.first
        assert size is not None
        return size


@dataclass
class Page(Generic[T]):
    rows: list[T] = field(default_factory=list)
    cursors: list[str] = field(default_factory=list)
    has_next_page: bool = False
    has_previous_page: bool = False
    total_count: int | None = None


def _components(
    ordering: Ordering, labelled: Callable[[str], Any], values: tuple[Any, ...] | None
) -> list[tuple[Any, bool, Any]]:
    """(expression, descending, cursor value) triples, with a NULLs-last flag before nullables."""
    parts: list[tuple[Any, bool, Any]] = []
    for index, column in enumerate(ordering.columns):
        value = values[index] if values is not None else None
        if column.nullable:
            parts.append((labelled(f"n{index}"), False, 1 if value is None else 0))
        parts.append((labelled(f"s{index}"), column.descending, value))
    return parts


def _beyond(parts: list[tuple[Any, bool, Any]], *, forward: bool) -> ColumnElement[bool]:
    """Rows strictly after (forward) or before the position given by the parts' values."""
    alternatives: list[ColumnElement[bool]] = []
    equal_so_far: list[ColumnElement[bool]] = []
    for expression, descending, value in parts:
        if value is not None:
            later = (expression < value) if descending == forward else (expression > value)
            alternatives.append(and_(true(), *equal_so_far, later))
            equal_so_far.append(expression == value)
        else:
            equal_so_far.append(expression.is_(None))
    return or_(false(), *alternatives)


def _order_by(parts: list[tuple[Any, bool, Any]], *, reverse: bool) -> list[Any]:
    return [
        expression.desc() if descending != reverse else expression.asc()
        for expression, descending, _ in parts
    ]


def window_clauses(
    ordering: Ordering,
    labelled: Callable[[str], Any],
    after: tuple[Any, ...] | None,
    before: tuple[Any, ...] | None,
    *,
    backward: bool,
) -> tuple[list[ColumnElement[bool]], list[Any]]:
    """The keyset conditions (strictly after `after`, before `before`) and the ORDER BY of a
    page, over the sort expressions `labelled` names (`s0`, `n0`, ...)."""
    conditions: list[ColumnElement[bool]] = []
    if after is not None:
        conditions.append(_beyond(_components(ordering, labelled, after), forward=True))
    if before is not None:
        conditions.append(_beyond(_components(ordering, labelled, before), forward=False))
    return conditions, _order_by(_components(ordering, labelled, None), reverse=backward)


async def fetch_pages(
    session: AsyncSession,
    *,
    entity: type[T],
    base: Select[Any],
    ordering: Ordering,
    window: Window,
    parent: SQLColumn | None = None,
    parent_ids: Sequence[Hashable] = (),
    with_total: bool = False,
) -> dict[Hashable, Page[T]]:
    """One page per parent (or a single page under key None), in one SQL statement."""
    after = decode_cursor(window.after, ordering.name, ordering.kinds()) if window.after else None
    before = (
        decode_cursor(window.before, ordering.name, ordering.kinds()) if window.before else None
    )
    extra: list[Any] = []
    for index, column in enumerate(ordering.columns):
        if column.nullable:
            flag = case((column.expression.is_(None), 1), else_=0)
            extra.append(flag.label(f"n{index}"))
        extra.append(column.expression.label(f"s{index}"))
    if parent is not None:
        extra.append(parent.label("parent_id"))
        base = base.where(parent.in_(list(parent_ids)))
        if with_total:
            extra.append(func.count().over(partition_by=parent).label("total_count"))
    inner = base.add_columns(*extra).subquery()

    def column_of(name: str) -> Any:
        return inner.c[name]

    conditions, order = window_clauses(ordering, column_of, after, before, backward=window.backward)
    limit = window.size + 1
    sort_labels = [f"s{index}" for index in range(len(ordering.columns))]
    row_entity = aliased(entity, inner)

    if parent is None:
        statement: Select[Any] = (
            select(row_entity, *(inner.c[name] for name in sort_labels))
            .where(*conditions)
            .order_by(*order)
            .limit(limit)
        )
        rows_by_parent: dict[Hashable, list[Any]] = {None: list(await session.execute(statement))}
        totals: dict[Hashable, int] = {}
    else:
        numbered = (
            select(
                inner,
                func.row_number()
                .over(partition_by=inner.c.parent_id, order_by=order)
                .label("row_number"),
            )
            .where(*conditions)
            .subquery()
        )
        numbered_entity = aliased(entity, numbered)
        total_column = numbered.c.total_count if with_total else None
        statement = (
            select(
                numbered_entity,
                numbered.c.parent_id,
                *(numbered.c[name] for name in sort_labels),
                *([total_column] if total_column is not None else []),
            )
            .where(numbered.c.row_number <= limit)
            .order_by(numbered.c.parent_id, numbered.c.row_number)
        )
        rows_by_parent = defaultdict(list)
        totals = {}
        for row in await session.execute(statement):
            rows_by_parent[row.parent_id].append(row)
            if with_total:
                totals[row.parent_id] = row.total_count
        if with_total and (after is not None or before is not None):
            # A parent whose page is empty after the cursor still has a total.
            totals.update(await _totals(session, base, parent, parent_ids, totals))

    pages: dict[Hashable, Page[T]] = {}
    for key in [None] if parent is None else list(parent_ids):
        rows = rows_by_parent.get(key, [])
        has_more = len(rows) > window.size
        rows = rows[: window.size]
        if window.backward:
            rows.reverse()
        page: Page[T] = Page(
            rows=[row[0] for row in rows],
            cursors=[
                encode_cursor(ordering.name, tuple(getattr(row, name) for name in sort_labels))
                for row in rows
            ],
            has_next_page=has_more if not window.backward else before is not None,
            has_previous_page=has_more if window.backward else after is not None,
            total_count=totals.get(key, 0) if (with_total and parent is not None) else None,
        )
        pages[key] = page
    return pages


async def _totals(
    session: AsyncSession,
    base: Select[Any],
    parent: SQLColumn,
    parent_ids: Sequence[Hashable],
    known: dict[Hashable, int],
) -> dict[Hashable, int]:
    missing = [key for key in parent_ids if key not in known]
    if not missing:
        return {}
    counted = base.add_columns(parent.label("parent_id")).subquery()
    statement = (
        select(counted.c.parent_id, func.count())
        .where(counted.c.parent_id.in_(missing))
        .group_by(counted.c.parent_id)
    )
    return {row[0]: row[1] for row in await session.execute(statement)}


async def count_rows(session: AsyncSession, base: Select[Any]) -> int:
    """How many rows `base` selects (for a top-level connection's totalCount)."""
    statement = select(func.count()).select_from(base.subquery())
    return int((await session.execute(statement)).scalar_one())
