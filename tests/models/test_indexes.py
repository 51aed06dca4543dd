"""Every filter and ordering has an index, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import text

EXPECTED_PACKAGE_INDEXES = {
    "ix_package_watchers",
    "ix_package_forks",
    "ix_package_score",
    "ix_package_last_updated",
    "ix_package_created",
    "ix_package_modified",
    "ix_package_pypi_downloads",
    "ix_package_title_lower",
    "ix_package_date_deprecated",
    "ix_package_date_repo_archived",
    "ix_package_category_id",
}


async def _index_names(db, table: str) -> set[str]:
    """Read from the catalogue: reflection skips expression indexes such as lower(title)."""
    query = (
        "SELECT indexname FROM pg_indexes WHERE tablename = :table"
        if db.dialect == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :table"
    )
    async with db.engine.connect() as connection:
        return set((await connection.execute(text(query), {"table": table})).scalars())


async def test_package_orderings_and_filters_are_indexed(db):
    names = await _index_names(db, "package")
    assert names >= EXPECTED_PACKAGE_INDEXES
    if db.dialect == "postgresql":
        assert {"ix_package_search", "ix_package_title_trgm"} <= names


async def test_link_tables_are_indexed_both_ways(db):
    assert "ix_grid_package_grid" in await _index_names(db, "grid_package")
    assert "ix_grid_package_package_id" in await _index_names(db, "grid_package")
    assert "ix_package_participant_participant_id" in await _index_names(db, "package_participant")
