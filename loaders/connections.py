"""Nested connections (a category's packages, a package's participants...) for many parents.

Keys that share the same window, ordering and filter are paged together in one
statement; a query level almost always shares them, so a level costs one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from loaders import filters
from loaders.orderings import PACKAGE_ORDERINGS, SOURCE_ORDER
from loaders.paging import Ordering, Page, Window, fetch_pages
from readmodel import relations as links
from readmodel.relations import Link


@dataclass(frozen=True)
class PageKey:
    """One parent's page request; everything but `parent_id` is shared by a query level."""

    parent_id: int
    window: Window
    ordering: str
    filter: Hashable | None = None


@dataclass(frozen=True)
class Relation:
    entity: type[Any]
    parent: Any
    base: Callable[[Hashable | None, str, datetime], Select[Any]]
    orderings: dict[str, Ordering]


def _page(link: Link, orderings: dict[str, Ordering]) -> Relation:
    """A connection under a parent, from the read model's `link`; a package filter's
    conditions hold the request's clock and dialect."""

    def base(spec: Hashable | None, dialect: str, now: datetime) -> Select[Any]:
        statement = select(link.entity).select_from(link.source)
        if isinstance(spec, filters.PackageFilter):
            statement = statement.where(*filters.package_conditions(spec, dialect=dialect, now=now))
        return statement

    return Relation(link.entity, link.child_key, base, orderings)


CATEGORY_PACKAGES = _page(links.CATEGORY_PACKAGES, PACKAGE_ORDERINGS)
GRID_PACKAGES = _page(links.GRID_PACKAGES, PACKAGE_ORDERINGS)
PARTICIPANT_PACKAGES = _page(links.PARTICIPANT_PACKAGES, PACKAGE_ORDERINGS)
PACKAGE_PARTICIPANTS = _page(
    links.PACKAGE_PARTICIPANTS, {links.PACKAGE_PARTICIPANTS.ordering: SOURCE_ORDER}
)


async def load_pages(
    session: AsyncSession, relation: Relation, keys: Sequence[PageKey]
) -> list[Page[Any]]:
    groups: dict[tuple[Window, str, Hashable | None], list[int]] = defaultdict(list)
    for key in keys:
        group = groups[(key.window, key.ordering, key.filter)]
        if key.parent_id not in group:
            group.append(key.parent_id)
    dialect = session.get_bind().dialect.name
    now = datetime.now(UTC)
    found: dict[PageKey, Page[Any]] = {}
    for (window, ordering, spec), parent_ids in groups.items():
        pages = await fetch_pages(
            session,
            entity=relation.entity,
            base=relation.base(spec, dialect, now),
            ordering=relation.orderings[ordering],
            window=window,
            parent=relation.parent,
            parent_ids=parent_ids,
            with_total=True,
        )
        for parent_id in parent_ids:
            found[PageKey(parent_id, window, ordering, spec)] = pages[parent_id]
    return [found[key] for key in keys]
