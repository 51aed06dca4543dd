"""The database wrapper: a schema older than the code is named, not half-used."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from server.db import Database, OutdatedSchema
from server.settings import Settings


async def test_a_table_missing_a_column_is_reported(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", _env_file=None)
    db = Database.from_settings(settings)
    try:
        await db.create_tables()
        async with db.engine.begin() as connection:
            await connection.execute(text("DROP INDEX ix_package_modified"))
            await connection.execute(text("ALTER TABLE package DROP COLUMN version"))
        with pytest.raises(OutdatedSchema, match=r"package\.version") as raised:
            await db.create_tables()
        assert raised.value.missing == ["package.version"]
    finally:
        await db.dispose()
