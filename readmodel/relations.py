"""Relation facts, declared once: which rows are a parent's children and in what order.

Each relation field carries its `Link` in its Strawberry metadata (`fetched_by`). Both
executors read these: the DataLoaders' batch functions (`loaders.batch`,
`loaders.connections`) select `entity` from `source`, and the compiler
(`fastpath.relations`, through the field's metadata) selects its columns from the same
`source`; both match
`child_key` to the parents' `parent_key` and sort by `order` (a list) or by the
named ordering a connection's `orderBy` picks, `ordering` when it is not given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, FromClause

import models


@dataclass(frozen=True, eq=False)
class Link:
    """`entity`: the children's model class; `source`: their rows (their table, joined to
    the link table when there is one); `child_key`: the column of `source` holding the
    parent's key; `parent_key`: the parent's column it equals; `order`: a list's order,
    after the parent; `ordering`: a connection's default ordering (its `orderBy` key; ""
    for a list); `sorted_by`: columns of the link table holding the same values as the
    default ordering's columns, one for one: the compiler sorts a page by them, so
    PostgreSQL walks the link table's index for each parent and looks each child up
    by id (`fastpath.sql.Lateral`)."""

    entity: Any
    source: FromClause
    child_key: Column[Any]
    parent_key: Column[Any]
    order: tuple[ColumnElement[Any], ...] = ()
    ordering: str = ""
    sorted_by: tuple[Column[Any], ...] = ()


LINK = "dpgraph.link"
"""The key of a relation field's `Link` in its Strawberry metadata."""


def fetched_by(link: Link) -> dict[str, Link]:
    """A relation field's metadata (`strawberry.field(metadata=fetched_by(...))`): the
    compiler finds the field's fetch through it, in the schema it is handed."""
    return {LINK: link}


PACKAGE = models.Package.__table__  # type: ignore[attr-defined]
CATEGORY = models.Category.__table__  # type: ignore[attr-defined]
GRID = models.Grid.__table__  # type: ignore[attr-defined]
PARTICIPANT = models.Participant.__table__  # type: ignore[attr-defined]
FEATURE = models.Feature.__table__  # type: ignore[attr-defined]
ELEMENT = models.Element.__table__  # type: ignore[attr-defined]
GRID_PACKAGE = models.GridPackage.__table__  # type: ignore[attr-defined]
PACKAGE_PARTICIPANT = models.PackageParticipant.__table__  # type: ignore[attr-defined]

_gp = GRID_PACKAGE.c
_pp = PACKAGE_PARTICIPANT.c

PACKAGE_CATEGORY = Link(models.Category, CATEGORY, CATEGORY.c.id, PACKAGE.c.category_id)
"""`Package.category`: the category whose id the package holds."""

PACKAGE_GRIDS = Link(
    models.Grid,
    GRID.join(GRID_PACKAGE, _gp.grid_id == GRID.c.id),
    _gp.package_id,
    PACKAGE.c.id,
    # The package's own order (its source list), then by grid id; `position IS NULL`
    # first: NULLs sort last on SQLite and PostgreSQL alike.
    order=(_gp.position.is_(None), _gp.position, GRID.c.id),
)
"""`Package.grids`."""

PACKAGE_PARTICIPANTS = Link(
    models.Participant,
    PARTICIPANT.join(PACKAGE_PARTICIPANT, _pp.participant_id == PARTICIPANT.c.id),
    _pp.package_id,
    PACKAGE.c.id,
    ordering="SOURCE_ORDER",
    # SOURCE_ORDER is (position, participant.id): the link's participant_id is the id.
    sorted_by=(_pp.position, _pp.participant_id),
)
"""`Package.participants`: in the order of the source list."""

CATEGORY_PACKAGES = Link(
    models.Package, PACKAGE, PACKAGE.c.category_id, CATEGORY.c.id, ordering="ID_ASC"
)
"""`Category.packages`."""

GRID_PACKAGES = Link(
    models.Package,
    PACKAGE.join(GRID_PACKAGE, _gp.package_id == PACKAGE.c.id),
    _gp.grid_id,
    GRID.c.id,
    ordering="ID_ASC",
)
"""`Grid.packages`."""

PARTICIPANT_PACKAGES = Link(
    models.Package,
    PACKAGE.join(PACKAGE_PARTICIPANT, _pp.package_id == PACKAGE.c.id),
    _pp.participant_id,
    PARTICIPANT.c.id,
    ordering="ID_ASC",
)
"""`Participant.packages`."""

PARTICIPANT_MEMBERSHIPS = Link(
    models.PackageParticipant, PACKAGE_PARTICIPANT, _pp.participant_id, PARTICIPANT.c.id
)
"""`Participant.packageCount` counts these."""

GRID_FEATURES = Link(models.Feature, FEATURE, FEATURE.c.grid_id, GRID.c.id, order=(FEATURE.c.id,))
"""`Grid.features`: by id."""

GRID_ROWS = Link(models.GridPackage, GRID_PACKAGE, _gp.grid_id, GRID.c.id, order=(_gp.package_id,))
"""`Grid.rows`: one per package, by package id."""

ROW_PACKAGE = Link(models.Package, PACKAGE, PACKAGE.c.id, _gp.package_id)
"""`GridRow.package`."""

ROW_ELEMENTS = Link(
    models.Element, ELEMENT, ELEMENT.c.grid_package_id, _gp.id, order=(ELEMENT.c.feature_id,)
)
"""`GridRow.elements`: by feature id."""

ELEMENT_FEATURE = Link(models.Feature, FEATURE, FEATURE.c.id, ELEMENT.c.feature_id)
"""`Element.feature`."""
