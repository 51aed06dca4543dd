"""The one write path: the importer and mutations change the catalogue only through here.

Every write runs in a `WriteUnit` (writes.unit): one transaction, an audit entry per
changed object, and change events published after the commit.
"""

from writes.catalogue import (
    Outcome,
    ensure_category_stubs,
    ensure_grid_stubs,
    upsert_category,
    upsert_grid,
    upsert_package,
)
from writes.changes import Action, Change, ObjectRef
from writes.errors import (
    FieldError,
    InUse,
    InvalidInput,
    Locked,
    Missing,
    StaleVersion,
    WriteRefused,
)
from writes.unit import IMPORTER, Actor, Publisher, WriteUnit, open_unit

__all__ = [
    "IMPORTER",
    "Action",
    "Actor",
    "Change",
    "FieldError",
    "InUse",
    "InvalidInput",
    "Locked",
    "Missing",
    "ObjectRef",
    "Outcome",
    "Publisher",
    "StaleVersion",
    "WriteRefused",
    "WriteUnit",
    "ensure_category_stubs",
    "ensure_grid_stubs",
    "open_unit",
    "upsert_category",
    "upsert_grid",
    "upsert_package",
]
