"""Batch functions: `(session, keys) -> one result per key, in key order`.

Each is one SQL statement per call (per distinct `first` for nested lists), whatever
the number of keys: this is what keeps a GraphQL query's statement count flat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import models
from loaders.windows import ChildKey, load_windowed
from readmodel import relations as links
from readmodel.relations import Link

Row = TypeVar("Row")


async def _by_column(
    session: AsyncSession, entity: type[Row], column: str, keys: Sequence[Any]
) -> list[Row | None]:
    """One row per key looked up by a unique column, None where there is none."""
    statement = select(entity).where(col(getattr(entity, column)).in_(list(set(keys))))
    rows = (await session.execute(statement)).scalars().all()
    by_key = {getattr(row, column): row for row in rows}
    return [by_key.get(key) for key in keys]


def by_column(
    entity: type[Row], column: str
) -> Callable[[AsyncSession, Sequence[Any]], Awaitable[list[Row | None]]]:
    """The batch function of `entity`'s rows by the unique `column`."""

    async def load(session: AsyncSession, keys: Sequence[Any]) -> list[Row | None]:
        return await _by_column(session, entity, column, keys)

    return load


async def _listed(session: AsyncSession, link: Link, keys: Sequence[ChildKey]) -> list[Any]:
    """Each parent's children, as the read model's `link` declares them."""
    return await load_windowed(
        session,
        entity=link.entity,
        base=select(link.entity).select_from(link.source),
        parent=link.child_key,
        order_by=list(link.order),
        keys=keys,
    )


async def packages_by_id(session: AsyncSession, keys: Sequence[int]) -> list[models.Package | None]:
    return await _by_column(session, models.Package, "id", keys)


async def packages_by_slug(
    session: AsyncSession, keys: Sequence[str]
) -> list[models.Package | None]:
    return await _by_column(session, models.Package, "slug", keys)


async def categories_by_id(
    session: AsyncSession, keys: Sequence[int]
) -> list[models.Category | None]:
    return await _by_column(session, models.Category, "id", keys)


async def categories_by_slug(
    session: AsyncSession, keys: Sequence[str]
) -> list[models.Category | None]:
    return await _by_column(session, models.Category, "slug", keys)


async def grids_by_id(session: AsyncSession, keys: Sequence[int]) -> list[models.Grid | None]:
    return await _by_column(session, models.Grid, "id", keys)


async def grids_by_slug(session: AsyncSession, keys: Sequence[str]) -> list[models.Grid | None]:
    return await _by_column(session, models.Grid, "slug", keys)


async def features_by_id(session: AsyncSession, keys: Sequence[int]) -> list[models.Feature | None]:
    return await _by_column(session, models.Feature, "id", keys)


async def participants_by_id(
    session: AsyncSession, keys: Sequence[int]
) -> list[models.Participant | None]:
    return await _by_column(session, models.Participant, "id", keys)


async def participants_by_login(
    session: AsyncSession, keys: Sequence[str]
) -> list[models.Participant | None]:
    return await _by_column(
        session,
        models.Participant,
        "login",
        keys,
    )


async def participants_of_packages(
    session: AsyncSession, keys: Sequence[ChildKey]
) -> list[list[models.Participant]]:
    """Each package's participants in the order of the source list."""
    link = models.PackageParticipant
    return await load_windowed(
        session,
        entity=models.Participant,
        base=select(models.Participant).join(
            link, col(link.participant_id) == col(models.Participant.id)
        ),
        parent=col(link.package_id),
        order_by=[col(link.position)],
        keys=keys,
    )


async def packages_of_participants(
    session: AsyncSession, keys: Sequence[ChildKey]
) -> list[list[models.Package]]:
    link = models.PackageParticipant
    return await load_windowed(
        session,
        entity=models.Package,
        base=select(models.Package).join(link, col(link.package_id) == col(models.Package.id)),
        parent=col(link.participant_id),
        order_by=[col(models.Package.id)],
        keys=keys,
    )


async def packages_of_categories(
    session: AsyncSession, keys: Sequence[ChildKey]
) -> list[list[models.Package]]:
    return await load_windowed(
        session,
        entity=models.Package,
        base=select(models.Package),
        parent=col(models.Package.category_id),
        order_by=[col(models.Package.id)],
        keys=keys,
    )


async def packages_of_grids(
    session: AsyncSession, keys: Sequence[ChildKey]
) -> list[list[models.Package]]:
    link = models.GridPackage
    return await load_windowed(
        session,
        entity=models.Package,
        base=select(models.Package).join(link, col(link.package_id) == col(models.Package.id)),
        parent=col(link.grid_id),
        order_by=[col(models.Package.id)],
        keys=keys,
    )


async def grids_of_packages(session: AsyncSession, keys: Sequence[int]) -> list[list[models.Grid]]:
    """Each package's grids in the package's own order (`readmodel.relations.PACKAGE_GRIDS`)."""
    return await _listed(session, links.PACKAGE_GRIDS, [ChildKey(key) for key in keys])


class PackageRef(NamedTuple):
    """What a link to a package needs (v4 links by id, v3 by slug), without the whole row."""

    id: int
    slug: str


async def package_refs_of_grids(
    session: AsyncSession, keys: Sequence[int]
) -> list[list[PackageRef]]:
    """Each grid's packages as (id, slug), by package id, in one statement."""
    link = models.GridPackage
    refs: dict[int, list[PackageRef]] = defaultdict(list)
    if keys:
        statement = (
            select(col(link.grid_id), col(models.Package.id), col(models.Package.slug))
            .join(models.Package, col(models.Package.id) == col(link.package_id))
            .where(col(link.grid_id).in_(list(set(keys))))
            .order_by(col(link.grid_id), col(models.Package.id))
        )
        for grid_id, package_id, slug in await session.execute(statement):
            refs[grid_id].append(PackageRef(package_id, slug))
    return [list(refs.get(key, [])) for key in keys]


async def package_counts_of_grids(session: AsyncSession, keys: Sequence[int]) -> list[int]:
    link = models.GridPackage
    statement = (
        select(col(link.grid_id), func.count())
        .where(col(link.grid_id).in_(list(set(keys))))
        .group_by(col(link.grid_id))
    )
    counts = {row[0]: row[1] for row in await session.execute(statement)}
    return [counts.get(key, 0) for key in keys]


async def features_of_grids(
    session: AsyncSession, keys: Sequence[int]
) -> list[list[models.Feature]]:
    return await _listed(session, links.GRID_FEATURES, [ChildKey(key) for key in keys])


@dataclass(frozen=True)
class GridRow:
    """One package's row of a comparison grid: its cells, by feature."""

    package_id: int
    elements: list[models.Element] = field(default_factory=list)


async def rows_of_grids(session: AsyncSession, keys: Sequence[ChildKey]) -> list[list[GridRow]]:
    """Each grid's packages (first N by id) with their cells, in one statement."""
    memberships = await _listed(session, links.GRID_ROWS, keys)
    membership_ids = [m.id for group in memberships for m in group if m.id is not None]
    elements: dict[int, list[models.Element]] = defaultdict(list)
    if membership_ids:
        cells = links.ROW_ELEMENTS
        statement = (
            select(cells.entity)
            .select_from(cells.source)
            .where(cells.child_key.in_(membership_ids))
            .order_by(*cells.order)
        )
        for element in (await session.execute(statement)).scalars():
            elements[element.grid_package_id].append(element)
    return [
        [GridRow(m.package_id, elements.get(m.id or 0, [])) for m in group] for group in memberships
    ]


async def package_counts_of_participants(session: AsyncSession, keys: Sequence[int]) -> list[int]:
    parent = links.PARTICIPANT_MEMBERSHIPS.child_key
    statement = select(parent, func.count()).where(parent.in_(list(set(keys)))).group_by(parent)
    counts = {row[0]: row[1] for row in await session.execute(statement)}
    return [counts.get(key, 0) for key in keys]


async def _ids_by_parent(
    session: AsyncSession, child_id: Any, parent: Any, keys: Sequence[int]
) -> list[list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    statement = select(parent, child_id).where(parent.in_(list(set(keys)))).order_by(child_id)
    for parent_id, child in await session.execute(statement):
        found[parent_id].append(child)
    return [found.get(key, []) for key in keys]


async def package_ids_of_grids(session: AsyncSession, keys: Sequence[int]) -> list[list[int]]:
    """Which packages a grid holds: whose subscribers a change to the grid concerns."""
    link = models.GridPackage
    return await _ids_by_parent(session, col(link.package_id), col(link.grid_id), keys)


async def package_ids_of_categories(session: AsyncSession, keys: Sequence[int]) -> list[list[int]]:
    return await _ids_by_parent(
        session, col(models.Package.id), col(models.Package.category_id), keys
    )
