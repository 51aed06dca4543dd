"""A subscriber receiving 10,000 results leaves the server's RSS flat (issue 22: each
result once left about 128 KB behind, 108 MB to 1,387 MB in 9,416 changes).

A real server process: RSS is the process's own, allocator and native buffers included.
Each category rename is one event and one result per package of the category (35).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import suite_database
from tests.long_subscriber import ENV, follow, write_token
from tests.server_process import ROOT, running_server

RESULTS = 10_000
WARM_UP = 1_000
FLAT_MB = 50
REDIS_URL = os.environ.get("REDIS_URL")


async def _database(statement: str) -> None:
    admin = create_async_engine(suite_database().url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(statement))
    await admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql+redis"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The server's DATABASE_URL (and REDIS_URL): a fresh database of its own."""
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'memory.db'}"}
        return
    suite = suite_database()
    if not (suite.is_postgresql and REDIS_URL):
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    url = suite.scratch_url("memory")  # dropped with the suite's even if this is not
    name = make_url(url).database
    asyncio.run(_database(f'CREATE DATABASE "{name}"'))
    try:
        yield {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "REDIS_PREFIX": f"memory-{uuid.uuid4().hex[:8]}",
        }
    finally:
        asyncio.run(_database(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.mark.parametrize("transport", ["websocket", "sse"])
def test_rss_stays_flat_through_ten_thousand_results(
    servers: dict[str, str], transport: str, tmp_path: Path
) -> None:
    env = {**ENV, **servers}
    with running_server(tmp_path, env) as server:
        token = write_token(tmp_path, {**os.environ, "PYTHONPATH": str(ROOT), **env})
        samples = asyncio.run(
            follow(
                server.url,
                pid=server.process.pid,
                token=token,
                transport=transport,
                results=RESULTS,
                every=WARM_UP,
            )
        )
    start = dict(samples)[WARM_UP]
    growth = max(rss for _, rss in samples) - start
    assert samples[-1][0] >= RESULTS
    assert growth < FLAT_MB, samples
