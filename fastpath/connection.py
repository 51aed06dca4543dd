"""The request's one connection: on PostgreSQL the asyncpg connection itself, checked out of
SQLAlchemy's pool without a `Connection` around it (72 us per request on the benchmark
machine against 30 us: W1's whole answer costs about 500 us). Statements still go through
the engine's `before_cursor_execute` event (`fastpath.statements`). SQLite keeps an
`AsyncConnection`, whose `execute` runs its statements.

A connection a request used cleanly stays checked out for the next request (`Warm`):
SQLAlchemy's checkout and checkin (greenlet switches, its queue, events and reset) cost
about 60 us of CPU per request on a 2-core AMD EPYC, a tenth of a one-package page."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.util.concurrency import greenlet_spawn

from core.failures import database_unavailable
from core.fair_gate import FairGate
from core.ping import RETURNED_AT, idle_seconds
from metrics import CONNECTIONS_REUSED, POOL_WAIT

logger = logging.getLogger("dpgraph.fastpath")

RECOVERY_SECONDS = 5.0
"""How long a cancelled read's connection gets to answer the statement that ends its
implicit transaction (`_recover`) before it is closed."""


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
    warm = _warm(engine)
    async with gate.place() if gate is not None else nullcontext():
        pooled = await warm.take() if warm is not None else None
        if pooled is None:
            pooled = await engine.raw_connection()
        POOL_WAIT.observe(time.perf_counter() - asked)
        try:
            yield Connection(
                sync_engine.dialect, sync_engine.dispatch, driver=pooled.driver_connection
            )
        except asyncio.CancelledError:
            # The request was cancelled (its client left, its deadline passed), perhaps
            # with a statement running: asyncpg has asked PostgreSQL to cancel it, and the
            # connection's next statement waits for that (a few ms). Closing it instead
            # cost the next request a new PostgreSQL backend: under load, every client
            # that gave up opened one. Shielded: a second cancellation must not leave the
            # connection neither given back nor closed.
            await asyncio.shield(_recover(pooled, warm))
            raise
        except BaseException as error:
            # Any other failure: the connection's state is unknown, it goes.
            await greenlet_spawn(pooled.invalidate)
            if warm is not None and database_unavailable(error):
                await greenlet_spawn(warm.close_all)  # the server went: the kept ones too
            raise
        await _give_back(pooled, warm, wanted=gate is not None and gate.has_waiters())


async def _recover(pooled: PoolProxiedConnection, warm: Warm | None) -> None:
    """A cancelled read's connection, brought back to idle, then given back.

    A cancellation that lands after asyncpg's prepare step answered and before its
    execute leaves PostgreSQL inside the extended protocol (Parse sent, no Sync yet): the
    backend holds the statement's table locks until the connection's next statement. A
    kept connection may have none for a long time, and a TRUNCATE, a migration or any
    ACCESS EXCLUSIVE lock would wait on it for ever. Any statement sent with the simple
    protocol ends that implicit transaction (ROLLBACK only where a transaction block is
    open: elsewhere PostgreSQL logs a warning for it); a connection that cannot run it goes."""
    driver = pooled.driver_connection
    assert driver is not None, "a checked-out connection has its driver connection"
    try:
        ending = "ROLLBACK" if driver.is_in_transaction() else "SELECT 1"
        await driver.execute(ending, timeout=RECOVERY_SECONDS)
    except Exception:
        logger.debug("a cancelled read's connection did not recover; closed", exc_info=True)
        await greenlet_spawn(pooled.invalidate)
        return
    await _give_back(pooled, warm)


async def _give_back(
    pooled: PoolProxiedConnection, warm: Warm | None, wanted: bool = False
) -> None:
    """Kept for the next compiled read, or returned to SQLAlchemy's pool. `wanted`: a
    read waits at the gate for the place this one frees, and takes the connection with it."""
    if warm is None or not warm.keep(pooled, wanted):
        await greenlet_spawn(pooled.close)


class Warm:
    """Connections kept checked out of SQLAlchemy's pool between compiled reads, newest
    first. At most `size` (half the pool: the other half stays SQLAlchemy's, for writes
    and the reference executor), except for one given back for a read waiting at the gate,
    which takes it at once (`keep`). One idle past DB_PING_AFTER_IDLE_SECONDS goes back to
    the pool, whose checkout pings it, as it would any idle connection."""

    def __init__(self, size: int, idle_seconds: float | None) -> None:
        self.size = size
        self.idle_seconds = idle_seconds
        self._kept: deque[tuple[PoolProxiedConnection, float]] = deque()

    def __len__(self) -> int:
        return len(self._kept)

    async def take(self) -> PoolProxiedConnection | None:
        """The newest kept connection, unless it sat idle (then all did: they go back)."""
        if not self._kept:
            return None
        pooled, used_at = self._kept.pop()
        if self.idle_seconds is None or time.monotonic() - used_at < self.idle_seconds:
            CONNECTIONS_REUSED.inc()
            return pooled
        stale = [(pooled, used_at), *self._kept]
        self._kept.clear()
        for connection, last_used in stale:
            await greenlet_spawn(_back_to_the_pool, connection, last_used)
        return None

    def keep(self, pooled: PoolProxiedConnection, wanted: bool = False) -> bool:
        """Kept for the next request (False: full, the caller returns it). `wanted`: kept
        past `size`, since the read waiting for the gate's next place takes it at once.
        Under a load above the pool every place changes hands so, and without this one
        read in seven to ten (W1 at 64 connections, a pool of 20) returned its connection to
        SQLAlchemy's pool and the next checked one out again (about 60 us of CPU)."""
        if not pooled.is_valid or (len(self._kept) >= self.size and not wanted):
            return False
        self._kept.append((pooled, time.monotonic()))
        return True

    def close_all(self) -> None:
        """Closes every kept connection (the engine is being disposed of)."""
        while self._kept:
            pooled, _ = self._kept.pop()
            try:
                pooled.invalidate()
            except Exception:  # outside SQLAlchemy's greenlet: the process is ending
                logger.debug("a kept connection could not be closed", exc_info=True)


def _back_to_the_pool(pooled: PoolProxiedConnection, used_at: float) -> None:
    """Checked in with the time it was last used, so the next checkout pings it
    (`core.ping`: the checkin would otherwise stamp it as returned just now)."""
    record = pooled._connection_record
    pooled.close()
    if record is not None:
        record.info[RETURNED_AT] = used_at


_GATES: weakref.WeakKeyDictionary[Any, FairGate] = weakref.WeakKeyDictionary()
_WARM: weakref.WeakKeyDictionary[Engine, Warm] = weakref.WeakKeyDictionary()


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


def _warm(engine: AsyncEngine) -> Warm | None:
    """The engine's kept connections (none for a pool below two, or one keeping none)."""
    sync_engine = engine.sync_engine
    warm = _WARM.get(sync_engine)
    if warm is None:
        pool = sync_engine.pool
        size = pool.size() // 2 if isinstance(pool, QueuePool) else 0
        warm = _WARM[sync_engine] = Warm(size, idle_seconds(sync_engine))
        event.listen(sync_engine, "engine_disposed", lambda _engine: warm.close_all())
    return warm if warm.size > 0 else None
