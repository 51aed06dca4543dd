"""What a batch of package upserts reads, read once for the batch instead of once per record.

An import writes packages in batches; each upsert needs its category and grid stubs, its
row, its grid links and its participants. Read one record at a time that is six statements
per package, most of an import's time. `prefetch_packages` reads them for the whole batch
in five statements and keeps them on the unit (`WriteUnit.prefetched`).

Each entry serves one record once: a second copy of a package in the same batch reads
again. The package rows are read FOR UPDATE. A savepoint rollback drops the whole set
(`WriteUnit.savepoint`): the rows it holds are expired or expunged with it, and stubs it
counted as present may have been undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

import models
from writes.records import PackageRecord

_link: Any = models.GridPackage
_people: Any = models.PackageParticipant
_participant: Any = models.Participant
_package: Any = models.Package


@dataclass
class Prefetched:
    """Reads for one batch; `take_*` hand an entry out once, None means "read it yourself"."""

    checked: dict[type[SQLModel], set[int]] = field(default_factory=dict)
    """Category and grid ids the batch names, by table: looked up once."""
    present: dict[type[SQLModel], set[int]] = field(default_factory=dict)
    """Those of them that exist (stubs made since count too)."""
    packages: dict[int, models.Package | None] = field(default_factory=dict)
    links: dict[int, list[models.GridPackage]] = field(default_factory=dict)
    logins: dict[int, list[str]] = field(default_factory=dict)

    def missing(self, table: type[SQLModel], ids: set[int]) -> set[int] | None:
        """Which of `ids` have no row, or None when the batch did not look them all up."""
        if not ids <= self.checked.get(table, set()):
            return None
        return ids - self.present[table]

    def made(self, table: type[SQLModel], ids: Iterable[int]) -> None:
        self.present.setdefault(table, set()).update(ids)

    def take_package(self, package_id: int) -> tuple[bool, models.Package | None]:
        """(known, row): known is False when the batch did not read this id (or used it)."""
        if package_id not in self.packages:
            return False, None
        return True, self.packages.pop(package_id)

    def take_links(self, package_id: int) -> list[models.GridPackage] | None:
        return self.links.pop(package_id, None)

    def take_logins(self, package_id: int) -> list[str] | None:
        return self.logins.pop(package_id, None)


async def prefetch_packages(session: AsyncSession, records: Sequence[PackageRecord]) -> Prefetched:
    """Five statements for the batch: the stubs it names, its rows, links and participants."""
    ids = sorted({record.id for record in records})
    categories = {r.category_id for r in records if r.category_id is not None}
    grids = {grid_id for record in records for grid_id in record.grid_ids}
    # Locked till the batch commits (PostgreSQL; SQLite has one writer at a time): an edit
    # committed between this read and the batch's writes would otherwise be written over
    # with a version number it had already taken. In id order, as other batches lock them.
    statement = select(_package).where(_package.id.in_(ids)).order_by(_package.id)
    found = {row.id: row for row in (await session.execute(statement.with_for_update())).scalars()}
    prefetched = Prefetched(
        checked={models.Category: categories, models.Grid: grids},
        present={
            models.Category: await existing_ids(session, models.Category, categories),
            models.Grid: await existing_ids(session, models.Grid, grids),
        },
        packages={package_id: found.get(package_id) for package_id in ids},
        links={package_id: [] for package_id in ids},  # a new package has none
        logins={package_id: [] for package_id in ids},
    )
    if not found:
        return prefetched
    statement = select(_link).where(col(_link.package_id).in_(found))
    for link in (await session.execute(statement)).scalars():
        prefetched.links[link.package_id].append(link)
    statement = (
        select(col(_people.package_id), _participant.login)
        .join(_participant, col(_people.participant_id) == _participant.id)
        .where(col(_people.package_id).in_(found))
        .order_by(col(_people.package_id), col(_people.position))
    )
    for package_id, login in await session.execute(statement):
        prefetched.logins[package_id].append(login)
    return prefetched


async def existing_ids(
    session: AsyncSession, table: type[SQLModel], ids: Iterable[int]
) -> set[int]:
    """Which of `ids` have a row in `table`."""
    wanted = set(ids)
    if not wanted:
        return set()
    id_column: Any = table.id  # type: ignore[attr-defined]
    return set((await session.execute(select(id_column).where(id_column.in_(wanted)))).scalars())
