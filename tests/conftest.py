"""Test fixtures: the suite's own database (tests/suite_database.py: SQLite, or a database
it creates on the PostgreSQL server DATABASE_URL names), emptied after every test, plus
helpers to run GraphQL and count SQL statements."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from core.db import Database
from core.settings import ENV_FILE_VARIABLE, Settings
from execution import build_schema
from fastpath import RECORDER
from fastpath.differential import in_shadow
from schema.context import Context
from server.app import create_app
from server.commands.demo import load_demo_data
from server.runtime import DEFAULT_THRESHOLDS
from tests.fastpath.coverage import COVERAGE_LINES
from tests.suite_database import (
    SuiteDatabase,
    SuiteDatabaseError,
    close_suite_database,
    open_suite_database,
)

# COMPILED_DIFFERENTIAL=1 (the setting's own variable, so server processes the tests start
# read it too): every compiled answer is checked against Strawberry's executor.
DIFFERENTIAL = os.environ.get("COMPILED_DIFFERENTIAL", "").lower() not in ("", "0", "false")
SERVERS = ("DATABASE_URL", "REDIS_URL")
ABORTED = "aborted (an argument refused: the reference answers its error)"
"""Read by the suite as the servers to use; every other setting keeps its default here."""
SUITE: SuiteDatabase | None = None


def suite_database() -> SuiteDatabase:
    assert SUITE is not None, "the suite's database is made in pytest_configure"
    return SUITE


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported (several read DATABASE_URL when they are)."""
    global SUITE
    if config.option.help or config.option.version:
        return
    # A deployment's settings exported in this shell (the README's Deployment section
    # exports WORKERS, HOST, LOAD_DEMO_DATA...) must not change what the tests run.
    for name in {name.upper() for name in Settings.model_fields} - set(SERVERS):
        os.environ.pop(name, None)
    os.environ[ENV_FILE_VARIABLE] = ""  # no process of the suite reads a developer's .env
    try:
        SUITE = open_suite_database(os.environ)
    except SuiteDatabaseError as error:
        raise pytest.UsageError(f"tests: {error}") from None


def pytest_unconfigure(config: pytest.Config) -> None:
    global SUITE
    if SUITE is not None:
        close_suite_database(SUITE)
        SUITE = None


def pytest_report_header(config: pytest.Config) -> str:
    checked = "; compiled answers checked against the reference" if DIFFERENTIAL else ""
    suite = suite_database()
    if suite.server is not None:
        return f"database: {suite.name}, made for this run on {suite.server}{checked}"
    return f"database: SQLite (set DATABASE_URL to also run against PostgreSQL){checked}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many GraphQL answers the compiled path gave, so a silent fallback shows, and
    why the others were not (tests/fastpath/test_coverage.py adds the suite's documents)."""
    if RECORDER.compiled or RECORDER.reference:
        terminalreporter.write_line(
            f"compiled path: {RECORDER.compiled} answers; reference executor: "
            f"{RECORDER.reference}" + (" (each compiled answer checked)" if DIFFERENTIAL else "")
        )
        reasons: Counter[str] = Counter()
        for reason, count in RECORDER.reasons.items():
            # "aborted: <the argument's error>": one line for all of them
            reasons[ABORTED if reason.startswith("aborted: ") else reason] += count
        for reason, count in reasons.most_common():
            terminalreporter.write_line(f"  reference, {reason}: {count}")
    for line in COVERAGE_LINES:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def settings() -> Settings:
    url = suite_database().url
    # Apps built from these settings in tests run no lifespan, so nothing would close a
    # Redis client: tests that need Redis ask for it (tests/subscriptions/test_redis.py).
    # The test process keeps CPython's own collector settings (no freeze, default thresholds).
    return Settings(
        database_url=url,
        load_demo_data=False,
        redis_url=None,
        gc_freeze=False,
        gc_gen0_threshold=DEFAULT_THRESHOLDS[0],
        compiled_differential=DIFFERENTIAL,
        _env_file=None,
    )


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database.from_settings(settings)  # the suite's own, empty: made by the migrations
    await db.create_tables()
    yield db
    await db.dispose()


EMPTYING_LOCK_TIMEOUT = "60s"
"""TRUNCATE waits this long for a lock: a connection a test left holding one fails that
test's teardown, naming the connection, instead of stopping the suite for good."""


async def empty_tables(db: Database) -> None:
    tables = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
    async with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            await connection.execute(text(f"SET LOCAL lock_timeout = '{EMPTYING_LOCK_TIMEOUT}'"))
            try:
                await connection.execute(
                    text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
                )
            except DBAPIError as error:
                raise AssertionError(
                    f"the tables could not be emptied ({error.orig}); other connections "
                    f"to the suite's database: {await _other_sessions(db)}"
                ) from error
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


async def _other_sessions(db: Database) -> list[tuple[Any, ...]]:
    """What every other connection to the suite's database is doing (a fresh connection:
    the failed transaction can ask nothing)."""
    async with db.engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT pid, state, wait_event, now() - state_change AS in_state, query "
                "FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return [tuple(row) for row in found]


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    """The test database, empty at the start of every test."""
    yield database
    await empty_tables(database)


@pytest.fixture
async def demo(db: Database) -> Database:
    """The database holding the bundled demo catalogue (the five seeds)."""
    await load_demo_data(db)
    return db


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(db: Database) -> Any:
    """`with count_statements() as log:` records every SQL statement sent to the database."""

    @contextmanager
    def counting() -> Iterator[StatementLog]:
        log = StatementLog()

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            # The differential check's reference run is not part of the answer's cost.
            if not in_shadow():
                log.statements.append(statement)

        event.listen(db.engine.sync_engine, "before_cursor_execute", record)
        try:
            yield log
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", record)

    return counting


@pytest.fixture(scope="session")
def graphql_schema() -> Any:
    return build_schema()


@pytest.fixture
def reference_executor(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests of the reference executor's own machinery (a resolver that fails...):
    the compiled path is off for the test."""
    monkeypatch.setattr(settings, "compiled_execution", False)


@pytest.fixture
def execute(db: Database, settings: Settings, graphql_schema: Any) -> Any:
    """Run a GraphQL document against the test database with a fresh context."""

    async def run(query: str, variables: dict[str, Any] | None = None) -> Any:
        context = Context.create(db=db, settings=settings)
        return await graphql_schema.execute(query, variable_values=variables, context_value=context)

    return run


@asynccontextmanager
async def app_client(
    db: Database, settings: Settings, **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling, in-process, an app made from `settings` (and `create_app`'s
    `options`). No lifespan runs: the stores a request may have connected (Redis) are
    closed here, and tracing stopped."""
    app = create_app(settings, db=db, **options)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
    finally:
        await close_app(app)


async def close_app(app: Any) -> None:
    """What an app made without its lifespan may have opened: its stores, its tracing."""
    graphql = app.state.graphql
    await graphql.limiter.close()
    await graphql.persisted.close()
    if graphql.rate_limits is not None:
        await graphql.rate_limits.close()
    if app.state.redis_ready is not None:
        await app.state.redis_ready.close()
    if app.state.tracing is not None:
        await app.state.tracing.stop()


@pytest.fixture
async def client(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in-process."""
    async with app_client(db, settings) as http:
        yield http


SEEDS_DIR = Path(__file__).resolve().parent.parent / "data" / "seeds"
