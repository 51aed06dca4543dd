"""`/api/v4/search/`: packages and grids matching every word of `q`, best first.

Rank: the exact slug, then titles starting with `q`, then any other match; within a
rank, higher score, then more watchers, then title. Each table answers its own best
`limit` rows in that order (so merging them loses nothing), then one batch statement
each fetches participants, categories and grid sizes: at most five statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import models
from rest import related
from rest.search_index import SearchItem, grid_item, package_item

SEARCH_LIMIT = 20
_EXACT_SLUG, _TITLE_PREFIX, _OTHER = 0, 1, 2


def normalize(q: str) -> str:
    """Lower case, single spaces: the form every comparison uses."""
    return " ".join(q.split()).lower()


def _matches(columns: list[Any], words: list[str]) -> ColumnElement[bool]:
    """Every word occurs (case-insensitively, wildcards escaped) in one of `columns`."""
    return and_(
        *(
            or_(*(func.lower(column).contains(word, autoescape=True) for column in columns))
            for word in words
        )
    )


def _rank(slug: Any, title: Any, q: str) -> ColumnElement[int]:
    return case(
        (func.lower(slug) == q, _EXACT_SLUG),
        (func.lower(title).startswith(q, autoescape=True), _TITLE_PREFIX),
        else_=_OTHER,
    )


async def _packages(session: AsyncSession, q: str, limit: int) -> list[tuple[models.Package, int]]:
    table = models.Package
    rank = _rank(col(table.slug), col(table.title), q)
    columns = [col(table.title), col(table.slug), col(table.repo_description)]
    statement = (
        select(table, rank.label("rank"))
        .where(_matches(columns, q.split()))
        .order_by(
            rank,
            func.coalesce(col(table.score), 0).desc(),
            col(table.repo_watchers).desc(),
            func.lower(col(table.title)),
            col(table.id),
        )
        .limit(limit)
    )
    return [(row[0], row[1]) for row in await session.execute(statement)]


async def _grids(session: AsyncSession, q: str, limit: int) -> list[tuple[models.Grid, int]]:
    table = models.Grid
    rank = _rank(col(table.slug), col(table.title), q)
    columns = [col(table.title), col(table.slug), col(table.description)]
    statement = (
        select(table, rank.label("rank"))
        .where(_matches(columns, q.split()))
        .order_by(rank, func.lower(col(table.title)), col(table.id))
        .limit(limit)
    )
    return [(row[0], row[1]) for row in await session.execute(statement)]


SortKey = tuple[int, int, int, str, int, int]


def _package_key(row: models.Package, rank: int) -> SortKey:
    return (rank, -(row.score or 0), -row.repo_watchers, row.title.lower(), 0, row.id)


def _grid_key(row: models.Grid, rank: int) -> SortKey:
    """Grids have no score or watchers; on a full tie packages come first."""
    return (rank, 0, 0, (row.title or "").lower(), 1, row.id)


async def search_catalogue(
    session: AsyncSession, q: str, *, now: datetime, limit: int = SEARCH_LIMIT
) -> list[SearchItem]:
    """The best `limit` matches for `q`; none for a blank query."""
    q = normalize(q)
    if not q:
        return []
    ranked: list[tuple[SortKey, models.Package | models.Grid]] = [
        (_package_key(row, rank), row) for row, rank in await _packages(session, q, limit)
    ]
    ranked += [(_grid_key(row, rank), row) for row, rank in await _grids(session, q, limit)]
    best = [row for _, row in sorted(ranked, key=lambda pair: pair[0])[:limit]]
    packages = [row for row in best if isinstance(row, models.Package)]
    grid_ids = [row.id for row in best if isinstance(row, models.Grid)]
    logins = await related.logins_by_package(session, [row.id for row in packages])
    categories = await related.categories_of(session, [row.category_id for row in packages])
    counts = await related.package_counts_by_grid(session, grid_ids)
    return [
        package_item(
            row,
            category=None if row.category_id is None else categories.get(row.category_id),
            logins=logins.get(row.id, []),
            now=now,
        )
        if isinstance(row, models.Package)
        else grid_item(row, package_count=counts.get(row.id, 0))
        for row in best
    ]
