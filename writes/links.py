"""The link tables behind a package's grids, a grid's packages and a package's participants.

Each sync makes the links exactly what is asked and returns the public before/after
of the list when it changed (None when it was already so), for audit and events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

import models

_link: Any = models.GridPackage
_people: Any = models.PackageParticipant
_participant: Any = models.Participant

ListChange = dict[str, Any]


def _grid_order(row: models.GridPackage) -> tuple[bool, int, int]:
    """A package's grids in source order; memberships without a position go last, by grid id."""
    return (row.position is None, row.position or 0, row.grid_id)


async def sync_package_grids(
    session: AsyncSession,
    *,
    package_id: int,
    grid_ids: Sequence[int],
    current: list[models.GridPackage] | None = None,
) -> ListChange | None:
    """The package's grids become exactly `grid_ids`, in that order (v4 lists them so);
    a grid it left loses it (and its cells). `current`: its link rows, read already."""
    if current is None:
        statement = select(_link).where(col(_link.package_id) == package_id)
        current = list((await session.execute(statement)).scalars())
    rows = current
    by_grid: dict[int, models.GridPackage] = {row.grid_id: row for row in rows}
    positions: dict[int, int] = {}
    for index, grid_id in enumerate(grid_ids):
        positions.setdefault(grid_id, index)
    if by_grid.keys() == positions.keys() and all(
        row.position == positions[grid_id] for grid_id, row in by_grid.items()
    ):
        return None
    order_before = [row.grid_id for row in sorted(rows, key=_grid_order)]
    gone = by_grid.keys() - positions.keys()
    if gone:
        await session.execute(
            delete(_link).where(col(_link.package_id) == package_id, col(_link.grid_id).in_(gone))
        )
    for grid_id, position in positions.items():
        row = by_grid.get(grid_id)
        if row is None:
            session.add(
                models.GridPackage(grid_id=grid_id, package_id=package_id, position=position)
            )
        elif row.position != position:
            row.position = position
    await session.flush()
    if order_before == list(positions):
        return None  # only positions were filled in: the same list
    return {"before": order_before, "after": list(positions)}


async def grid_members(session: AsyncSession, grid_id: int) -> list[int]:
    statement = (
        select(col(_link.package_id))
        .where(col(_link.grid_id) == grid_id)
        .order_by(col(_link.package_id))
    )
    return list((await session.execute(statement)).scalars())


async def sync_grid_members(
    session: AsyncSession, *, grid_id: int, package_ids: Sequence[int]
) -> ListChange | None:
    """The grid's packages become exactly `package_ids` (reported by id)."""
    current = await grid_members(session, grid_id)
    wanted = set(package_ids)
    if set(current) == wanted:
        return None
    gone = set(current) - wanted
    if gone:
        await session.execute(
            delete(_link).where(col(_link.grid_id) == grid_id, col(_link.package_id).in_(gone))
        )
    for package_id in sorted(wanted - set(current)):
        session.add(models.GridPackage(grid_id=grid_id, package_id=package_id))
    await session.flush()
    return {"before": current, "after": sorted(wanted)}


async def membership(
    session: AsyncSession, *, grid_id: int, package_id: int
) -> models.GridPackage | None:
    statement = select(_link).where(
        col(_link.grid_id) == grid_id, col(_link.package_id) == package_id
    )
    row: models.GridPackage | None = (await session.execute(statement)).scalar_one_or_none()
    return row


async def participant_logins(session: AsyncSession, package_id: int) -> list[str]:
    statement = (
        select(_participant.login)
        .join(_people, col(_people.participant_id) == _participant.id)
        .where(col(_people.package_id) == package_id)
        .order_by(col(_people.position))
    )
    return list((await session.execute(statement)).scalars())


async def _participant_ids(session: AsyncSession, logins: Sequence[str]) -> dict[str, int]:
    """Ids for these logins, creating the participants not seen before."""
    found = {
        row.login: row.id
        for row in await session.execute(
            select(_participant.login, _participant.id).where(_participant.login.in_(logins))
        )
    }
    missing = [models.Participant(login=login) for login in logins if login not in found]
    if missing:
        session.add_all(missing)
        await session.flush()
        found.update({row.login: row.id for row in missing if row.id is not None})
    return found


async def sync_participants(
    session: AsyncSession,
    *,
    package_id: int,
    logins: Sequence[str],
    current: list[str] | None = None,
) -> ListChange | None:
    """The package's participants become exactly `logins`, in that order. `current`: its
    logins in order, read already."""
    if current is None:
        current = await participant_logins(session, package_id)
    if current == list(logins):
        return None
    if current:
        await session.execute(delete(_people).where(col(_people.package_id) == package_id))
    ids = await _participant_ids(session, logins)
    session.add_all(
        models.PackageParticipant(package_id=package_id, participant_id=ids[login], position=index)
        for index, login in enumerate(logins)
    )
    await session.flush()
    return {"before": current, "after": list(logins)}


async def package_grid_ids(session: AsyncSession, package_id: int) -> list[int]:
    statement = (
        select(col(_link.grid_id))
        .where(col(_link.package_id) == package_id)
        .order_by(col(_link.grid_id))
    )
    return list((await session.execute(statement)).scalars())
