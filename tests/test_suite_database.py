"""A test run pointed at a database (a deployment's, exported as the README's Deployment
section says) leaves it as it was, tables and rows: the suite makes a database of its
own (tests/suite_database.py). Issue 23: `scripts/test` emptied the database it was given."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from auth import Scope, issue_token
from core.db import Database
from core.settings import Settings
from server.commands.demo import load_demo_data
from tests.conftest import suite_database
from tests.server_process import ROOT
from tests.suite_database import NAME_STEM_LENGTH

WRITING_TESTS = [
    "tests/schema/test_package.py",  # in-process: tables made, emptied after every test
    "tests/synthetic/test_command.py",  # the CLI, reading DATABASE_URL
    "tests/server/test_concurrent_start.py",  # PostgreSQL: workers loading the demo
]


async def _fill(url: str) -> None:
    """The user's database: migrated, the demo catalogue, a token."""
    db = Database.from_settings(Settings(database_url=url, _env_file=None))
    try:
        await db.create_tables()
        await load_demo_data(db)
        await issue_token(db, name="deploy-bot", scope=Scope.WRITE)
    finally:
        await db.dispose()


async def _snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Every table of the database: its row count and a digest of its rows."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            found = {}
            for name in names:
                rows = (await connection.execute(select(text("*")).select_from(table(name)))).all()
                lines = sorted(repr(tuple(row)) for row in rows)
                found[name] = (len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest())
            return found
    finally:
        await engine.dispose()


async def _databases_named(url: str, prefix: str) -> list[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(
                text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"),
                {"p": prefix},
            )
            return list(found.scalars())
    finally:
        await engine.dispose()


def _run_tests_against(url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *WRITING_TESTS],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def users_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'dpgraph.db'}"
    suite = suite_database()
    if not suite.is_postgresql:
        pytest.skip("needs DATABASE_URL (PostgreSQL)")
    url = suite.scratch_url("users")  # dropped with the suite's database
    name = make_url(url).database

    async def create() -> None:
        admin = create_async_engine(suite.url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            await admin.dispose()

    asyncio.run(create())
    return url


def test_a_run_pointed_at_a_database_leaves_it_untouched(users_database: str) -> None:
    asyncio.run(_fill(users_database))
    before = asyncio.run(_snapshot(users_database))
    assert before["package"][0] == 5 and before["api_token"][0] == 1

    run = _run_tests_against(users_database)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout.splitlines()[-1]
    assert asyncio.run(_snapshot(users_database)) == before
    if make_url(users_database).get_backend_name() == "postgresql":
        stem = (make_url(users_database).database or "")[:NAME_STEM_LENGTH]
        assert f"database: {stem}_test_" in run.stdout  # the header names the run's own
        assert asyncio.run(_databases_named(users_database, f"{stem}_test_")) == []
