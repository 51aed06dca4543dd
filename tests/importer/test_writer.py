"""Transactions: a batch commits together, a refused record rolls back alone, re-runs resume."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

import importer.writer
import models
from importer.items import Kind
from tests.conftest import SEEDS_DIR
from tests.importer.fake_api import catalogue, seed_packages
from tests.importer.helpers import counts, row_count, write, writes_in
from writes import upsert_package as real_upsert


async def test_a_slug_taken_by_another_id_is_refused_and_its_batch_commits(
    db, run_import, tmp_path
):
    categories = catalogue()["categories"]
    thief = {**copy.deepcopy(categories[0]), "id": 3}  # slug "apps" belongs to category 1
    other = {**copy.deepcopy(categories[1]), "id": 4, "slug": "fours"}
    path = write(tmp_path / "categories.json", [*categories, thief, other])
    summary = await run_import(path, batch_size=10)
    assert counts(summary, Kind.CATEGORY) == (3, 0, 0, 1)
    [failure] = summary.failures
    assert failure.position == f"{path}[2]"
    assert failure.message == "category 3: slug 'apps' already belongs to category 1"
    assert await row_count(db, models.Category) == 3


async def test_a_refused_package_leaves_no_participants_or_links_behind(db, run_import, tmp_path):
    packages = seed_packages()
    clash = {**copy.deepcopy(packages[0]), "id": 9999, "participants": ["nobody-else-has-me"]}
    path = write(tmp_path / "packages.json", [packages[0], clash, packages[1]])
    summary = await run_import(path, batch_size=10)
    assert counts(summary, Kind.PACKAGE) == (2, 0, 0, 1)
    assert summary.failures[0].message == (
        "package 9999: slug 'django-organizations' already belongs to package 1412"
    )
    async with db.session() as session:
        assert await session.get(models.Package, 9999) is None
    logins = (await row_count(db, models.Participant), await row_count(db, models.GridPackage))
    assert logins == (len(set(packages[0]["participants"]) | set(packages[1]["participants"])), 4)


async def test_placeholders_are_counted_once_and_not_for_a_refused_record(db, run_import, tmp_path):
    """The summary counts the grids made from references, without those of a record whose
    savepoint rolled back (its grid 999 was made, then undone with it)."""
    packages = seed_packages()
    clash = {
        **copy.deepcopy(packages[0]),
        "id": 9999,
        "grids": ["https://djangopackages.org/api/v4/grids/999/"],
    }
    path = write(tmp_path / "packages.json", [packages[0], clash, packages[0], packages[1]])
    summary = await run_import(path, batch_size=10)
    assert counts(summary, Kind.PACKAGE) == (2, 0, 0, 1)
    named = {int(re.findall(r"/grids/(\d+)/", url)[0]) for p in packages[:2] for url in p["grids"]}
    grids = {(Kind.GRID, grid_id) for grid_id in named}
    assert summary.placeholders == {(Kind.CATEGORY, 1), *grids}  # no source gave category 1
    assert summary.counts(Kind.GRID)["placeholders"] == len(named) > 0
    async with db.session() as session:
        assert await session.get(models.Grid, 999) is None


async def test_an_interrupted_import_keeps_whole_batches_and_a_rerun_resumes(
    db, run_import, monkeypatch, count_statements
):
    written = 0

    async def power_cut_on_the_fifth(session: Any, record: Any) -> Any:
        nonlocal written
        written += 1
        if written == 5:
            raise RuntimeError("power cut")
        return await real_upsert(session, record)

    monkeypatch.setattr(importer.writer, "upsert_package", power_cut_on_the_fifth)
    with pytest.raises(RuntimeError, match="power cut"):
        await run_import(str(SEEDS_DIR), batch_size=3)
    # The first batch of three committed; the second lost the fourth record with the fifth.
    assert await row_count(db, models.Package) == 3
    monkeypatch.setattr(importer.writer, "upsert_package", real_upsert)

    summary = await run_import(str(SEEDS_DIR), batch_size=3)
    assert counts(summary, Kind.PACKAGE) == (2, 0, 3, 0)
    with count_statements() as log:
        summary = await run_import(str(SEEDS_DIR), batch_size=3)
    assert counts(summary, Kind.PACKAGE) == (0, 0, 5, 0)
    assert writes_in(log.statements) == []
