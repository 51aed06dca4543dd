"""Alembic migrations (issue 14): an empty database migrates to exactly the models'
schema, a database made before migrations keeps its rows, and start-up can be told to
check instead of migrate. On SQLite, and on a scratch PostgreSQL database beside the
suite's when the suite runs on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import models
from core.db import Database
from core.migrations import (
    SchemaBehind,
    alembic_config,
    current_revision,
    head_revision,
    include_object,
)
from core.settings import Settings
from server.commands.demo import load_demo_data
from tests.conftest import suite_database
from tests.server_process import ROOT

AFTER_BASELINE = {"webhook", "webhook_delivery"}
"""Tables later revisions added: the release before migrations did not have them."""


@pytest.fixture(params=["sqlite", "postgresql"])
async def scratch(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database of its own."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        db = Database.from_settings(Settings(database_url=url, _env_file=None))
        yield db
        await db.dispose()
        return
    suite = suite_database()
    if not suite.is_postgresql:
        pytest.skip("needs DATABASE_URL (PostgreSQL)")
    url = suite.scratch_url("migrations")  # dropped with the suite's even if this is not
    name = make_url(url).database
    admin = create_async_engine(suite.url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database.from_settings(Settings(database_url=url, _env_file=None))
    try:
        yield db
    finally:
        await db.dispose()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": include_object}
    )
    return list(compare_metadata(context, SQLModel.metadata))


INDEX_NAMES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
    "postgresql": "SELECT indexname FROM pg_indexes",
}


# SQLite cannot reflect expression indexes: autogenerate skips them (looked up below).
@pytest.mark.filterwarnings("ignore:autogenerate skipping:UserWarning")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")
async def test_an_empty_database_migrates_to_exactly_the_models(scratch: Database) -> None:
    await scratch.create_tables()
    async with scratch.engine.connect() as connection:
        assert await connection.run_sync(current_revision) == head_revision()
        assert await connection.run_sync(_differences) == []
        rows = await connection.execute(text(INDEX_NAMES[scratch.dialect]))
        indexes = {name for (name,) in rows}
    assert {"ix_package_title_lower", "ix_grid_title_lower"} <= indexes
    if scratch.dialect == "postgresql":  # not compared above
        assert {"ix_package_search", "ix_package_title_trgm"} <= indexes


async def test_a_database_made_before_migrations_keeps_its_rows(scratch: Database) -> None:
    """The previous release made its tables with `create_all` and kept no revision."""
    baseline = [t for t in SQLModel.metadata.sorted_tables if t.name not in AFTER_BASELINE]
    async with scratch.engine.begin() as connection:
        await connection.run_sync(lambda sync: SQLModel.metadata.create_all(sync, tables=baseline))
    await load_demo_data(scratch)
    counts = await _row_counts(scratch)
    assert counts["package"] == 5
    await scratch.create_tables()  # what start-up does
    assert await _row_counts(scratch) == counts
    async with scratch.engine.connect() as connection:
        assert await connection.run_sync(current_revision) == head_revision()


async def _row_counts(db: Database) -> dict[str, int]:
    async with db.session() as session:
        return {
            table.name: (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name not in AFTER_BASELINE
        }


async def test_migrations_go_down_and_up_again(scratch: Database) -> None:
    await scratch.create_tables()

    def down(connection: Any) -> None:
        command.downgrade(alembic_config(connection), "base")

    async with scratch.engine.begin() as connection:
        await connection.run_sync(down)
        assert await connection.run_sync(current_revision) is None
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert not set(tables) & {t.name for t in SQLModel.metadata.sorted_tables}
    await scratch.create_tables()
    async with scratch.engine.connect() as connection:
        assert await connection.run_sync(current_revision) == head_revision()


async def test_start_up_can_check_instead_of_migrating(scratch: Database) -> None:
    with pytest.raises(SchemaBehind, match="scripts/dpgraph migrate"):
        await scratch.create_tables(migrate=False)
    await scratch.create_tables()
    await scratch.create_tables(migrate=False)  # at the code's revision: fine


def test_the_migrate_command(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "PYTHONPATH": str(ROOT),
    }

    def migrate() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "server", "migrate"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    assert f"from revision none to {head_revision()}" in migrate()
    assert "nothing to do" in migrate()
    assert models.Package.__tablename__ == "package"
