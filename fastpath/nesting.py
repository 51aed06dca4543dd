"""PostgreSQL: a child level folded into its parent's statement as a correlated column.

A list or a page becomes `ARRAY(SELECT ROW(...) ... ORDER BY ... LIMIT n)`, a to-one object
`(SELECT ROW(...) ...)`, a page's total `(SELECT count(*) ...)`: the parent's one round trip
brings every folded level, and PostgreSQL walks each parent's children by index, as a
hand-written query would. asyncpg decodes the records; each is read by position, like a
row, so the child's writers are the same. Only what is fixed by the document folds
(literal arguments, no filter, no cursor, forward paging); the rest keeps its own
statement (`fastpath.sql`). SQLite never folds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, bindparam, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import sqltypes
from sqlalchemy.sql.elements import ColumnElement as _Element
from sqlalchemy.sql.selectable import ScalarSelect
from sqlalchemy.sql.visitors import InternalTraversal

from fastpath.sql import PageRows
from loaders.cursors import encode_cursor
from loaders.paging import Ordering


class ArrayOf(_Element[Any]):
    """`ARRAY(subquery)`: PostgreSQL's array constructor over a subquery's rows."""

    inherit_cache = True
    _traverse_internals = [("subquery", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, subquery: ScalarSelect[Any]) -> None:
        self.subquery = subquery

    @property
    def _from_objects(self) -> list[FromClause]:
        return []


@compiles(ArrayOf)
def _array_of(element: ArrayOf, compiler: Any, **kw: Any) -> str:
    return "ARRAY" + str(compiler.process(element.subquery, **kw))


@dataclass(frozen=True)
class Nest:
    """How a relation's children are selected for one parent row.

    `source` and `condition` (the child side equal to the parent's column) make the FROM and
    WHERE; `order` and `limit` shape a list; a page (`ordering` set) reads `limit` = size + 1
    rows and, for cursors, its sort values after the columns."""

    source: FromClause
    condition: ColumnElement[bool]
    correlate: FromClause
    order: Sequence[Any] = ()
    limit: int | None = None
    ordering: Ordering | None = None
    sorts: Sequence[ColumnElement[Any]] = ()
    size: int = 0

    def _select(self, *columns: ColumnElement[Any]) -> Select[Any]:
        return (
            select(*columns)
            .select_from(self.source)
            .where(self.condition)
            .correlate(self.correlate)
        )

    @property
    def to_one(self) -> bool:
        return self.ordering is None and self.limit is None and not self.order

    def held(
        self, columns: Sequence[ColumnElement[Any]], with_sorts: bool
    ) -> list[ColumnElement[Any]]:
        """What each record holds: the child's columns, then a page's sort values when
        cursors are read."""
        return [*columns, *(self.sorts if with_sorts else ())]

    def bare(self, columns: Sequence[ColumnElement[Any]], with_sorts: bool) -> bool:
        """A list of one plain column is an array of its values, not of one-field records:
        asyncpg decodes a record field by field (W2's 2,000 logins: 0.3 ms of its CPU). A
        to-one stays a record (its null row must differ from a null value), an array
        column too (arrays of arrays must share their length)."""
        held = self.held(columns, with_sorts)
        return (
            not self.to_one
            and len(held) == 1
            and not isinstance(held[0].type, (sqltypes.ARRAY, sqltypes.JSON))
        )

    def records(
        self, columns: Sequence[ColumnElement[Any]], with_sorts: bool, bare: bool = False
    ) -> Any:
        """The column holding the children: an array of records (of values when `bare`,
        which `bare()` allows), or one record (to-one)."""
        held = self.held(columns, with_sorts)
        element = held[0] if bare else func.row(*held)
        query = self._select(element).order_by(*self.order)
        if self.limit is not None:
            # Written into the text (as `fastpath.sql` does): the plan knows the page size.
            query = query.limit(bindparam(None, self.limit, literal_execute=True))
        if self.to_one:
            return query.scalar_subquery()
        return ArrayOf(query.scalar_subquery())

    def total(self) -> Any:
        return self._select(func.count()).scalar_subquery()


def page_of(records: Sequence[Any], size: int, total: int | None) -> PageRows:
    """A forward page without a cursor: one more row than asked says there is a next page."""
    rows = list(records)
    return PageRows(
        rows=rows[:size],
        has_next_page=len(rows) > size,
        has_previous_page=False,
        total_count=total,
    )


def with_cursors(page: PageRows, ordering: Ordering, n: int) -> PageRows:
    width = len(ordering.columns)
    page.cursors = [encode_cursor(ordering.name, tuple(r[n : n + width])) for r in page.rows]
    return page
