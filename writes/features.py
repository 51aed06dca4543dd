"""Feature (column) edits and single comparison cells, always inside their grid's lock."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import col

import models
from writes import links, rows
from writes import validation as check
from writes.changes import ObjectRef
from writes.grids import grid_for_edit
from writes.rules import ELEMENT_RULES, FEATURE_RULES, apply_rules, refuse_nulls
from writes.unit import WriteUnit

EDITABLE = frozenset({"title", "description"})


def _validate(values: Mapping[str, Any]) -> None:
    unknown = set(values) - EDITABLE
    assert not unknown, f"not editable: {unknown}"
    problems = check.Problems()
    refuse_nulls(problems, models.Feature, values)
    apply_rules(problems, FEATURE_RULES, values)
    problems.raise_if_any()


async def create_feature(
    unit: WriteUnit, *, grid_id: int, values: Mapping[str, Any]
) -> models.Feature:
    await grid_for_edit(unit, grid_id)
    _validate(values)
    feature = models.Feature(grid_id=grid_id, **{"description": "", **values})
    return await rows.insert(unit, feature, related=(ObjectRef("Grid", grid_id),))


async def _feature_for_edit(
    unit: WriteUnit, feature_id: int, expected_version: int
) -> models.Feature:
    feature = await rows.locked_row(unit, models.Feature, feature_id)
    await grid_for_edit(unit, feature.grid_id)
    rows.check_version(feature, expected_version)
    return feature


async def update_feature(
    unit: WriteUnit, *, feature_id: int, expected_version: int, values: Mapping[str, Any]
) -> models.Feature:
    feature = await _feature_for_edit(unit, feature_id, expected_version)
    _validate(values)
    await rows.update(unit, feature, dict(values), related=(ObjectRef("Grid", feature.grid_id),))
    return feature


async def delete_feature(unit: WriteUnit, *, feature_id: int, expected_version: int) -> int:
    """Deletes the column and its cells; the grid's id, for the caller's answer."""
    feature = await _feature_for_edit(unit, feature_id, expected_version)
    await rows.delete(unit, feature, related=(ObjectRef("Grid", feature.grid_id),))
    return feature.grid_id


async def set_element(
    unit: WriteUnit, *, grid_id: int, package_id: int, feature_id: int, text: str
) -> models.Element | None:
    """One cell; empty text clears it. The new cell, or None once cleared."""
    await grid_for_edit(unit, grid_id)
    problems = check.Problems()
    feature = await unit.session.get(models.Feature, feature_id)
    if feature is None or feature.grid_id != grid_id:
        problems.add(("featureId",), "NOT_IN_GRID", f"Grid {grid_id} has no feature {feature_id}.")
    link = await links.membership(unit.session, grid_id=grid_id, package_id=package_id)
    if link is None:
        problems.add(
            ("packageId",), "NOT_IN_GRID", f"Package {package_id} is not in grid {grid_id}."
        )
    apply_rules(problems, ELEMENT_RULES, {"text": text})
    problems.raise_if_any()
    assert link is not None and link.id is not None
    element = (
        await unit.session.execute(
            select(models.Element).where(
                col(models.Element.grid_package_id) == link.id,
                col(models.Element.feature_id) == feature_id,
            )
        )
    ).scalar_one_or_none()
    related = (ObjectRef("Grid", grid_id), ObjectRef("Package", package_id))
    if not text:
        if element is not None:
            await rows.delete(unit, element, related=related)
        return None
    if element is None:
        element = models.Element(grid_package_id=link.id, feature_id=feature_id, text=text)
        return await rows.insert(unit, element, related=related)
    await rows.update(unit, element, {"text": text}, related=related)
    return element
