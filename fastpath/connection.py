"""The request's one connection: on PostgreSQL the asyncpg connection itself, checked out of
SQLAlchemy's pool without a `Connection` around it (72 us per request on the benchmark
machine against 30 us: W1's whole answer costs about 500 us). Statements still go through
the engine's `before_cursor_execute` event (`fastpath.statements`). SQLite keeps an
`AsyncConnection`, whose `execute` runs its statements."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.util.concurrency import greenlet_spawn

logger = logging.getLogger("dpgraph.fastpath")


@dataclass
class Connection:
    """`sqlalchemy`: SQLite's AsyncConnection; `driver`: PostgreSQL's asyncpg connection."""

    dialect: Dialect
    dispatch: Any  # the engine's events (`before_cursor_execute`)
    sqlalchemy: AsyncConnection | None = None
    driver: Any = None


@asynccontextmanager
async def checkout(engine: AsyncEngine) -> AsyncIterator[Connection]:
    sync_engine = engine.sync_engine
    if sync_engine.dialect.name != "postgresql":
        async with engine.connect() as conn:
            yield Connection(sync_engine.dialect, sync_engine.dispatch, sqlalchemy=conn)
        return
    pooled = await engine.raw_connection()
    try:
        yield Connection(sync_engine.dialect, sync_engine.dispatch, driver=pooled.driver_connection)
    except BaseException:
        # A statement may still be running (a cancelled request): the connection goes,
        # never back to the pool half-used.
        await greenlet_spawn(pooled.invalidate)
        raise
    finally:
        await greenlet_spawn(pooled.close)
