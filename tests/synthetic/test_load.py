"""Bulk loading into the test database: what is stored, refusal, replacement, collisions."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

import models
from synthetic import (
    BASE_ID,
    IdCollision,
    SyntheticDataPresent,
    generate,
    plan_for,
    synthetic_counts,
)
from synthetic.load import TABLES
from tests.synthetic.conftest import built, stored


async def test_the_database_holds_exactly_the_built_rows(generated, db):
    expected = built(40, seed=7)
    for name in TABLES:
        rows = await stored(db, name)
        assert len(rows) == len(expected[name]) == generated.inserted[name], name
    # Aware datetimes compare as instants: the stored UTC value equals the Eastern one.
    assert await stored(db, "package") == expected["package"]
    assert await stored(db, "element") == expected["element"]


async def test_the_same_seed_gives_the_same_database(generated, db):
    first = {name: await stored(db, name) for name in TABLES}
    await generate(db, plan_for(40, seed=7), replace=True)
    assert {name: await stored(db, name) for name in TABLES} == first


async def test_refuses_when_synthetic_data_is_present(generated, db):
    with pytest.raises(SyntheticDataPresent, match="pass --replace"):
        await generate(db, plan_for(10, seed=1))
    assert len(await stored(db, "package")) == 40


async def test_replace_deletes_the_previous_catalogue_first(generated, db):
    summary = await generate(db, plan_for(12, seed=1), replace=True)
    assert summary.deleted["package"] == 40
    assert sum(summary.deleted.values()) == generated.total
    packages = await stored(db, "package")
    assert [row["id"] for row in packages] == list(range(BASE_ID, BASE_ID + 12))
    for name in TABLES:
        assert len(await stored(db, name)) == summary.inserted[name], name


async def test_sits_beside_the_demo_data_and_replace_leaves_it_alone(demo):
    before = {name: await stored(demo, name) for name in TABLES}
    await generate(demo, plan_for(20, seed=2))
    summary = await generate(demo, plan_for(15, seed=3), replace=True)
    async with demo.engine.connect() as connection:
        assert (await synthetic_counts(connection))["package"] == 15
    for name in TABLES:
        rows = await stored(demo, name)
        assert all(row in rows for row in before[name]), name
        assert len(rows) == len(before[name]) + summary.inserted[name], name


async def test_refuses_ids_that_real_rows_already_use(db):
    async with db.transaction() as session:
        await session.execute(insert(models.Participant).values(id=BASE_ID + 3, login="alice"))
    with pytest.raises(IdCollision, match="participant"):
        await generate(db, plan_for(10))
    assert await stored(db, "package") == []  # rolled back, nothing half-written
