"""The compiled path's SQL: a fixed number of statements per workload, whatever the rows,
and nested first-N as LATERAL on PostgreSQL, row_number() on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from benchmarks.workloads import W2_QUERY, choose
from fastpath import RECORDER
from schema.context import Context
from tests.factories import build_catalogue

LIMITS = {"W1": 4, "W2": 4, "W3": 6, "W4": 0}


async def test_each_workload_has_a_fixed_statement_budget(
    catalogue, checked_execute, count_statements
):
    async with catalogue.engine.connect() as connection:
        workloads = await choose(connection)
    for name, workload in workloads.items():
        with count_statements() as log:
            result = await checked_execute(
                workload.query, variables=workload.variables, operation_name=name
            )
        assert result.errors is None
        assert log.count <= LIMITS[name], (name, log.statements)


@pytest.mark.parametrize("packages", [1, 40])
async def test_the_statement_count_does_not_grow_with_rows(
    db, checked_execute, count_statements, packages
):
    await build_catalogue(db, packages=packages, grids=3)
    with count_statements() as log:
        result = await checked_execute(W2_QUERY)
    assert len(result.data["packages"]["nodes"]) == packages
    # packages, categories, grids, participants
    assert log.count == 4


async def test_nested_first_n_is_cut_inside_sql(db, checked_execute, count_statements):
    await build_catalogue(db, packages=5)
    with count_statements() as log:
        result = await checked_execute(
            "{ packages { nodes { participants(first: 1) { nodes { login } } } } }"
        )
    assert [len(p["participants"]["nodes"]) for p in result.data["packages"]["nodes"]] == [1] * 5
    [participants] = [s for s in log.statements if "package_participant" in s]
    if db.dialect == "postgresql":
        assert "LATERAL" in participants and "LIMIT" in participants
    else:
        assert "row_number() OVER (PARTITION BY" in participants


async def test_one_connection_serves_the_whole_request(db, settings, graphql_schema):
    await build_catalogue(db, packages=3)
    checkouts: list[object] = []

    def checkout(*args: object) -> None:
        checkouts.append(args)

    unchecked = settings.model_copy(update={"compiled_differential": False})
    event.listen(db.engine.sync_engine.pool, "checkout", checkout)
    try:
        with RECORDER.listening() as outcomes:
            result = await graphql_schema.execute(
                W2_QUERY, context_value=Context.create(db=db, settings=unchecked)
            )
    finally:
        event.remove(db.engine.sync_engine.pool, "checkout", checkout)
    assert result.errors is None and [o.compiled for o in outcomes] == [True]
    assert len(checkouts) == 1
