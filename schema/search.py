"""`search`: packages and grids in one ranked list."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import case, func, select

import models
from loaders.filters import text_matches
from schema.context import Info
from schema.types.grid import Grid
from schema.types.package import Package

SearchResult = Annotated[
    Package | Grid, strawberry.union("SearchResult", description="A package or a grid.")
]


def _rank(slug: Any, title: Any, needle: str) -> Any:
    """0 exact slug, 1 title prefix, 2 anything else that matched."""
    return case(
        (func.lower(slug) == needle, 0),
        (func.lower(title).startswith(needle, autoescape=True), 1),
        else_=2,
    )


async def search(info: Info, query: str, first: int) -> list[Package | Grid]:
    needle = query.strip().lower()
    if not needle:
        return []
    dialect = info.context.db.dialect
    package: Any = models.Package
    grid: Any = models.Grid
    package_rank = _rank(package.slug, package.title, needle).label("rank")
    grid_rank = _rank(grid.slug, grid.title, needle).label("rank")
    packages = (
        select(models.Package, package_rank)
        .where(text_matches(dialect, needle, package.title, package.slug, package.repo_description))
        .order_by(
            package_rank,
            package.score.is_(None),
            package.score.desc(),
            package.repo_watchers.desc(),
            package.id,
        )
        .limit(first)
    )
    grids = (
        select(models.Grid, grid_rank)
        .where(text_matches(dialect, needle, grid.title, grid.slug, grid.description))
        .order_by(grid_rank, grid.id)
        .limit(first)
    )
    async with info.context.db.session() as session:
        found: list[tuple[int, int, int, Package | Grid]] = [
            (row.rank, 0, -(row[0].score or 0), Package.from_row(row[0]))
            for row in await session.execute(packages)
        ]
        found += [(row.rank, 1, 0, Grid.from_row(row[0])) for row in await session.execute(grids)]
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found[:first]]
