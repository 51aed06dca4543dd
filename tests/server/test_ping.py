"""Pooled connections are pinged after sitting idle, not at every checkout (issue 13)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from core.db import Database
from core.settings import Settings


@pytest.fixture
async def fresh(settings: Settings) -> AsyncIterator[Any]:
    """A Database of the test settings with a chosen idle threshold, and its ping count."""
    made: list[Database] = []

    def make(idle_seconds: float) -> tuple[Database, list[int]]:
        db = Database.from_settings(
            settings.model_copy(update={"db_ping_after_idle_seconds": idle_seconds})
        )
        pings = [0]
        dialect = db.engine.sync_engine.dialect
        real_ping = dialect.do_ping

        def counted(dbapi_connection: Any) -> bool:
            pings[0] += 1
            return bool(real_ping(dbapi_connection))

        dialect.do_ping = counted  # type: ignore[method-assign]
        made.append(db)
        return db, pings

    yield make
    for db in made:
        await db.dispose()


async def _backend(db: Database) -> Any:
    query = "SELECT pg_backend_pid()" if db.dialect == "postgresql" else "SELECT 1"
    async with db.engine.connect() as connection:
        return (await connection.execute(text(query))).scalar_one()


async def test_a_connection_reused_at_once_is_not_pinged(fresh: Any) -> None:
    db, pings = fresh(3600)
    for _ in range(5):
        await _backend(db)
    assert pings[0] == 0


async def test_a_connection_idle_past_the_threshold_is_pinged(fresh: Any) -> None:
    db, pings = fresh(0)
    await _backend(db)  # a new connection: nothing to check
    assert pings[0] == 0
    await _backend(db)
    await _backend(db)
    assert pings[0] == 2


async def test_a_dead_idle_connection_is_replaced_before_use(fresh: Any, db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("needs DATABASE_URL (PostgreSQL): a server to end the connection")
    pinged, pings = fresh(0)
    first = await _backend(pinged)
    async with db.engine.connect() as other:
        await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    second = await _backend(pinged)  # would raise "connection is closed" without the ping
    assert second != first
    assert pings[0] == 1
