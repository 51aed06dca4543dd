"""Package edits: create, update, delete and the participants list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import models
from writes import links, rows
from writes import validation as check
from writes.changes import ObjectRef
from writes.grids import grid_for_edit
from writes.rules import PACKAGE_RULES, apply_rules, check_exists, check_slug_free, refuse_nulls
from writes.unit import WriteUnit

# What a client may set; repository and PyPI statistics stay the fetcher's business,
# except the counts the issue tracker asked to be correctable.
EDITABLE = frozenset(
    {
        "title",
        "slug",
        "category_id",
        "repo_url",
        "repo_description",
        "pypi_url",
        "pypi_version",
        "documentation_url",
        "repo_watchers",
        "repo_forks",
        "commits_over_52",
    }
)


async def _validate(unit: WriteUnit, values: Mapping[str, Any], own_id: int | None) -> None:
    unknown = set(values) - EDITABLE
    assert not unknown, f"not editable: {unknown}"
    problems = check.Problems()
    refuse_nulls(problems, models.Package, values)
    apply_rules(problems, PACKAGE_RULES, values)
    await check_slug_free(unit.session, problems, models.Package, values.get("slug"), own_id)
    await check_exists(
        unit.session, problems, models.Category, ("categoryId",), values.get("category_id")
    )
    problems.raise_if_any()


async def create_package(unit: WriteUnit, *, values: Mapping[str, Any]) -> models.Package:
    await _validate(unit, values, None)
    row = models.Package(
        id=await rows.next_id(unit, models.Package),
        created=unit.now,
        created_offset=0,
        modified=unit.now,
        modified_offset=0,
        **values,
    )
    related = _categories(row.category_id)
    await rows.insert(unit, row, related=related)
    return row


async def update_package(
    unit: WriteUnit, *, package_id: int, expected_version: int, values: Mapping[str, Any]
) -> models.Package:
    row = await rows.locked_row(unit, models.Package, package_id)
    rows.check_version(row, expected_version)
    await _validate(unit, values, package_id)
    related = _categories(row.category_id, values.get("category_id", row.category_id))
    await rows.update(unit, row, dict(values), related=related)
    return row


async def delete_package(unit: WriteUnit, *, package_id: int, expected_version: int) -> None:
    row = await rows.locked_row(unit, models.Package, package_id)
    rows.check_version(row, expected_version)
    grids = await links.package_grid_ids(unit.session, package_id)
    for grid_id in grids:  # deleting takes the package out of each grid: a locked one refuses
        await grid_for_edit(unit, grid_id)
    related = (*_categories(row.category_id), *(ObjectRef("Grid", grid) for grid in grids))
    await rows.delete(unit, row, related=related)


async def set_participants(
    unit: WriteUnit, *, package_id: int, logins: Sequence[str], expected_version: int | None
) -> models.Package:
    row = await rows.locked_row(unit, models.Package, package_id)
    rows.check_version(row, expected_version)
    problems = check.Problems()
    check.logins(problems, ("logins",), logins)
    problems.raise_if_any()
    change = await links.sync_participants(unit.session, package_id=package_id, logins=logins)
    if change is not None:
        await rows.update(unit, row, {}, extra={"participants": change})
    return row


def _categories(*ids: int | None) -> tuple[ObjectRef, ...]:
    """Categories whose package lists a change touches."""
    return tuple(ObjectRef("Category", i) for i in sorted({i for i in ids if i is not None}))
