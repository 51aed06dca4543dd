"""A database statement past STATEMENT_TIMEOUT_SECONDS is stopped by the database itself
(PostgreSQL's statement_timeout, SQLite's progress handler) and the request answered
504 TIMEOUT, on the compiled lane and through Strawberry's view alike (issue 22)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import rest.v4
import schema.query
from core.db import Database
from core.settings import Settings
from core.statement_timeout import is_statement_timeout, unbounded
from fastpath import statements
from tests.conftest import app_client

LIMIT = 0.2

ENDLESS = {
    # Counts forever: only the deadline ends it.
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(30)",
}
A_LITTLE_LONGER = {
    # Runs past LIMIT, then ends by itself.
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000000) "
    "SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(0.4)",
}


@pytest.fixture
async def bounded(db: Database, settings: Settings) -> AsyncIterator[Database]:
    """A second engine on the test database, with the statement deadline."""
    database = Database.from_settings(settings, statement_timeout=LIMIT)
    yield database
    await database.dispose()


@pytest.fixture
async def client(bounded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    bounded_settings = settings.model_copy(update={"statement_timeout_seconds": LIMIT})
    async with app_client(bounded, bounded_settings) as http:
        yield http


async def test_an_endless_statement_is_stopped_at_the_deadline(bounded: Database) -> None:
    async with bounded.engine.connect() as connection:
        started = time.perf_counter()
        with pytest.raises(DBAPIError) as raised:
            await connection.execute(text(ENDLESS[bounded.dialect]))
        took = time.perf_counter() - started
        assert is_statement_timeout(raised.value)
        assert LIMIT <= took < LIMIT + 0.8, f"stopped after {took:.2f} s"
    async with bounded.engine.connect() as connection:  # the next statement runs
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1


async def test_unbounded_work_runs_past_the_deadline(bounded: Database) -> None:
    async with bounded.engine.begin() as connection:
        await unbounded(connection)
        started = time.perf_counter()
        await connection.execute(text(A_LITTLE_LONGER[bounded.dialect]))
        assert time.perf_counter() - started > LIMIT


async def test_other_database_errors_are_not_timeouts(bounded: Database) -> None:
    async with bounded.engine.connect() as connection:
        with pytest.raises(DBAPIError) as raised:
            await connection.execute(text("SELECT * FROM no_such_table"))
    assert not is_statement_timeout(raised.value)


def _timed_out(response: httpx.Response) -> None:
    assert response.status_code == 504, response.text
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "TIMEOUT"}
    assert f"{LIMIT:g} s" in error["message"]


async def test_a_stopped_statement_of_the_view_answers_504(client, bounded, monkeypatch):
    async def endless_search(info: Any, query: str, first: int) -> list[Any]:
        async with info.context.db.session() as session:
            await session.execute(text(ENDLESS[bounded.dialect]))
        return []

    monkeypatch.setattr(schema.query, "search", endless_search)
    started = time.perf_counter()
    # introspection beside it keeps the document off the compiled lane (search compiles)
    search = {"query": '{ search(query: "x") { __typename } __type(name: "Query") { name } }'}
    response = await client.post("/graphql", json=search)
    assert time.perf_counter() - started < 2.0
    _timed_out(response)


async def test_a_stopped_statement_of_the_compiled_lane_answers_504(client, bounded, monkeypatch):
    ran: list[str] = []

    async def endless_fetch(env: Any, prepared: Any, params: Any) -> Any:
        ran.append("fetch")
        if env.conn.sqlalchemy is not None:
            await env.conn.sqlalchemy.execute(text(ENDLESS["sqlite"]))
        else:
            await env.conn.driver.fetch(ENDLESS["postgresql"])
        return []

    monkeypatch.setattr(statements, "fetch", endless_fetch)
    _timed_out(await client.post("/graphql", json={"query": "{ packages { nodes { slug } } }"}))
    assert ran == ["fetch"]  # not run again by the reference executor


async def test_a_stopped_statement_of_the_rest_api_answers_504(client, bounded, monkeypatch):
    async def endless_search(session: Any, *args: Any, **kwargs: Any) -> list[Any]:
        await session.execute(text(ENDLESS[bounded.dialect]))
        return []

    monkeypatch.setattr(rest.v4, "search_catalogue", endless_search)
    response = await client.get("/api/v4/search/", params={"q": "x"})
    assert response.status_code == 504
    assert response.json() == {
        "detail": f"A database statement took over {LIMIT:g} s and was stopped."
    }
