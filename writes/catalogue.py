"""Idempotent upserts of categories, grids and packages, keyed by the Django Packages id.

The importer's side of the write path. Writing the same record twice changes nothing
(no UPDATE, no new version, no audit entry, no event), so a re-import is cheap and
silent; a changed record updates only what changed. Records pass the same rules as
mutations (writes.rules) and are refused whole when they break one.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from sqlmodel import SQLModel

import models
from writes import links, rows
from writes import validation as check
from writes.changes import ObjectRef
from writes.fields import column_values
from writes.prefetch import Prefetched, existing_ids
from writes.records import CategoryRecord, GridRecord, PackageRecord
from writes.rules import CATEGORY_RULES, GRID_RULES, PACKAGE_RULES, Rule, apply_rules
from writes.unit import WriteUnit

Table = TypeVar("Table", bound=SQLModel)

_STAMPED = ("created", "modified")
_PACKAGE_STAMPED = (
    "last_updated",
    "last_fetched",
    "created",
    "modified",
    "date_deprecated",
    "date_repo_archived",
)
_PACKAGE_COLUMNS = (
    "title",
    "slug",
    "category_id",
    "repo_url",
    "repo_description",
    "repo_watchers",
    "repo_forks",
    "pypi_url",
    "pypi_version",
    "documentation_url",
    "commits_over_52",
    "repo_host",
    "score",
    "pypi_downloads",
    "supports_python3",
    "commit_count",
    "favorite_count",
    *_PACKAGE_STAMPED,
)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


async def _ensure_stubs(unit: WriteUnit, table: type[Table], ids: Iterable[int]) -> None:
    """Rows known only by reference: the id, marked as not fetched, no invented titles."""
    wanted = set(ids)
    if not wanted:
        return
    prefetched = unit.prefetched
    absent = prefetched.missing(table, wanted) if prefetched is not None else None
    if absent is None:
        absent = wanted - await existing_ids(unit.session, table, wanted)
    if not absent:
        return
    for missing in sorted(absent):
        unit.session.add(table(id=missing, is_fetched=False))
        unit.placeholders.append(ObjectRef(table.__name__, missing))
    await unit.session.flush()
    if prefetched is not None:
        prefetched.made(table, absent)


async def ensure_category_stubs(unit: WriteUnit, ids: Iterable[int]) -> None:
    await _ensure_stubs(unit, models.Category, ids)


async def ensure_grid_stubs(unit: WriteUnit, ids: Iterable[int]) -> None:
    await _ensure_stubs(unit, models.Grid, ids)


def _validate(rules: dict[str, Rule], values: dict[str, Any], logins: Iterable[str] = ()) -> None:
    problems = check.Problems()
    apply_rules(problems, rules, values)
    check.logins(problems, ("participants",), list(logins))
    problems.raise_if_any()


async def _upsert(
    unit: WriteUnit,
    table: type[Table],
    row_id: int,
    columns: dict[str, Any],
    *,
    links_changed: dict[str, dict[str, Any]] | None = None,
) -> Outcome:
    row = await unit.session.get(table, row_id)
    if row is None:
        await rows.insert(unit, table(id=row_id, **columns))
        return Outcome.CREATED
    if await rows.update(unit, row, columns, extra=links_changed, stamp=False):
        return Outcome.UPDATED
    return Outcome.UNCHANGED


async def upsert_category(unit: WriteUnit, record: CategoryRecord) -> Outcome:
    values = {
        "title": record.title,
        "slug": record.slug,
        "description": record.description,
        "title_plural": record.title_plural,
        "show_pypi": record.show_pypi,
        "created": record.created,
        "modified": record.modified,
        "is_fetched": True,
    }
    _validate(CATEGORY_RULES, values)
    return await _upsert(unit, models.Category, record.id, column_values(values, _STAMPED))


async def upsert_grid(unit: WriteUnit, record: GridRecord) -> Outcome:
    values = {
        "title": record.title,
        "slug": record.slug,
        "description": record.description,
        "is_locked": record.is_locked,
        "header": record.header,
        "created": record.created,
        "modified": record.modified,
        "is_fetched": True,
    }
    _validate(GRID_RULES, values)
    outcome = await _upsert(unit, models.Grid, record.id, column_values(values, _STAMPED))
    if record.package_ids is None:
        return outcome
    known = await existing_ids(unit.session, models.Package, record.package_ids)
    members = [package_id for package_id in record.package_ids if package_id in known]
    change = await links.sync_grid_members(unit.session, grid_id=record.id, package_ids=members)
    if change is None:
        return outcome
    grid = await unit.session.get(models.Grid, record.id)
    assert grid is not None
    moved = set(change["before"]).symmetric_difference(change["after"])
    related = tuple(ObjectRef("Package", package_id) for package_id in sorted(moved))
    await rows.update(unit, grid, {}, extra={"packages": change}, related=related, stamp=False)
    return Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome


async def upsert_package(unit: WriteUnit, record: PackageRecord) -> Outcome:
    values = {name: getattr(record, name) for name in _PACKAGE_COLUMNS}
    values["commits_over_52"] = list(record.commits_over_52)
    _validate(PACKAGE_RULES, values, record.participants)
    if record.category_id is not None:
        await ensure_category_stubs(unit, [record.category_id])
    await ensure_grid_stubs(unit, record.grid_ids)
    columns = column_values(values, _PACKAGE_STAMPED)
    session = unit.session
    prefetched = unit.prefetched or Prefetched()
    known, row = prefetched.take_package(record.id)
    if not known:
        row = await session.get(models.Package, record.id)
    created = row is None
    if row is None:
        row = models.Package(id=record.id, **columns)
        session.add(row)
        await session.flush()
    grids = await links.sync_package_grids(
        session,
        package_id=record.id,
        grid_ids=record.grid_ids,
        current=prefetched.take_links(record.id),
    )
    people = await links.sync_participants(
        session,
        package_id=record.id,
        logins=record.participants,
        current=prefetched.take_logins(record.id),
    )
    related = _grids_moved(grids)
    if created:
        lists = {"grids": list(record.grid_ids), "participants": list(record.participants)}
        rows.record_created(unit, row, related=related, extra=lists)
        return Outcome.CREATED
    extra = {
        name: change for name, change in (("grids", grids), ("participants", people)) if change
    }
    changed = await rows.update(unit, row, columns, extra=extra, related=related, stamp=False)
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


def _grids_moved(change: dict[str, Any] | None) -> tuple[ObjectRef, ...]:
    """Grids that gained or lost the package: their views changed too."""
    if change is None:
        return ()
    moved = set(change["before"]).symmetric_difference(change["after"])
    return tuple(ObjectRef("Grid", grid_id) for grid_id in sorted(moved))
