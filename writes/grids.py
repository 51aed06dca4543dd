"""Grid edits: the grid itself, its packages, and locking.

A locked grid refuses every edit (its row, packages, features and cells) unless the
writer may edit locked grids (admins, the importer).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import models
from writes import links, rows
from writes import validation as check
from writes.changes import ObjectRef
from writes.errors import Locked, Missing
from writes.rules import GRID_RULES, apply_rules, check_slug_free, refuse_nulls
from writes.unit import WriteUnit

EDITABLE = frozenset({"title", "slug", "description", "header"})


async def grid_for_edit(unit: WriteUnit, grid_id: int) -> models.Grid:
    """The grid, locked for this unit; refused if it is locked against this writer."""
    grid = await rows.locked_row(unit, models.Grid, grid_id)
    if grid.is_locked and not unit.actor.may_edit_locked:
        raise Locked(grid_id)
    return grid


async def _validate(unit: WriteUnit, values: Mapping[str, Any], own_id: int | None) -> None:
    unknown = set(values) - EDITABLE
    assert not unknown, f"not editable: {unknown}"
    problems = check.Problems()
    refuse_nulls(problems, models.Grid, values)
    apply_rules(problems, GRID_RULES, values)
    await check_slug_free(unit.session, problems, models.Grid, values.get("slug"), own_id)
    problems.raise_if_any()


async def create_grid(unit: WriteUnit, *, values: Mapping[str, Any]) -> models.Grid:
    await _validate(unit, values, None)
    row = models.Grid(
        id=await rows.next_id(unit, models.Grid),
        is_fetched=True,
        is_locked=False,
        created=unit.now,
        created_offset=0,
        modified=unit.now,
        modified_offset=0,
        **{"header": False, **values},
    )
    return await rows.insert(unit, row)


async def update_grid(
    unit: WriteUnit, *, grid_id: int, expected_version: int, values: Mapping[str, Any]
) -> models.Grid:
    grid = await grid_for_edit(unit, grid_id)
    rows.check_version(grid, expected_version)
    await _validate(unit, values, grid_id)
    await rows.update(unit, grid, {**values, "is_fetched": True})
    return grid


async def delete_grid(unit: WriteUnit, *, grid_id: int, expected_version: int) -> None:
    grid = await grid_for_edit(unit, grid_id)
    rows.check_version(grid, expected_version)
    members = await links.grid_members(unit.session, grid_id)
    await rows.delete(unit, grid, related=tuple(ObjectRef("Package", p) for p in members))


async def set_locked(unit: WriteUnit, *, grid_id: int, locked: bool) -> models.Grid:
    grid = await rows.locked_row(unit, models.Grid, grid_id)
    await rows.update(unit, grid, {"is_locked": locked})
    return grid


async def add_package(unit: WriteUnit, *, grid_id: int, package_id: int) -> models.Grid:
    """Idempotent: adding a package already in the grid changes nothing."""
    grid = await grid_for_edit(unit, grid_id)
    await _package_exists(unit, package_id)
    before = await links.grid_members(unit.session, grid_id)
    if package_id not in before:
        unit.session.add(models.GridPackage(grid_id=grid_id, package_id=package_id))
        await unit.session.flush()
        await _record_members(unit, grid, before, sorted([*before, package_id]), package_id)
    return grid


async def remove_package(unit: WriteUnit, *, grid_id: int, package_id: int) -> models.Grid:
    """Idempotent too; the package's cells in this grid go with it."""
    grid = await grid_for_edit(unit, grid_id)
    await _package_exists(unit, package_id)
    link = await links.membership(unit.session, grid_id=grid_id, package_id=package_id)
    if link is not None:
        before = await links.grid_members(unit.session, grid_id)
        await unit.session.delete(link)
        await unit.session.flush()
        after = [member for member in before if member != package_id]
        await _record_members(unit, grid, before, after, package_id)
    return grid


async def _package_exists(unit: WriteUnit, package_id: int) -> None:
    if await unit.session.get(models.Package, package_id) is None:
        raise Missing("Package", package_id)


async def _record_members(
    unit: WriteUnit, grid: models.Grid, before: list[int], after: list[int], package_id: int
) -> None:
    change = {"before": before, "after": after}
    related = (ObjectRef("Package", package_id),)
    await rows.update(unit, grid, {}, extra={"packages": change}, related=related)
