"""Child lists for many parents in one statement, with `first` applied inside SQL.

`row_number() OVER (PARTITION BY parent ORDER BY ...)` numbers each parent's
children, so "the first 3 participants of each of 100 packages" is one query that
returns at most 300 rows, not every participant of every package.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, NamedTuple, TypeAlias, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased

T = TypeVar("T")

# A column as SQLModel's `col()` hands it over, or any SQL expression.
SQLColumn: TypeAlias = ColumnElement[Any] | Mapped[Any]


class ChildKey(NamedTuple):
    """A DataLoader key for a nested list: whose children, and at most how many."""

    parent_id: int
    first: int | None = None


def group_by_first(keys: Sequence[ChildKey]) -> dict[int | None, list[int]]:
    """Keys that share a `first` share one statement; one level of a query shares one `first`."""
    groups: dict[int | None, list[int]] = defaultdict(list)
    for key in keys:
        if key.parent_id not in groups[key.first]:
            groups[key.first].append(key.parent_id)
    return groups


async def load_windowed(
    session: AsyncSession,
    *,
    entity: type[T],
    base: Select[Any],
    parent: SQLColumn,
    order_by: Sequence[SQLColumn],
    keys: Sequence[ChildKey],
) -> list[list[T]]:
    """Run `base` (which selects `entity`) for every parent in `keys`, `first` rows per parent.

    Returns one list per key, in key order.
    """
    found: dict[ChildKey, list[T]] = {}
    for first, parent_ids in group_by_first(keys).items():
        rows_by_parent: dict[Hashable, list[T]] = defaultdict(list)
        if first is None:
            statement = base.add_columns(parent.label("parent_id")).where(parent.in_(parent_ids))
            statement = statement.order_by(parent, *order_by)
            for row in await session.execute(statement):
                rows_by_parent[row.parent_id].append(row[0])
        else:
            row_number = func.row_number().over(partition_by=parent, order_by=list(order_by))
            numbered = (
                base.add_columns(parent.label("parent_id"), row_number.label("row_number"))
                .where(parent.in_(parent_ids))
                .subquery()
            )
            child = aliased(entity, numbered)
            statement = (
                select(child, numbered.c.parent_id)
                .where(numbered.c.row_number <= first)
                .order_by(numbered.c.parent_id, numbered.c.row_number)
            )
            for row in await session.execute(statement):
                rows_by_parent[row.parent_id].append(row[0])
        for parent_id in parent_ids:
            found[ChildKey(parent_id, first)] = rows_by_parent.get(parent_id, [])
    return [found[key] for key in keys]
