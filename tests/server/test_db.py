"""The database wrapper: a schema older than the code is named, not half-used."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from core.db import Database
from core.migrations import OutdatedSchema
from core.settings import Settings


async def test_a_table_missing_a_column_is_reported(tmp_path: Path) -> None:
    """A database made by `create_all` before migrations, older than the baseline."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", _env_file=None)
    db = Database.from_settings(settings)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
            await connection.execute(text("DROP INDEX ix_package_modified"))
            await connection.execute(text("ALTER TABLE package DROP COLUMN version"))
        with pytest.raises(OutdatedSchema, match=r"package\.version") as raised:
            await db.create_tables()
        assert raised.value.missing == ["package.version"]
    finally:
        await db.dispose()


def test_the_postgresql_pool_is_sized_by_the_settings() -> None:
    """Below the concurrency, a pool opens and closes a connection per request (issue 13)."""
    settings = Settings(
        database_url="postgresql://u@127.0.0.1:1/none",
        db_pool_size=7,
        db_max_overflow=3,
        _env_file=None,
    )
    engine = Database.from_settings(settings).engine
    pool = engine.sync_engine.pool
    assert pool.size() == 7  # type: ignore[attr-defined]
    assert pool._max_overflow == 3  # type: ignore[attr-defined]


def test_the_default_pool_covers_sixteen_concurrent_requests() -> None:
    settings = Settings(database_url="postgresql://u@127.0.0.1:1/none", _env_file=None)
    assert settings.db_pool_size >= 16
