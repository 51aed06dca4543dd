"""Assertions shared by the importer tests: summary counts, rows, written statements."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

import models
from core.db import Database
from importer.items import Kind
from importer.summary import Summary

WRITES = ("INSERT", "UPDATE", "DELETE")
COLUMNS = ("created", "updated", "unchanged", "failed")


def write(path: Path, document: Any) -> str:
    """`document` as a JSON file at `path`; its path, as an import source."""
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def writes_in(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def counts(summary: Summary, kind: Kind) -> tuple[int, int, int, int]:
    """(created, updated, unchanged, failed): one row of the summary table."""
    row = summary.counts(kind)
    return (row["created"], row["updated"], row["unchanged"], row["failed"])


async def row_count(db: Database, table: Any) -> int:
    async with db.session() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def memberships(db: Database) -> set[tuple[int, int]]:
    link = models.GridPackage
    async with db.session() as session:
        rows = await session.execute(select(col(link.grid_id), col(link.package_id)))
        return {(grid_id, package_id) for grid_id, package_id in rows}


async def stubs(db: Database) -> list[tuple[str, int]]:
    """Grids and categories known only by reference (never fetched)."""
    found: list[tuple[str, int]] = []
    async with db.session() as session:
        tables: tuple[Any, ...] = (models.Category, models.Grid)
        for table in tables:
            ids = await session.execute(select(table.id).where(col(table.is_fetched).is_(False)))
            found.extend((table.__tablename__, row_id) for row_id in ids.scalars())
    return found
