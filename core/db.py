"""The async database engine, made from settings (nothing is created at import time)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import event, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from core import deadline
from core.failures import database_unavailable
from core.ping import ping_after_idle
from core.request_context import count_statement
from core.settings import Settings
from core.statement_timeout import bound_sqlite, postgresql_connect_args, unbounded
from metrics import CONNECTIONS_OPENED

logger = logging.getLogger("dpgraph.db")

T = TypeVar("T")

# Any fixed number; names the advisory lock that start-up work holds on PostgreSQL.
STARTUP_LOCK_KEY = 0x647067  # "dpg"

# Columns searched with ILIKE '%text%' (see loaders.filters.text_matches).
TRIGRAM_COLUMNS = (
    ("package", "title"),
    ("package", "slug"),
    ("package", "repo_description"),
    ("grid", "title"),
    ("grid", "slug"),
)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys (and so ON DELETE CASCADE) unless each connection asks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    # The driver's own BEGIN comes only before INSERT/UPDATE/DELETE, so a SAVEPOINT sent
    # first would run outside the transaction and its RELEASE would commit: we send BEGIN.
    dbapi_connection.isolation_level = None


WRITE_OPTION = "dpgraph_write"


def _begin_sqlite_transaction(connection: Any) -> None:
    """Every transaction starts with BEGIN, so savepoints nest inside it (SQLAlchemy's recipe).

    Write transactions say BEGIN IMMEDIATE: they take the write lock first and wait for
    each other, instead of reading a snapshot that another writer's commit makes stale.
    Sent on the DBAPI cursor, as PostgreSQL drivers do, so statement counters see no BEGIN.
    """
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    cursor = connection.connection.cursor()
    cursor.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    cursor.close()


def read_json(text: str | bytes) -> Any:
    """JSON columns as the driver hands them: orjson reads W1's `commits_over_52` in a
    tenth of the standard library's time (a third of asyncpg's row decoding was
    `json.loads`); a value it refuses (NaN, an integer past 64 bits) is read as before."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def create_engine(settings: Settings, *, statement_timeout: float = 0) -> AsyncEngine:
    """The engine of `settings`; with `statement_timeout`, each statement stops after that
    many seconds (`core.statement_timeout`: the server's engine, not the importer's)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    sqlite = url.get_backend_name() == "sqlite"
    # A SQLite writer waits this long for another's lock (an import batch) before failing.
    connect_args = {"timeout": 30} if sqlite else postgresql_connect_args(statement_timeout)
    pool: dict[str, Any] = (
        {}
        if sqlite
        else {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}
    )
    engine = create_async_engine(
        url,
        echo=settings.sql_echo,
        connect_args=connect_args,
        json_deserializer=read_json,
        **pool,
    )
    ping_after_idle(engine.sync_engine, settings.db_ping_after_idle_seconds)
    event.listen(engine.sync_engine, "connect", _count_connection)
    if sqlite:
        event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
        event.listen(engine.sync_engine, "begin", _begin_sqlite_transaction)
        bound_sqlite(engine.sync_engine, statement_timeout)
    return engine


def _count_connection(*_: Any) -> None:
    CONNECTIONS_OPENED.inc()


class Database:
    """The engine plus the two ways the code talks to it: short reads and transactions."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        if not event.contains(engine.sync_engine, "before_cursor_execute", count_statement):
            event.listen(engine.sync_engine, "before_cursor_execute", count_statement)
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @classmethod
    def from_settings(cls, settings: Settings, *, statement_timeout: float = 0) -> Database:
        return cls(create_engine(settings, statement_timeout=statement_timeout))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def lock_for_startup(self, connection: AsyncConnection) -> None:
        """Serialise start-up work between server processes (PostgreSQL advisory lock).

        Several workers starting at once would otherwise race to create the same tables
        or load the same demo rows. The lock ends with the caller's transaction.
        """
        if self.dialect == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": STARTUP_LOCK_KEY}
            )

    async def create_tables(self, *, migrate: bool = True) -> None:
        """The schema the code needs: migrations applied (`core.migrations`), or, with
        `migrate` off, checked to be at the code's revision (SchemaBehind otherwise)."""
        from core.migrations import check_at_head, upgrade

        async with self.engine.begin() as connection:
            await unbounded(connection)  # a migration may take its time
            await self.lock_for_startup(connection)
            if migrate:
                await connection.run_sync(upgrade)
            else:
                await connection.run_sync(check_at_head)
        if self.dialect == "postgresql":
            await self._create_trigram_indexes()

    async def _create_trigram_indexes(self) -> None:
        """Trigram indexes make ILIKE '%text%' searches fast; they need pg_trgm.

        Creating the extension needs privileges a production role may lack: then
        searches still work, only slower, and the log says why.
        """
        try:
            async with self.engine.begin() as connection:
                await unbounded(connection)  # an index build may take its time
                await self.lock_for_startup(connection)
                await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                for table, column in TRIGRAM_COLUMNS:
                    await connection.execute(
                        text(
                            f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm "
                            f"ON {table} USING gin ({column} gin_trgm_ops)"
                        )
                    )
        except DBAPIError as error:
            logger.warning("trigram indexes not created (text search will scan): %s", error)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session for reads: each DataLoader batch takes its own, so batches run side by side."""
        async with self._sessions() as session:
            yield session

    async def read(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`work` in a read session, run once more on a fresh connection when its
        connection was lost (a killed backend, a failover): the first failure invalidates
        the pool's stale connections, so one retry is enough. Writes are never retried."""
        try:
            async with self.session() as session:
                return await work(session)
        except Exception as error:
            if not database_unavailable(error):
                raise
            logger.warning("a read lost its database connection; retrying once: %s", error)
        async with self.session() as session:
            return await work(session)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits together or not at all; never past the request's
        deadline, and never cut short by it once the commit starts (`core.deadline`)."""
        async with self._write_sessions() as session, session.begin():
            yield session
            deadline.before_commit()

    async def dispose(self) -> None:
        await self.engine.dispose()
