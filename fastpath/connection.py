"""The request's one connection: on PostgreSQL the asyncpg connection itself, checked out of
SQLAlchemy's pool without a `Connection` around it (72 us per request on the benchmark
machine against 30 us: W1's whole answer costs about 500 us). Statements still go through
the engine's `before_cursor_execute` event (`fastpath.statements`). SQLite keeps an
`AsyncConnection`, whose `execute` runs its statements."""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import QueuePool
from sqlalchemy.util.concurrency import greenlet_spawn

from core.fair_gate import FairGate
from metrics import POOL_WAIT

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
    asked = time.perf_counter()
    if sync_engine.dialect.name != "postgresql":
        async with engine.connect() as conn:
            POOL_WAIT.observe(time.perf_counter() - asked)
            yield Connection(sync_engine.dialect, sync_engine.dispatch, sqlalchemy=conn)
        return
    gate = _gate(engine)
    async with gate.place() if gate is not None else nullcontext():
        pooled = await engine.raw_connection()
        POOL_WAIT.observe(time.perf_counter() - asked)
        try:
            yield Connection(
                sync_engine.dialect, sync_engine.dispatch, driver=pooled.driver_connection
            )
        except BaseException:
            # A statement may still be running (a cancelled request): the connection goes,
            # never back to the pool half-used.
            await greenlet_spawn(pooled.invalidate)
            raise
        finally:
            await greenlet_spawn(pooled.close)


_GATES: weakref.WeakKeyDictionary[Any, FairGate] = weakref.WeakKeyDictionary()


def _gate(engine: AsyncEngine) -> FairGate | None:
    """One gate per pool, as wide as the connections it keeps open (DB_POOL_SIZE); none
    for a pool that keeps none (NullPool: each checkout opens its own)."""
    pool = engine.sync_engine.pool
    if not isinstance(pool, QueuePool):
        return None
    gate = _GATES.get(pool)
    if gate is None:
        gate = _GATES[pool] = FairGate(max(pool.size(), 1))
    return gate
