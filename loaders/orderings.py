"""The orderings clients can ask for, each ending with the id as a tie-breaker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func

import models
from loaders.paging import Ordering, SortColumn

_package: Any = models.Package
_grid: Any = models.Grid
_participant: Any = models.Participant
_category: Any = models.Category
_membership: Any = models.PackageParticipant

# field name -> (expression, nullable, kind)
_PACKAGE_FIELDS: dict[str, tuple[Any, bool, type]] = {
    "ID": (None, False, int),
    "WATCHERS": (_package.repo_watchers, False, int),
    "FORKS": (_package.repo_forks, False, int),
    "SCORE": (_package.score, True, int),
    "LAST_UPDATED": (_package.last_updated, True, datetime),
    "CREATED": (_package.created, True, datetime),
    "MODIFIED": (_package.modified, True, datetime),
    "TITLE": (func.lower(_package.title), False, str),
    "PYPI_DOWNLOADS": (_package.pypi_downloads, True, int),
}


def _orderings(
    prefix: str, fields: dict[str, tuple[Any, bool, type]], id_column: Any
) -> dict[str, Ordering]:
    orderings: dict[str, Ordering] = {}
    for name, (expression, nullable, kind) in fields.items():
        for descending in (False, True):
            key = f"{name}_{'DESC' if descending else 'ASC'}"
            columns = [SortColumn(id_column, descending)]
            if expression is not None:
                columns.insert(0, SortColumn(expression, descending, nullable, kind))
            orderings[key] = Ordering(f"{prefix}:{key}", tuple(columns))
    return orderings


PACKAGE_ORDERINGS = _orderings("package", _PACKAGE_FIELDS, _package.id)
GRID_ORDERINGS = _orderings(
    "grid", {"ID": (None, False, int), "TITLE": (func.lower(_grid.title), True, str)}, _grid.id
)
CATEGORY_ORDERINGS = _orderings("category", {"ID": (None, False, int)}, _category.id)
PARTICIPANT_ORDERINGS = _orderings(
    "participant",
    {"ID": (None, False, int), "LOGIN": (_participant.login, False, str)},
    _participant.id,
)
# A package's participants keep the order of the source list.
SOURCE_ORDER = Ordering(
    "participant:SOURCE_ORDER",
    (SortColumn(_membership.position), SortColumn(_participant.id)),
)
