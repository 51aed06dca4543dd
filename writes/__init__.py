"""The one write path: importer and (later) mutations change the catalogue only through here."""

from writes.catalogue import (
    Outcome,
    ensure_category_stubs,
    ensure_grid_stubs,
    upsert_category,
    upsert_grid,
    upsert_package,
)

__all__ = [
    "Outcome",
    "ensure_category_stubs",
    "ensure_grid_stubs",
    "upsert_category",
    "upsert_grid",
    "upsert_package",
]
