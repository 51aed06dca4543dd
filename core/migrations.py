"""Schema migrations (Alembic, `migrations/`): `scripts/dpgraph migrate` applies them, and
so does start-up unless MIGRATE_ON_START is off.

`create_all` could add a table, never a column: an older database had to be deleted.
A database made by `create_all` before migrations existed holds revision 0001's schema;
it is stamped 0001 (after checking no column is missing) and upgraded from there.
"""

from __future__ import annotations

import logging
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from core.settings import PROJECT_ROOT

logger = logging.getLogger("dpgraph.db")

# Alembic says "Context impl SQLiteImpl" (and which plugins it set up) at every start;
# `upgrade` says what it changed.
logging.getLogger("alembic").setLevel(logging.WARNING)

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
BASELINE = "0001"
"""The schema `create_all` made before migrations: an unversioned database is this one."""


class OutdatedSchema(RuntimeError):
    """An unversioned database (made by `create_all`) older than the baseline."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "the database was created by an older dpgraph and lacks column(s) "
            f"{', '.join(missing)}. Re-create it (the SQLite demo file can simply be deleted) "
            "or add the columns by hand, then run `scripts/dpgraph migrate`."
        )


class SchemaBehind(RuntimeError):
    """MIGRATE_ON_START is off and the database is not at the code's revision."""

    def __init__(self, current: str | None, head: str) -> None:
        super().__init__(
            f"the database is at revision {current or 'none'}, the code needs {head}: "
            "run `scripts/dpgraph migrate` (or set MIGRATE_ON_START=true)"
        )


NOT_COMPARED = frozenset({"ix_package_search"})
"""Indexes autogenerate cannot compare: PostgreSQL rewrites this one's expression, so it
would always look changed (tests check it exists by name)."""


def include_object(
    item: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """What autogenerate compares: not the trigram indexes, which start-up creates where
    the role may create pg_trgm (`core.db`), nor NOT_COMPARED."""
    if type_ != "index" or name is None:
        return True
    return name not in NOT_COMPARED and not (reflected and name.endswith("_trgm"))


def alembic_config(connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Any) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def missing_columns(connection: Any) -> list[str]:
    """Columns the models declare that the database's tables lack."""
    inspector = inspect(connection)
    missing = []
    for table in SQLModel.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


def _has_our_tables(connection: Any) -> bool:
    inspector = inspect(connection)
    return any(inspector.has_table(t.name) for t in SQLModel.metadata.sorted_tables)


def upgrade(connection: Any) -> tuple[str | None, str]:
    """Bring the database to the code's revision on this (sync) connection, inside its
    transaction; (revision before, revision after)."""
    config = alembic_config(connection)
    before = current_revision(connection)
    if before is None and _has_our_tables(connection):
        missing = missing_columns(connection)
        if missing:
            raise OutdatedSchema(missing)
        command.stamp(config, BASELINE)
        logger.info("an unversioned database: stamped revision %s", BASELINE)
        before = BASELINE
    command.upgrade(config, "head")
    after = head_revision()
    if before != after:
        logger.info("database migrated from revision %s to %s", before or "none", after)
    return before, after


def check_at_head(connection: Any) -> None:
    current, head = current_revision(connection), head_revision()
    if current != head:
        raise SchemaBehind(current, head)
