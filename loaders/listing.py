"""Which grids and categories a list shows: not those known only by a package's reference.

An import that meets a package before its grid or category (the seeds name their grids by
URL only) stores the grid as an id with `is_fetched` false: no title, no slug. The row is
a fact (the package is in that grid) but tells a reader of a list nothing, so the GraphQL
and REST lists leave such rows out unless asked; a look-up by id and a package's own
`grids` and `category` still give them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement


def listed(is_fetched: Any, *, include_unfetched: bool = False) -> list[ColumnElement[bool]]:
    """The conditions of a list on the `is_fetched` column: none when placeholders are wanted."""
    return [] if include_unfetched else [is_fetched.is_(True)]
