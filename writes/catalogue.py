"""Idempotent upserts of categories, grids and packages, keyed by the Django Packages id.

Writing the same record twice changes nothing (no UPDATE, no `modified` bump), so a
re-import is cheap and silent; a changed record updates only what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

import models
from importer.records import CategoryRecord, GridRecord, PackageRecord
from writes.fields import apply_changes, column_values

Table = TypeVar("Table", bound=SQLModel)

_STAMPED = ("created", "modified")
_PACKAGE_STAMPED = (
    "last_updated",
    "last_fetched",
    "created",
    "modified",
    "date_deprecated",
    "date_repo_archived",
)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


async def _ensure_stubs(session: AsyncSession, table: type[Table], ids: Iterable[int]) -> None:
    """Rows known only by reference: the id, marked as not fetched, no invented titles."""
    wanted = set(ids)
    if not wanted:
        return
    id_column: Any = table.id  # type: ignore[attr-defined]
    existing = set(
        (await session.execute(select(id_column).where(id_column.in_(wanted)))).scalars()
    )
    for missing in sorted(wanted - existing):
        session.add(table(id=missing, is_fetched=False))
    await session.flush()


async def ensure_category_stubs(session: AsyncSession, ids: Iterable[int]) -> None:
    await _ensure_stubs(session, models.Category, ids)


async def ensure_grid_stubs(session: AsyncSession, ids: Iterable[int]) -> None:
    await _ensure_stubs(session, models.Grid, ids)


async def _upsert(
    session: AsyncSession, table: type[Table], row_id: int, columns: dict[str, Any]
) -> tuple[Table, Outcome]:
    row = await session.get(table, row_id)
    if row is None:
        row = table(id=row_id, **columns)
        session.add(row)
        return row, Outcome.CREATED
    return row, Outcome.UPDATED if apply_changes(row, columns) else Outcome.UNCHANGED


async def upsert_category(session: AsyncSession, record: CategoryRecord) -> Outcome:
    values = {
        "title": record.title,
        "slug": record.slug,
        "description": record.description,
        "title_plural": record.title_plural,
        "show_pypi": record.show_pypi,
        "created": record.created,
        "modified": record.modified,
        "is_fetched": True,
    }
    _, outcome = await _upsert(session, models.Category, record.id, column_values(values, _STAMPED))
    await session.flush()
    return outcome


async def upsert_grid(session: AsyncSession, record: GridRecord) -> Outcome:
    values = {
        "title": record.title,
        "slug": record.slug,
        "description": record.description,
        "is_locked": record.is_locked,
        "header": record.header,
        "created": record.created,
        "modified": record.modified,
        "is_fetched": True,
    }
    _, outcome = await _upsert(session, models.Grid, record.id, column_values(values, _STAMPED))
    await session.flush()
    if record.package_ids is not None:
        known = await _existing_ids(session, models.Package, record.package_ids)
        members = [package_id for package_id in record.package_ids if package_id in known]
        if await _sync_grid_members(session, grid_id=record.id, package_ids=members):
            outcome = Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome
    return outcome


async def upsert_package(session: AsyncSession, record: PackageRecord) -> Outcome:
    if record.category_id is not None:
        await ensure_category_stubs(session, [record.category_id])
    await ensure_grid_stubs(session, record.grid_ids)
    values = {
        name: getattr(record, name)
        for name in (
            "title",
            "slug",
            "category_id",
            "repo_url",
            "repo_description",
            "repo_watchers",
            "repo_forks",
            "pypi_url",
            "pypi_version",
            "documentation_url",
            "commits_over_52",
            "repo_host",
            "score",
            "pypi_downloads",
            "supports_python3",
            "commit_count",
            "favorite_count",
            *_PACKAGE_STAMPED,
        )
    }
    values["commits_over_52"] = list(record.commits_over_52)
    _, outcome = await _upsert(
        session, models.Package, record.id, column_values(values, _PACKAGE_STAMPED)
    )
    await session.flush()
    grids_changed = await _sync_package_grids(
        session, package_id=record.id, grid_ids=record.grid_ids
    )
    people_changed = await _sync_participants(
        session, package_id=record.id, logins=record.participants
    )
    if outcome is Outcome.UNCHANGED and (grids_changed or people_changed):
        outcome = Outcome.UPDATED
    return outcome


async def _existing_ids(
    session: AsyncSession, table: type[SQLModel], ids: Iterable[int]
) -> set[int]:
    id_column: Any = table.id  # type: ignore[attr-defined]
    return set((await session.execute(select(id_column).where(id_column.in_(set(ids))))).scalars())


def _grid_order(row: models.GridPackage) -> tuple[bool, int, int]:
    """A package's grids in source order; memberships without a position go last, by grid id."""
    return (row.position is None, row.position or 0, row.grid_id)


async def _sync_package_grids(
    session: AsyncSession, *, package_id: int, grid_ids: Sequence[int]
) -> bool:
    """The package's grids become exactly `grid_ids`, in that order (v4 lists them so);
    a grid it left loses it (and its cells). Changed means another set or another order."""
    link: Any = models.GridPackage
    rows = list(
        (await session.execute(select(link).where(col(link.package_id) == package_id))).scalars()
    )
    current: dict[int, models.GridPackage] = {row.grid_id: row for row in rows}
    positions: dict[int, int] = {}
    for index, grid_id in enumerate(grid_ids):
        positions.setdefault(grid_id, index)
    if current.keys() == positions.keys() and all(
        row.position == positions[grid_id] for grid_id, row in current.items()
    ):
        return False
    order_before = [row.grid_id for row in sorted(rows, key=_grid_order)]
    gone = current.keys() - positions.keys()
    if gone:
        await session.execute(
            delete(link).where(col(link.package_id) == package_id, col(link.grid_id).in_(gone))
        )
    for grid_id, position in positions.items():
        row = current.get(grid_id)
        if row is None:
            session.add(
                models.GridPackage(grid_id=grid_id, package_id=package_id, position=position)
            )
        elif row.position != position:
            row.position = position
    await session.flush()
    return current.keys() != positions.keys() or order_before != list(positions)


async def _sync_grid_members(
    session: AsyncSession, *, grid_id: int, package_ids: Sequence[int]
) -> bool:
    """The grid's packages become exactly `package_ids`."""
    link: Any = models.GridPackage
    current = set(
        (
            await session.execute(select(col(link.package_id)).where(col(link.grid_id) == grid_id))
        ).scalars()
    )
    wanted = set(package_ids)
    if current == wanted:
        return False
    if current - wanted:
        await session.execute(
            delete(link).where(
                col(link.grid_id) == grid_id, col(link.package_id).in_(current - wanted)
            )
        )
    for package_id in sorted(wanted - current):
        session.add(models.GridPackage(grid_id=grid_id, package_id=package_id))
    await session.flush()
    return True


async def _participant_ids(session: AsyncSession, logins: Sequence[str]) -> dict[str, int]:
    """Ids for these logins, creating the participants not seen before."""
    table: Any = models.Participant
    found = {
        row.login: row.id
        for row in await session.execute(
            select(table.login, table.id).where(table.login.in_(logins))
        )
    }
    missing = [models.Participant(login=login) for login in logins if login not in found]
    if missing:
        session.add_all(missing)
        await session.flush()
        found.update({row.login: row.id for row in missing if row.id is not None})
    return found


async def _sync_participants(
    session: AsyncSession, *, package_id: int, logins: Sequence[str]
) -> bool:
    """The package's participants become exactly `logins`, in that order."""
    link: Any = models.PackageParticipant
    participant: Any = models.Participant
    current = list(
        (
            await session.execute(
                select(participant.login)
                .join(link, col(link.participant_id) == participant.id)
                .where(col(link.package_id) == package_id)
                .order_by(col(link.position))
            )
        ).scalars()
    )
    if current == list(logins):
        return False
    await session.execute(delete(link).where(col(link.package_id) == package_id))
    ids = await _participant_ids(session, logins)
    session.add_all(
        models.PackageParticipant(package_id=package_id, participant_id=ids[login], position=index)
        for index, login in enumerate(logins)
    )
    await session.flush()
    return True
