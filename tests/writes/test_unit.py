"""Write units: audit entries commit with the change; changes are published only after
the commit, never for a rollback, and an unchanged re-import publishes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from sqlalchemy import func, select

import models
from tests.factories import category_record, package_record
from writes import (
    IMPORTER,
    Action,
    Change,
    InvalidInput,
    ObjectRef,
    open_unit,
    upsert_category,
    upsert_package,
)


class Recorder:
    """A publisher that remembers what it was given, and whether the row was visible then."""

    def __init__(self, db) -> None:
        self.db = db
        self.batches: list[list[Change]] = []
        self.visible: list[bool] = []

    async def __call__(self, changes: Sequence[Change]) -> None:
        self.batches.append(list(changes))
        async with self.db.session() as session:  # another connection: sees only commits
            self.visible.append(
                await session.get(models.Package, changes[-1].object.id) is not None
            )


async def _audit_count(db) -> int:
    async with db.session() as session:
        statement = select(func.count()).select_from(models.AuditEntry)
        return int((await session.execute(statement)).scalar_one())


async def test_changes_are_published_after_the_commit(db):
    recorder = Recorder(db)
    async with open_unit(db, actor=IMPORTER, publish=recorder) as unit:
        await upsert_category(unit, category_record(1))
        await upsert_package(unit, package_record(1, grid_ids=(5,)))
        assert recorder.batches == []  # nothing while the transaction is open
    [batch] = recorder.batches
    assert [(c.object, c.action) for c in batch] == [
        (ObjectRef("Category", 1), Action.CREATED),
        (ObjectRef("Package", 1), Action.CREATED),
    ]
    assert recorder.visible == [True]
    assert batch[1].fields["grids"] == {"before": None, "after": [5]}
    assert await _audit_count(db) == 2


async def test_a_rolled_back_unit_publishes_and_audits_nothing(db):
    recorder = Recorder(db)
    with pytest.raises(RuntimeError):
        async with open_unit(db, actor=IMPORTER, publish=recorder) as unit:
            await upsert_package(unit, package_record(1))
            raise RuntimeError("interrupted")
    assert recorder.batches == []
    assert await _audit_count(db) == 0


async def test_an_unchanged_reimport_publishes_nothing(db):
    recorder = Recorder(db)
    for _ in range(2):
        async with open_unit(db, actor=IMPORTER, publish=recorder) as unit:
            await upsert_package(unit, package_record(1))
    assert len(recorder.batches) == 1


async def test_a_changed_reimport_publishes_the_changed_fields(db):
    recorder = Recorder(db)
    async with open_unit(db, actor=IMPORTER) as unit:
        await upsert_package(unit, package_record(1, grid_ids=(5,)))
    changed = replace(package_record(1, grid_ids=(6,)), repo_watchers=11)
    async with open_unit(db, actor=IMPORTER, publish=recorder) as unit:
        await upsert_package(unit, changed)
    [[change]] = recorder.batches
    assert change.action is Action.UPDATED
    assert change.fields == {
        "repoWatchers": {"before": 10, "after": 11},
        "grids": {"before": [5], "after": [6]},
    }
    assert set(change.related) == {ObjectRef("Grid", 5), ObjectRef("Grid", 6)}
    async with db.session() as session:
        row = await session.get(models.Package, 1)
    assert row is not None and row.version == 2


async def test_savepoints_forget_the_changes_they_roll_back(db):
    recorder = Recorder(db)
    async with open_unit(db, actor=IMPORTER, publish=recorder) as unit:
        await upsert_package(unit, package_record(1))
        with pytest.raises(InvalidInput):
            async with unit.savepoint():
                await upsert_package(unit, package_record(2, title="x" * 101))
    [batch] = recorder.batches
    assert [change.object.id for change in batch] == [1]


async def test_a_failing_publisher_does_not_undo_the_write(db, caplog):
    async def broken(changes: Sequence[Change]) -> None:
        raise ConnectionError("broker down")

    async with open_unit(db, actor=IMPORTER, publish=broken) as unit:
        await upsert_package(unit, package_record(1))
    async with db.session() as session:
        assert await session.get(models.Package, 1) is not None
    assert "publishing 1 change(s) failed" in caplog.text


async def test_imports_obey_the_same_rules_as_mutations(db):
    async with open_unit(db, actor=IMPORTER) as unit:
        with pytest.raises(InvalidInput) as refused:
            await upsert_package(
                unit, package_record(1, slug="no spaces please", participants=("a b",))
            )
    assert [(e.path, e.code) for e in refused.value.errors] == [
        (("slug",), "INVALID_SLUG"),
        (("participants", 0), "INVALID_LOGIN"),
    ]
