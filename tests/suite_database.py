"""The suite's own database, so that a test run never writes to one it did not create.

DATABASE_URL (or TEST_DATABASE_URL, which wins) names only the PostgreSQL server to use:
the suite creates a database of its own there, `<name>_test_<random>`, runs every test
in it and drops it at the end, with the scratch databases tests made beside it
(`scratch_url`). The role needs CREATEDB. Without a URL, or with a SQLite one, the suite
uses a file in a temporary directory of its own. The suite's URL replaces DATABASE_URL
in this process's environment before any test module is imported, so every process a
test starts inherits it: none of them can reach the database the user named.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

SERVER_VARIABLES = ("TEST_DATABASE_URL", "DATABASE_URL")
MAINTENANCE_DATABASES = ("postgres", "template1")
"""Where the suite connects to create and drop its database (as `createdb` does)."""
NAME_STEM_LENGTH = 30
"""PostgreSQL names hold 63 bytes: the stem, `_test_`, 8 random characters, a scratch tag."""


class SuiteDatabaseError(RuntimeError):
    """The suite cannot make its database: the message says what the server needs."""


@dataclass(frozen=True)
class SuiteDatabase:
    url: str
    """The suite's own database (an async SQLAlchemy URL)."""
    server: str | None
    """The URL the environment named, password hidden, for the report; None: SQLite."""
    directory: Path | None = None
    """SQLite: the temporary directory holding the file."""

    @property
    def is_postgresql(self) -> bool:
        return make_url(self.url).get_backend_name() == "postgresql"

    @property
    def name(self) -> str:
        return make_url(self.url).database or ""

    def scratch_url(self, tag: str) -> str:
        """A database name beside the suite's, dropped with it at the end (PostgreSQL)."""
        name = f"{self.name}_{tag}{uuid.uuid4().hex[:6]}"
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)


def _async_url(given: str) -> URL:
    url = make_url(given)
    if url.get_backend_name() == "postgresql":
        return url.set(drivername="postgresql+asyncpg")
    return url


def open_suite_database(environ: MutableMapping[str, str]) -> SuiteDatabase:
    """Create the suite's database and point `environ` at it (DATABASE_URL)."""
    given = next((environ[name] for name in SERVER_VARIABLES if environ.get(name)), None)
    for name in SERVER_VARIABLES:
        environ.pop(name, None)
    if given is None or make_url(given).get_backend_name() != "postgresql":
        directory = Path(tempfile.mkdtemp(prefix="dpgraph-test-"))
        return SuiteDatabase(f"sqlite+aiosqlite:///{directory / 'test.db'}", None, directory)
    server = _async_url(given)
    stem = (server.database or "dpgraph")[:NAME_STEM_LENGTH]
    name = f"{stem}_test_{uuid.uuid4().hex[:8]}"
    asyncio.run(_create(server, name))
    suite = SuiteDatabase(
        server.set(database=name).render_as_string(hide_password=False),
        server.render_as_string(hide_password=True),
    )
    environ["DATABASE_URL"] = suite.url
    return suite


def close_suite_database(suite: SuiteDatabase) -> None:
    """Drop the suite's database and every scratch database named after it."""
    if suite.directory is not None:
        shutil.rmtree(suite.directory, ignore_errors=True)
    if suite.is_postgresql:
        asyncio.run(_drop(make_url(suite.url)))


async def _admin(server: URL, action: str) -> AsyncEngine:
    """An AUTOCOMMIT engine on a maintenance database of the server, or why none answers."""
    reasons = []
    for database in MAINTENANCE_DATABASES:
        engine = create_async_engine(
            server.set(database=database), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            return engine
        except (OSError, SQLAlchemyError) as error:
            reasons.append(str(error).strip().splitlines()[0])
            await engine.dispose()
    where = server.render_as_string(hide_password=True)
    raise SuiteDatabaseError(f"cannot {action}: no connection to {where} ({reasons[-1]})")


async def _create(server: URL, name: str) -> None:
    engine = await _admin(server, f"create the test database {name}")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError as error:
        reason = str(error).strip().splitlines()[0]
        user = server.username or "the current user"
        raise SuiteDatabaseError(
            f"cannot create the test database {name} ({reason}): the tests make a database "
            f"of their own, so {user} needs CREATEDB (ALTER ROLE {user} CREATEDB)"
        ) from error
    finally:
        await engine.dispose()


async def _drop(suite: URL) -> None:
    name = suite.database or ""
    engine = await _admin(suite, f"drop the test database {name}")
    try:
        async with engine.connect() as connection:
            scratch = await connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :prefix)"),
                {"prefix": f"{name}_"},
            )
            for database in [*scratch.scalars(), name]:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        await engine.dispose()
