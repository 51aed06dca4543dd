"""Bulk loading: check, optionally delete the old synthetic rows, insert, in one transaction.

Rows go in with Core `insert(table)` and executemany lists, a few thousand at a time,
never through ORM objects: that is what makes 50,000 packages a matter of a minute.
If anything fails, the transaction rolls back and the database is as it was.

    GenerateError
     ├── SyntheticDataPresent   synthetic rows exist and --replace was not given
     └── IdCollision            real rows already use ids in the synthetic range
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from core.db import Database
from synthetic.build import Plan, Row, build_catalogue
from synthetic.labels import BASE_ID, PREFIX
from synthetic.progress import Reporter, SilentReporter

TABLES = (
    "category",
    "package",
    "participant",
    "package_participant",
    "grid",
    "grid_package",
    "feature",
    "element",
)
"""Every table the generator writes, parents first."""
LABELLED = ("category", "package", "grid", "participant")
ROWS_PER_STATEMENT = 5000


class GenerateError(Exception):
    """The catalogue was not generated; the database is unchanged."""


class SyntheticDataPresent(GenerateError):
    def __init__(self, counts: dict[str, int]) -> None:
        found = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
        super().__init__(
            f"synthetic data is already present ({found}); "
            "pass --replace to delete it and generate again"
        )


class IdCollision(GenerateError):
    def __init__(self, counts: dict[str, int]) -> None:
        found = ", ".join(f"{name} ({count} rows)" for name, count in counts.items() if count)
        super().__init__(
            f"tables {found} already hold rows that are not synthetic with ids >= {BASE_ID:,}; "
            "the synthetic ids would collide with them"
        )


@dataclass
class Summary:
    """What a run did, for the final report and the benchmark."""

    plan: Plan
    inserted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    deleted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.inserted.values())


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _labelled(table: Table) -> ColumnElement[bool]:
    """A synthetic row: in the synthetic id range and visibly labelled."""
    key = table.c.login if table.name == "participant" else table.c.slug
    return (table.c.id >= BASE_ID) & key.startswith(PREFIX, autoescape=True)


async def synthetic_counts(connection: AsyncConnection) -> dict[str, int]:
    """Synthetic rows per labelled table (their children go with them)."""
    counts = {}
    for name in LABELLED:
        table = _table(name)
        statement = select(func.count()).select_from(table).where(_labelled(table))
        counts[name] = (await connection.execute(statement)).scalar_one()
    return counts


async def delete_synthetic(connection: AsyncConnection) -> dict[str, int]:
    """Delete every synthetic row, children first; the number deleted per table.

    Explicit deletes rather than ON DELETE CASCADE: they count what they remove and
    do not depend on SQLite's per-connection foreign-key switch.
    """
    grid, package = _table("grid"), _table("package")
    members = _table("grid_package")
    grids = select(grid.c.id).where(_labelled(grid))
    packages = select(package.c.id).where(_labelled(package))
    synthetic_members = or_(members.c.grid_id.in_(grids), members.c.package_id.in_(packages))
    conditions: dict[str, ColumnElement[bool]] = {
        "element": _table("element").c.grid_package_id.in_(
            select(members.c.id).where(synthetic_members)
        ),
        "feature": _table("feature").c.grid_id.in_(grids),
        "grid_package": synthetic_members,
        "package_participant": _table("package_participant").c.package_id.in_(packages),
        "package": _labelled(package),
        "grid": _labelled(grid),
        "participant": _labelled(_table("participant")),
        "category": _labelled(_table("category")),
    }
    deleted = {}
    for name, condition in conditions.items():
        result: Any = await connection.execute(delete(_table(name)).where(condition))
        deleted[name] = result.rowcount
    return deleted


async def _ids_in_use(connection: AsyncConnection) -> dict[str, int]:
    """Rows left in the synthetic id range once the synthetic ones are gone."""
    counts = {}
    for name in TABLES:
        table = _table(name)
        if "id" in table.c:
            statement = select(func.count()).select_from(table).where(table.c.id >= BASE_ID)
            counts[name] = (await connection.execute(statement)).scalar_one()
    return counts


def _batches(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        yield rows[start : start + ROWS_PER_STATEMENT]


async def _insert(connection: AsyncConnection, plan: Plan, reporter: Reporter) -> dict[str, int]:
    inserted = dict.fromkeys(TABLES, 0)
    reporter.start("categories", 4)
    reporter.start("packages", plan.packages)
    reporter.start("grids", plan.grids)
    for chunk in build_catalogue(plan):
        for name, rows in chunk.tables:
            statement = insert(_table(name))
            for batch in _batches(rows):
                await connection.execute(statement, batch)
            inserted[name] += len(rows)
        reporter.advance(chunk.phase, chunk.units)
    return inserted


async def generate(
    db: Database, plan: Plan, *, replace: bool = False, reporter: Reporter | None = None
) -> Summary:
    """Write the synthetic catalogue for `plan`, replacing an earlier one only if asked."""
    reporter = reporter or SilentReporter()
    started = time.perf_counter()
    summary = Summary(plan=plan)
    await db.create_tables()
    try:
        async with db.engine.begin() as connection:
            present = await synthetic_counts(connection)
            if any(present.values()):
                if not replace:
                    raise SyntheticDataPresent(present)
                reporter.note(f"deleting {present['package']:,} earlier synthetic packages")
                summary.deleted = await delete_synthetic(connection)
                reporter.note(f"deleted {sum(summary.deleted.values()):,} synthetic rows")
            in_use = await _ids_in_use(connection)
            if any(in_use.values()):
                raise IdCollision(in_use)
            summary.inserted = await _insert(connection, plan, reporter)
    finally:
        reporter.close()
    summary.seconds = time.perf_counter() - started
    return summary
