"""The compiled path's connection: PostgreSQL's asyncpg connection straight from the pool;
after a cancelled statement, reused once PostgreSQL has cancelled it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from core.db import Database, create_engine
from core.settings import Settings
from fastpath.connection import checkout
from metrics import CONNECTIONS_OPENED


async def _wait_until_running(db: Database, pid: int) -> None:
    """Until the backend reports its statement running (bounded: 500 looks)."""
    for _ in range(500):
        async with db.engine.connect() as other:
            state = await other.execute(
                text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            if state.scalar_one_or_none() == "active":
                return
    raise AssertionError("the statement never started")


async def test_a_cancelled_statement_leaves_its_connection_usable_and_stopped(db):
    """A request cancelled mid-statement (its client left): asyncpg cancels the statement
    on the server, and the connection serves the next read instead of being closed (a new
    PostgreSQL backend per client that gave up, under load)."""
    if db.dialect != "postgresql":
        pytest.skip("needs DATABASE_URL (PostgreSQL): SQLite has no driver connection here")
    url = db.engine.url.render_as_string(hide_password=False)
    engine = create_engine(Settings(database_url=url, db_pool_size=2, _env_file=None))
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def slow() -> None:
        async with checkout(engine) as conn:
            started.set_result(int(await conn.driver.fetchval("SELECT pg_backend_pid()")))
            await conn.driver.fetch("SELECT pg_sleep(30)")

    try:
        task = asyncio.create_task(slow())
        interrupted = await started
        await _wait_until_running(db, interrupted)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with checkout(engine) as conn:  # the kept connection: the one interrupted
            # It answers: a connection runs one statement at a time, so the sleep is over.
            assert int(await conn.driver.fetchval("SELECT pg_backend_pid()")) == interrupted
    finally:
        await engine.dispose()


async def test_sqlite_runs_through_sqlalchemy(db):
    if db.dialect != "sqlite":
        pytest.skip("the PostgreSQL case is the test above")
    async with checkout(db.engine) as conn:
        assert conn.driver is None and conn.sqlalchemy is not None
        assert (await conn.sqlalchemy.execute(text("SELECT 1"))).scalar_one() == 1


async def test_a_burst_above_the_pool_waits_in_order_and_opens_no_overflow(db):
    """64 requests on a pool of 2 (+5 overflow): the compiled path's gate lets two run at a
    time, in the order they came, on the pool's two connections: no connection opened and
    closed per request, none passed over."""
    if db.dialect != "postgresql":
        pytest.skip("needs DATABASE_URL (PostgreSQL): SQLite's engine keeps no pool")
    url = db.engine.url.render_as_string(hide_password=False)
    engine = create_engine(
        Settings(database_url=url, db_pool_size=2, db_max_overflow=5, _env_file=None)
    )
    served: list[int] = []
    backends: set[int] = set()
    try:
        async with checkout(engine), checkout(engine):
            pass  # the pool's two connections are open: a cold connect reorders the first
        opened_before = CONNECTIONS_OPENED._value.get()

        async def one(number: int) -> None:
            async with checkout(engine) as conn:
                served.append(number)
                backends.add(int(await conn.driver.fetchval("SELECT pg_backend_pid()")))

        tasks = []
        for number in range(64):
            tasks.append(asyncio.create_task(one(number)))
            await asyncio.sleep(0)  # each starts (and queues) in turn
        await asyncio.gather(*tasks)
        # Two hold a place at a time, so a neighbour may finish first; nobody further
        # back ever does (asyncio's queue let newcomers pass a waiter again and again).
        assert sorted(served) == list(range(64))
        assert all(abs(position - number) <= 1 for position, number in enumerate(served))
        assert len(backends) <= 2
        assert CONNECTIONS_OPENED._value.get() == opened_before
    finally:
        await engine.dispose()
