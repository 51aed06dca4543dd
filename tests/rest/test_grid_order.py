"""A package's grids are stored and served in the package's own order."""

from __future__ import annotations

from tests.factories import BASE_TIME, package_record
from writes import IMPORTER, Outcome, open_unit, upsert_grid, upsert_package
from writes.records import GridRecord


async def _upsert(db, record) -> Outcome:
    async with open_unit(db, actor=IMPORTER) as unit:
        return await upsert_package(unit, record)


async def _grid_ids(api, package_id: int) -> list[int]:
    body = (await api.get(f"/api/v4/packages/{package_id}/")).json()
    return [int(url.rstrip("/").rsplit("/", 1)[1]) for url in body["grids"]]


async def test_the_record_order_is_kept_and_a_reorder_is_an_update(db, api):
    assert await _upsert(db, package_record(1, grid_ids=(30, 10, 20))) is Outcome.CREATED
    assert await _grid_ids(api, 1) == [30, 10, 20]
    assert await _upsert(db, package_record(1, grid_ids=(30, 10, 20))) is Outcome.UNCHANGED
    assert await _upsert(db, package_record(1, grid_ids=(20, 30, 10))) is Outcome.UPDATED
    assert await _grid_ids(api, 1) == [20, 30, 10]


async def test_joining_and_leaving_grids_keeps_the_order(db, api):
    await _upsert(db, package_record(1, grid_ids=(5, 4)))
    assert await _upsert(db, package_record(1, grid_ids=(6, 4))) is Outcome.UPDATED
    assert await _grid_ids(api, 1) == [6, 4]


async def test_memberships_from_the_grid_side_come_last_by_grid_id(db, api):
    await _upsert(db, package_record(1, grid_ids=(9,)))
    async with open_unit(db, actor=IMPORTER) as unit:
        for grid_id in (8, 7):
            await upsert_grid(
                unit,
                GridRecord(
                    id=grid_id,
                    title=f"Grid {grid_id}",
                    slug=f"grid-{grid_id}",
                    description="",
                    is_locked=False,
                    header=False,
                    created=BASE_TIME,
                    modified=BASE_TIME,
                    package_ids=(1,),
                ),
            )
    assert await _grid_ids(api, 1) == [9, 7, 8]
    # Importing the package again with that order fills in positions; nothing changed.
    assert await _upsert(db, package_record(1, grid_ids=(9, 7, 8))) is Outcome.UNCHANGED
    assert await _grid_ids(api, 1) == [9, 7, 8]
