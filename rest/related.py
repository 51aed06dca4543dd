"""Relations for a whole page at once, one batch statement per relation.

Each function calls a `loaders.batch` function with every key of the page (so the
statement count does not grow with the page) and skips the database for no keys.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

import models
from loaders import ChildKey
from loaders.batch import (
    PackageRef,
    categories_by_id,
    grids_of_packages,
    package_counts_of_grids,
    package_refs_of_grids,
    participants_of_packages,
)


def _unique(ids: Iterable[int | None]) -> list[int]:
    return sorted({key for key in ids if key is not None})


async def grids_by_package(
    session: AsyncSession, package_ids: Iterable[int]
) -> dict[int, list[models.Grid]]:
    """Each package's grids, in the package's own order."""
    keys = _unique(package_ids)
    if not keys:
        return {}
    return dict(zip(keys, await grids_of_packages(session, keys), strict=True))


async def logins_by_package(
    session: AsyncSession, package_ids: Iterable[int]
) -> dict[int, list[str]]:
    """Each package's participants' logins, in the source order."""
    keys = _unique(package_ids)
    if not keys:
        return {}
    lists = await participants_of_packages(session, [ChildKey(key) for key in keys])
    return {
        key: [person.login for person in people] for key, people in zip(keys, lists, strict=True)
    }


async def categories_of(
    session: AsyncSession, category_ids: Iterable[int | None]
) -> dict[int, models.Category]:
    keys = _unique(category_ids)
    if not keys:
        return {}
    rows = await categories_by_id(session, keys)
    return {row.id: row for row in rows if row is not None}


async def packages_by_grid(
    session: AsyncSession, grid_ids: Iterable[int]
) -> dict[int, list[PackageRef]]:
    """Each grid's packages as (id, slug), by package id."""
    keys = _unique(grid_ids)
    if not keys:
        return {}
    return dict(zip(keys, await package_refs_of_grids(session, keys), strict=True))


async def package_counts_by_grid(session: AsyncSession, grid_ids: Iterable[int]) -> dict[int, int]:
    keys = _unique(grid_ids)
    if not keys:
        return {}
    return dict(zip(keys, await package_counts_of_grids(session, keys), strict=True))
