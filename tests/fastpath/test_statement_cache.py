"""Statements are built once per plan field and shape, and PostgreSQL's rows from the
asyncpg connection are exactly the rows SQLAlchemy returns for the same statement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from benchmarks.workloads import choose
from fastpath import statements
from fastpath.plan import Env
from fastpath.statements import Prepared, StatementCache


async def _recorded(
    catalogue: Any, checked_execute: Any, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[Prepared, dict[str, Any], list[tuple[Any, ...]]]]:
    """Every statement the workloads run (twice each), with its values and rows."""
    seen: list[tuple[Prepared, dict[str, Any], list[tuple[Any, ...]]]] = []
    original = statements.fetch

    async def fetch(env: Env, prepared: Prepared, params: Mapping[str, Any]) -> Any:
        rows = await original(env, prepared, params)
        seen.append((prepared, dict(params), [tuple(row) for row in rows]))
        return rows

    monkeypatch.setattr(statements, "fetch", fetch)
    async with catalogue.engine.connect() as connection:
        workloads = await choose(connection)
    for _ in range(2):
        for name, workload in workloads.items():
            result = await checked_execute(
                workload.query, variables=workload.variables, operation_name=name
            )
            assert result.errors is None, result.errors
    return seen


async def test_a_second_request_reuses_every_statement(catalogue, checked_execute, monkeypatch):
    seen = await _recorded(catalogue, checked_execute, monkeypatch)
    assert seen and len(seen) % 2 == 0
    first, second = seen[: len(seen) // 2], seen[len(seen) // 2 :]
    assert all(prepared.cached for prepared, _, _ in seen)
    assert [id(p) for p, _, _ in first] == [id(p) for p, _, _ in second]


async def test_driver_rows_are_the_rows_sqlalchemy_returns(catalogue, checked_execute, monkeypatch):
    if catalogue.dialect != "postgresql":
        pytest.skip("SQLite runs every statement through SQLAlchemy")
    seen = await _recorded(catalogue, checked_execute, monkeypatch)
    async with catalogue.engine.connect() as connection:
        for prepared, params, rows in seen:
            expected = await connection.execute(prepared.statement, params)
            assert rows == [tuple(row) for row in expected], prepared.statement


def test_the_cache_is_bounded_and_keeps_the_recently_used():
    cache = StatementCache(capacity=2)
    built: list[str] = []

    def build(name: str) -> Any:
        def make() -> Any:
            built.append(name)
            return name

        return make

    a = cache.get("a", build("a"))
    cache.get("b", build("b"))
    assert cache.get("a", build("a")) is a  # a is now the most recent
    cache.get("c", build("c"))  # b goes
    cache.get("b", build("b"))
    assert built == ["a", "b", "c", "b"] and len(cache) == 2
    assert not cache.get(None, build("filtered")).cached
