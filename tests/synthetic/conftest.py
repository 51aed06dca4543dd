"""Fixtures for the synthetic catalogue: built rows (no database) and generated databases."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from core.db import Database
from synthetic import Summary, build_catalogue, generate, plan_for
from synthetic.build import Row

SHAPE_PACKAGES = 1000
"""Large enough for the shape statistics to settle, small enough to build in 0.2 s."""


def built(packages: int, seed: int = 0) -> dict[str, list[Row]]:
    """Every row the generator would write, by table, without a database."""
    tables: dict[str, list[Row]] = defaultdict(list)
    for chunk in build_catalogue(plan_for(packages, seed)):
        for name, rows in chunk.tables:
            tables[name].extend(rows)
    return dict(tables)


async def stored(db: Database, name: str) -> list[dict[str, Any]]:
    """A table's rows as dicts, in primary-key order."""
    table = SQLModel.metadata.tables[name]
    statement = select(table).order_by(*table.primary_key.columns)
    async with db.engine.connect() as connection:
        return [dict(row) for row in (await connection.execute(statement)).mappings()]


@pytest.fixture(scope="module")
def shape_rows() -> dict[str, list[Row]]:
    return built(SHAPE_PACKAGES, seed=0)


@pytest.fixture
async def generated(db: Database) -> Summary:
    """The test database holding a small synthetic catalogue (40 packages, seed 7)."""
    return await generate(db, plan_for(40, seed=7))
