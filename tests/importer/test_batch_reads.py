"""A package batch reads what its upserts need once (writes.prefetch), and writes exactly
what record-by-record reads would have written."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

import importer.items
import importer.writer
import models
from core.db import Database
from importer.run import Options, import_sources
from importer.summary import Summary
from tests.conftest import empty_tables
from tests.importer.fake_api import seed_packages
from tests.importer.helpers import write
from writes import Change
from writes.packages import update_package
from writes.prefetch import Prefetched
from writes.unit import Actor, open_unit

GRID_URL = "https://djangopackages.org/api/v4/grids/{}/"
CATEGORY_URL = "https://djangopackages.org/api/v4/categories/{}/"


def reads_in(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


async def _import(db: Database, path: str, published: list[Change]) -> Summary:
    async def publish(changes: Sequence[Change]) -> None:
        published.extend(changes)

    return await import_sources(
        [path], db=db, options=Options(batch_size=100, rate=0.0), publish=publish
    )


def _changed(packages: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    changed = copy.deepcopy(packages[:count])
    for package in changed:
        package["repo_watchers"] += 1
    return changed


@pytest.mark.parametrize("count", [1, 5])
async def test_an_update_batch_reads_the_same_statements_for_one_package_as_for_five(
    db, tmp_path, count_statements, count
):
    packages = seed_packages()
    await _import(db, write(tmp_path / "all.json", packages), [])
    path = write(tmp_path / "changed.json", _changed(packages, count))
    with count_statements() as log:
        summary = await _import(db, path, [])
    assert summary.counts(importer.items.Kind.PACKAGE)["updated"] == count
    # the category, grid, package, link and participant look-ups: five, whatever the count
    assert len(reads_in(log.statements)) == 5, reads_in(log.statements)


def _edits(packages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every path an upsert takes: changed fields, grids, participants, a new package with a
    new category, a refused record between two good ones, and a package written twice."""
    first, second, third, *_ = copy.deepcopy(packages)
    first["repo_watchers"] += 10
    first["participants"] = [*reversed(first["participants"]), "a-new-login"]
    second["grids"] = [*second["grids"][1:], GRID_URL.format(999)]
    clash = {**copy.deepcopy(first), "id": 9999, "grids": [GRID_URL.format(998)]}
    again = {**copy.deepcopy(first), "repo_forks": first["repo_forks"] + 1}
    new = {
        **copy.deepcopy(third),
        "id": 8888,
        "slug": "a-new-package",
        "category": CATEGORY_URL.format(77),
        "participants": ["a-new-login", third["participants"][0]],
    }
    return [first, clash, second, third, again, new]


async def _snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in key order; audit times left out (they are the clock's)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            columns = [column for column in table.columns if column.name != "at"]
            order = list(table.primary_key.columns)
            rows = await session.execute(select(*columns).order_by(*order))
            found[table.name] = [tuple(row) for row in rows]
    return found


async def _run(db: Database, tmp_path: Path) -> tuple[Any, ...]:
    packages = seed_packages()
    published: list[Change] = []
    first = await _import(db, write(tmp_path / "all.json", packages), published)
    second = await _import(db, write(tmp_path / "edits.json", _edits(packages)), published)
    outcomes = [
        (summary.counts(kind), [failure.message for failure in summary.failures])
        for summary in (first, second)
        for kind in importer.items.Kind
    ]
    events = [(c.object, c.action, c.fields, c.related) for c in published]
    return outcomes, events, await _snapshot(db)


async def test_prefetched_batches_write_what_record_by_record_reads_write(
    db, tmp_path, monkeypatch
):
    prefetched = await _run(db, tmp_path)
    await empty_tables(db)

    async def read_nothing_ahead(session: Any, records: Any) -> Prefetched:
        return Prefetched()

    monkeypatch.setattr(importer.writer, "prefetch_packages", read_nothing_ahead)
    one_by_one = await _run(db, tmp_path)
    assert prefetched[0] == one_by_one[0]
    assert any(failures for _, failures in prefetched[0])  # the clash was refused
    assert prefetched[1] == one_by_one[1]
    assert prefetched[2] == one_by_one[2]


async def test_a_batch_locks_the_rows_it_read_so_an_edit_in_between_keeps_its_version(db, tmp_path):
    """The batch reads its rows before it writes them: an edit committed in between would
    leave the row with the version number the edit had already taken, and the import
    comparing against a row that is no longer there (PostgreSQL: the read takes the row
    locks; SQLite lets one writer in at a time)."""
    if db.dialect != "postgresql":
        pytest.skip("row locks: PostgreSQL (needs DATABASE_URL)")
    packages = seed_packages()
    await _import(db, write(tmp_path / "all.json", packages), [])
    first = packages[0]["id"]
    async with db.session() as session:
        before = await session.get(models.Package, first)
        assert before is not None
        version = before.version
    edit_holds_the_row = asyncio.Event()
    import_waits = asyncio.Event()

    async def edit() -> None:
        async with open_unit(db, actor=Actor("editor")) as unit:
            await update_package(
                unit, package_id=first, expected_version=version, values={"repo_forks": 1}
            )
            edit_holds_the_row.set()
            await import_waits.wait()

    editing = asyncio.create_task(edit())
    await edit_holds_the_row.wait()
    importing = asyncio.create_task(
        _import(db, write(tmp_path / "changed.json", _changed(packages, 1)), [])
    )
    await _until_a_lock_is_awaited(db)
    import_waits.set()
    await editing
    summary = await importing
    assert summary.counts(importer.items.Kind.PACKAGE)["updated"] == 1
    async with db.session() as session:
        after = await session.get(models.Package, first)
        assert after is not None
        # two versions for two changes; the import wrote the source's value over the edit's,
        # having read the edit's (before, it read the row before the edit and kept it)
        assert (after.version, after.repo_forks) == (version + 2, packages[0]["repo_forks"])


async def _until_a_lock_is_awaited(db: Database) -> None:
    """Until some connection waits for a lock (the import, on the edit's row)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(1000):
        async with db.session() as session:
            if (await session.execute(query)).scalar_one():
                return
        await asyncio.sleep(0.01)
    raise AssertionError("nothing waited for a lock within 10 s")
