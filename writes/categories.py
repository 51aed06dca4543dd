"""Category edits (admin only): a category still holding packages is not deleted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

import models
from writes import rows
from writes import validation as check
from writes.errors import InUse
from writes.rules import CATEGORY_RULES, apply_rules, check_slug_free, refuse_nulls
from writes.unit import WriteUnit

EDITABLE = frozenset({"title", "slug", "description", "title_plural", "show_pypi"})


async def _validate(unit: WriteUnit, values: Mapping[str, Any], own_id: int | None) -> None:
    unknown = set(values) - EDITABLE
    assert not unknown, f"not editable: {unknown}"
    problems = check.Problems()
    refuse_nulls(problems, models.Category, values)
    apply_rules(problems, CATEGORY_RULES, values)
    await check_slug_free(unit.session, problems, models.Category, values.get("slug"), own_id)
    problems.raise_if_any()


async def create_category(unit: WriteUnit, *, values: Mapping[str, Any]) -> models.Category:
    await _validate(unit, values, None)
    row = models.Category(
        id=await rows.next_id(unit, models.Category),
        is_fetched=True,
        created=unit.now,
        created_offset=0,
        modified=unit.now,
        modified_offset=0,
        **{"description": "", "title_plural": "", "show_pypi": True, **values},
    )
    return await rows.insert(unit, row)


async def update_category(
    unit: WriteUnit, *, category_id: int, expected_version: int, values: Mapping[str, Any]
) -> models.Category:
    row = await rows.locked_row(unit, models.Category, category_id)
    rows.check_version(row, expected_version)
    await _validate(unit, values, category_id)
    await rows.update(unit, row, {**values, "is_fetched": True})
    return row


async def delete_category(unit: WriteUnit, *, category_id: int, expected_version: int) -> None:
    row = await rows.locked_row(unit, models.Category, category_id)
    rows.check_version(row, expected_version)
    users = (
        await unit.session.execute(
            select(func.count())
            .select_from(models.Package)
            .where(col(models.Package.category_id) == category_id)
        )
    ).scalar_one()
    if users:
        raise InUse("Category", category_id, "packages", users)
    await rows.delete(unit, row)
