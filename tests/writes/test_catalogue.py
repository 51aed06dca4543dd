"""The write path: idempotent upserts, exact membership and participant order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from sqlalchemy import select
from sqlmodel import col

import models
from tests.factories import category_record, package_record
from writes import IMPORTER, Outcome, open_unit, upsert_category, upsert_package

WRITES = ("INSERT", "UPDATE", "DELETE")


async def _upsert(db, record):
    async with open_unit(db, actor=IMPORTER) as unit:
        return await upsert_package(unit, record)


async def _participant_logins(db, package_id: int) -> list[str]:
    async with db.session() as session:
        link = models.PackageParticipant
        rows = await session.execute(
            select(col(models.Participant.login))
            .join(link, col(link.participant_id) == col(models.Participant.id))
            .where(col(link.package_id) == package_id)
            .order_by(col(link.position))
        )
        return list(rows.scalars())


async def test_same_record_twice_changes_nothing(db, count_statements):
    record = package_record(1, grid_ids=(10, 11))
    assert await _upsert(db, record) is Outcome.CREATED
    with count_statements() as log:
        assert await _upsert(db, record) is Outcome.UNCHANGED
    assert not [s for s in log.statements if s.lstrip().upper().startswith(WRITES)]


async def test_a_changed_field_updates_only_that_row(db, count_statements):
    await _upsert(db, package_record(1))
    await _upsert(db, package_record(2))
    with count_statements() as log:
        outcome = await _upsert(db, replace(package_record(1), repo_watchers=999))
    assert outcome is Outcome.UPDATED
    updates = [s for s in log.statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "repo_watchers" in updates[0]
    async with db.session() as session:
        one = await session.get(models.Package, 1)
        two = await session.get(models.Package, 2)
    assert one is not None and one.repo_watchers == 999
    assert two is not None and two.repo_watchers == 20


async def test_timestamp_offset_change_is_a_change(db):
    record = package_record(1)
    await _upsert(db, record)
    assert record.modified is not None
    same_instant_other_offset = record.modified.astimezone(UTC)
    outcome = await _upsert(db, replace(record, modified=same_instant_other_offset))
    assert outcome is Outcome.UPDATED


async def test_grids_follow_the_record_and_leaving_a_grid_removes_membership(db):
    await _upsert(db, package_record(1, grid_ids=(10, 11)))
    assert await _upsert(db, package_record(1, grid_ids=(11, 12))) is Outcome.UPDATED
    async with db.session() as session:
        grid_ids = set(
            (
                await session.execute(
                    select(col(models.GridPackage.grid_id)).where(
                        col(models.GridPackage.package_id) == 1
                    )
                )
            ).scalars()
        )
        stub = await session.get(models.Grid, 12)
    assert grid_ids == {11, 12}
    assert stub is not None and stub.is_fetched is False and stub.title is None


async def test_participants_keep_their_order_and_are_shared(db):
    await _upsert(db, package_record(1, participants=("carol", "alice", "bob")))
    await _upsert(db, package_record(2, participants=("bob", "dave")))
    assert await _participant_logins(db, 1) == ["carol", "alice", "bob"]
    reordered = package_record(1, participants=("alice", "carol"))
    assert await _upsert(db, reordered) is Outcome.UPDATED
    assert await _participant_logins(db, 1) == ["alice", "carol"]
    async with db.session() as session:
        bobs = (
            await session.execute(
                select(models.Participant).where(col(models.Participant.login) == "bob")
            )
        ).all()
    assert len(bobs) == 1


async def test_category_stub_is_filled_in_by_a_fetched_category(db):
    await _upsert(db, package_record(1, category_id=3))
    async with db.session() as session:
        stub = await session.get(models.Category, 3)
        assert stub is not None and stub.is_fetched is False
    async with open_unit(db, actor=IMPORTER) as unit:
        session = unit.session
        assert await upsert_category(unit, category_record(3)) is Outcome.UPDATED
    async with open_unit(db, actor=IMPORTER) as unit:
        session = unit.session
        assert await upsert_category(unit, category_record(3)) is Outcome.UNCHANGED


async def test_a_failed_transaction_leaves_no_trace(db):
    try:
        async with open_unit(db, actor=IMPORTER) as unit:
            session = unit.session
            await upsert_package(unit, package_record(1))
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    async with db.session() as session:
        assert await session.get(models.Package, 1) is None
        assert (await session.execute(select(models.Participant))).first() is None
