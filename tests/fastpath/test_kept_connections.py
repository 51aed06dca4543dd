"""Connections the compiled path keeps checked out between reads (`fastpath.connection.Warm`):
reused without SQLAlchemy's checkout, never more than half the pool once no read waits (one
that does takes the connection with the place), pinged after idling like any pooled
connection, closed with the engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool

from core.db import Database, create_engine
from core.failures import database_unavailable
from core.settings import Settings
from fastpath.connection import _gate, _warm, checkout
from metrics import CONNECTIONS_REUSED


def _own_engine(db: Database, **settings: Any) -> AsyncEngine:
    """A PostgreSQL engine of its own on the suite's database (the caller disposes of it)."""
    if db.dialect != "postgresql":
        pytest.skip("needs DATABASE_URL (PostgreSQL): SQLite's compiled path keeps no connection")
    url = db.engine.url.render_as_string(hide_password=False)
    return create_engine(Settings(database_url=url, _env_file=None, **settings))


@pytest.fixture
async def engine(db: Database) -> AsyncIterator[AsyncEngine]:
    """Pool of 4: two kept at most; disposed of after."""
    engine = _own_engine(db, db_pool_size=4)
    yield engine
    await engine.dispose()


async def _pid(engine: AsyncEngine) -> int:
    async with checkout(engine) as conn:
        return int(await conn.driver.fetchval("SELECT pg_backend_pid()"))


async def _alive(db: Database, pid: int) -> bool:
    async with db.engine.connect() as conn:
        found = await conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        )
        return bool(found.scalar_one())


async def test_reads_one_after_another_reuse_one_connection_without_a_pool_checkout(engine):
    checkouts: list[object] = []
    event.listen(engine.sync_engine.pool, "checkout", lambda *args: checkouts.append(args))
    reused_before = CONNECTIONS_REUSED._value.get()
    pids = {await _pid(engine) for _ in range(5)}
    assert len(pids) == 1
    assert len(checkouts) == 1  # the first read's; the next four took the kept one
    assert CONNECTIONS_REUSED._value.get() - reused_before == 4


async def test_at_most_half_the_pool_stays_kept(engine):
    entered = asyncio.Event()
    inside = 0

    async def read() -> None:
        nonlocal inside
        async with checkout(engine) as conn:
            inside += 1
            if inside == 4:
                entered.set()
            await entered.wait()  # four hold a connection at once
            await conn.driver.fetchval("SELECT 1")

    await asyncio.gather(*(read() for _ in range(4)))
    warm = _warm(engine)
    assert warm is not None and len(warm) == 2
    pool = engine.sync_engine.pool
    assert (
        isinstance(pool, QueuePool) and pool.checkedout() == 2
    )  # the other two went back to SQLAlchemy's pool


async def test_a_connection_given_back_while_reads_wait_goes_with_the_place(engine):
    """Four reads hold the pool's four places and eight wait at the gate; the four give
    back in one burst. Each freed place's waiting read takes the connection with it, past
    half the pool: none goes back to SQLAlchemy's pool for the next read to check out
    again (before: two of the four did, and two waiting reads checked out anew)."""
    checkouts: list[object] = []
    event.listen(engine.sync_engine.pool, "checkout", lambda *args: checkouts.append(args))
    reused_before = CONNECTIONS_REUSED._value.get()
    all_in, burst = asyncio.Event(), asyncio.Event()
    inside = 0

    async def read() -> None:
        nonlocal inside
        async with checkout(engine) as conn:
            await conn.driver.fetchval("SELECT 1")
            inside += 1
            if inside == 4:
                all_in.set()
            await burst.wait()

    reads = [asyncio.create_task(read()) for _ in range(12)]
    await all_in.wait()
    gate = _gate(engine)
    assert gate is not None and gate.waiting == 8
    burst.set()  # the four holders give back in one loop turn
    await asyncio.gather(*reads)
    assert len(checkouts) == 4  # one a place, then each read took its place's connection
    assert CONNECTIONS_REUSED._value.get() - reused_before == 8
    warm = _warm(engine)
    assert warm is not None and len(warm) == 2  # no read waits: back to half the pool


async def test_a_kept_connection_that_idled_is_pinged_and_a_dead_one_replaced(db):
    """DB_PING_AFTER_IDLE_SECONDS=0: every reuse counts as after idling. A kept connection
    whose backend was killed meanwhile is found dead by the pool's ping, not by a read."""
    engine = _own_engine(db, db_pool_size=2, db_ping_after_idle_seconds=0)
    try:
        first = await _pid(engine)
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        for _ in range(500):  # bounded: until the backend is gone
            if not await _alive(db, first):
                break
        second = await _pid(engine)  # no error: the ping found it dead, a new one answers
        assert second != first
    finally:
        await engine.dispose()


async def test_a_kept_connection_is_reused_while_fresh(db):
    """The default idle limit (2 s): a connection used a moment ago is taken as it is."""
    engine = _own_engine(db, db_pool_size=2)
    pings: list[object] = []
    try:
        first = await _pid(engine)
        event.listen(engine.sync_engine.pool, "checkout", lambda *args: pings.append(args))
        assert await _pid(engine) == first
        assert pings == []
    finally:
        await engine.dispose()


async def test_disposing_of_the_engine_closes_the_kept_connections(db):
    engine = _own_engine(db, db_pool_size=2)
    kept = await _pid(engine)
    warm = _warm(engine)
    assert warm is not None and len(warm) == 1
    await engine.dispose()
    assert len(warm) == 0
    for _ in range(500):  # bounded: the backend ends once its client said goodbye
        if not await _alive(db, kept):
            break
    assert not await _alive(db, kept)


async def test_a_pool_of_one_keeps_nothing(db):
    engine = _own_engine(db, db_pool_size=1)
    try:
        await _pid(engine)
        assert _warm(engine) is None
        pool = engine.sync_engine.pool
        assert isinstance(pool, QueuePool) and pool.checkedout() == 0
    finally:
        await engine.dispose()


async def test_a_lost_connection_drops_every_kept_one(engine, db):
    """The server restarted (here: every kept backend terminated): the read that finds its
    connection dead fails once, and the kept others go with it instead of failing in turn."""
    entered = asyncio.Event()
    inside = 0

    async def read() -> int:
        nonlocal inside
        async with checkout(engine) as conn:
            inside += 1
            if inside == 2:
                entered.set()
            await entered.wait()
            return int(await conn.driver.fetchval("SELECT pg_backend_pid()"))

    pids = await asyncio.gather(read(), read())
    warm = _warm(engine)
    assert warm is not None and len(warm) == 2
    async with db.engine.connect() as conn:
        for pid in pids:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    for pid in pids:
        for _ in range(500):  # bounded: until the backend is gone
            if not await _alive(db, pid):
                break
    with pytest.raises(Exception) as lost:
        await _pid(engine)
    assert database_unavailable(lost.value)
    assert len(warm) == 0
    assert await _pid(engine) not in pids


async def _locks_on_package(db: Database, pid: int) -> list[str]:
    async with db.engine.connect() as conn:
        found = await conn.execute(
            text("SELECT mode FROM pg_locks WHERE pid = :pid AND relation = 'package'::regclass"),
            {"pid": pid},
        )
        return list(found.scalars())


async def _cancelled_between_prepare_and_execute(engine: AsyncEngine, cancellations: int) -> int:
    """A read cancelled where asyncpg's prepare step answered and its execute never went
    out (PostgreSQL holds the statement's locks until a Sync); the backend's pid."""
    prepared = asyncio.Event()
    pid = 0

    async def read() -> None:
        nonlocal pid
        async with checkout(engine) as conn:
            pid = int(await conn.driver.fetchval("SELECT pg_backend_pid()"))
            await conn.driver.prepare("SELECT id FROM package")  # Parse, Describe, Flush
            prepared.set()
            await asyncio.Event().wait()  # cancelled here

    task = asyncio.create_task(read())
    await prepared.wait()
    for _ in range(cancellations):
        task.cancel()
        await asyncio.sleep(0)  # the task takes it: the next one lands in its recovery
    with pytest.raises(asyncio.CancelledError):
        await task
    return pid


async def test_a_read_cancelled_between_prepare_and_execute_holds_no_lock(engine, db):
    pid = await _cancelled_between_prepare_and_execute(engine, cancellations=1)
    assert await _locks_on_package(db, pid) == []
    warm = _warm(engine)
    assert warm is not None and len(warm) == 1  # kept, clean, for the next read
    assert await _pid(engine) == pid


async def test_a_second_cancellation_does_not_stop_the_recovery(engine, db):
    pid = await _cancelled_between_prepare_and_execute(engine, cancellations=2)
    warm = _warm(engine)
    assert warm is not None
    while not len(warm):  # the shielded recovery goes on after the task has ended
        await asyncio.sleep(0)
    assert await _locks_on_package(db, pid) == []
    assert await _pid(engine) == pid
