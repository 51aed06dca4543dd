"""Several server processes starting at once on PostgreSQL: one loads the demo, none fail."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

import models
from core.db import Database
from server.commands.demo import load_demo_data


async def test_workers_starting_together_load_the_demo_once(db, settings):
    if db.dialect != "postgresql":
        pytest.skip("needs DATABASE_URL (PostgreSQL): SQLite servers are prepared by the CLI")
    workers = [Database.from_settings(settings) for _ in range(3)]
    try:

        async def start(worker: Database) -> int:
            await worker.create_tables()
            return await load_demo_data(worker)

        loaded = await asyncio.gather(*(start(worker) for worker in workers))
    finally:
        for worker in workers:
            await worker.dispose()
    assert sorted(loaded) == [0, 0, 5]
    async with db.session() as session:
        count = (await session.execute(select(func.count()).select_from(models.Package))).scalar()
    assert count == 5
