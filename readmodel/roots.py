"""Root fetches, declared once: how a `Query` field finds its rows from its arguments.

A root field carries its declaration in its Strawberry metadata (`fetches`): a `Lookup`
(one row by a unique column) or a `Listing` (a connection over a table). Both executors
derive from it: the field's Strawberry resolver (`schema.roots`) and the compiler
(`fastpath.relations.root_relation`, through the schema it is handed). Nothing else
names a root field.

A listing's orderings and filter are built above this package (`loaders`), so the
declarations themselves are made where the Query fields are (`schema.roots`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement

ROOT = "dpgraph.root"
"""The key of a root field's `Lookup` or `Listing` in its Strawberry metadata."""


@dataclass(frozen=True, eq=False)
class Lookup:
    """One row of `entity` (or null) by a unique column. `keys`: the columns it may be
    found by, each taken from the argument of the same name; with several, the client
    gives exactly one."""

    entity: Any
    keys: tuple[str, ...]

    @property
    def source(self) -> Any:
        return self.entity.__table__


Where = Callable[[Any, str, datetime], list[ColumnElement[bool]]]
"""A filter's conditions from its spec (`to_spec()`), the dialect and the request's clock."""


@dataclass(frozen=True, eq=False)
class Listing:
    """A root connection over `entity`'s rows. `orderings`: the `orderBy` keys it takes
    (`loaders.paging.Ordering`s), `ordering` the one used when none is given; `where`: the
    conditions of its `filter` argument (None: it takes none); `listed_only`: rows known
    only by id (`is_fetched` false) are left out unless the client asks
    (`includeUnfetched`, `loaders.listing`)."""

    entity: Any
    orderings: Mapping[str, Any]
    ordering: str
    where: Where | None = None
    listed_only: bool = False

    @property
    def source(self) -> Any:
        return self.entity.__table__


Root = Lookup | Listing


def fetches(root: Root) -> dict[str, Root]:
    """A root field's metadata (`strawberry.field(metadata=fetches(...))`)."""
    return {ROOT: root}


def root_of(metadata: Mapping[str, Any]) -> Root | None:
    """The declaration in a Strawberry field's metadata, or None."""
    root: Root | None = metadata.get(ROOT)
    return root
