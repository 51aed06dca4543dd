"""The per-request set of DataLoaders.

Built fresh for every request (and every subscription event): a loader caches what
it has loaded, and a module-level one would serve one request's data to all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

import models
from core.db import Database
from loaders import batch, connections
from loaders.connections import PageKey
from loaders.paging import Page
from loaders.windows import ChildKey

K = TypeVar("K")
V = TypeVar("V")


class SharedDataLoader(DataLoader[K, V]):
    """A loader awaited by several tasks at once (every subscriber of one event).

    A DataLoader hands every caller of one key the same future, and a task cancelled
    while awaiting a future cancels that future: one subscriber completing or
    disconnecting mid-delivery would make every other subscriber of the same object
    lose the event. Each caller awaits its own shield instead.
    """

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


def _loader(
    db: Database,
    batch_fn: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]],
    *,
    shared: bool,
) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> Sequence[V]:
        return await db.read(lambda session: batch_fn(session, keys))

    return SharedDataLoader(load_fn=load) if shared else DataLoader(load_fn=load)


_UNIQUE: dict[tuple[Any, str], str] = {
    (models.Package, "id"): "package_by_id",
    (models.Package, "slug"): "package_by_slug",
    (models.Category, "id"): "category_by_id",
    (models.Category, "slug"): "category_by_slug",
    (models.Grid, "id"): "grid_by_id",
    (models.Grid, "slug"): "grid_by_slug",
    (models.Feature, "id"): "feature_by_id",
    (models.Participant, "login"): "participant_by_login",
    (models.Participant, "id"): "participant_by_id",
}
"""The named loaders by a unique column, for `Loaders.unique`."""


@dataclass(frozen=True)
class Loaders:
    package_by_id: DataLoader[int, models.Package | None]
    package_by_slug: DataLoader[str, models.Package | None]
    category_by_id: DataLoader[int, models.Category | None]
    category_by_slug: DataLoader[str, models.Category | None]
    grid_by_id: DataLoader[int, models.Grid | None]
    grid_by_slug: DataLoader[str, models.Grid | None]
    feature_by_id: DataLoader[int, models.Feature | None]
    participant_by_login: DataLoader[str, models.Participant | None]
    participant_by_id: DataLoader[int, models.Participant | None]
    participants_of_package: DataLoader[ChildKey, list[models.Participant]]
    packages_of_participant: DataLoader[ChildKey, list[models.Package]]
    packages_of_category: DataLoader[ChildKey, list[models.Package]]
    packages_of_grid: DataLoader[ChildKey, list[models.Package]]
    grids_of_package: DataLoader[int, list[models.Grid]]
    features_of_grid: DataLoader[int, list[models.Feature]]
    rows_of_grid: DataLoader[ChildKey, list[batch.GridRow]]
    package_count_of_participant: DataLoader[int, int]
    packages_page_of_category: DataLoader[PageKey, Page[models.Package]]
    packages_page_of_grid: DataLoader[PageKey, Page[models.Package]]
    packages_page_of_participant: DataLoader[PageKey, Page[models.Package]]
    participants_page_of_package: DataLoader[PageKey, Page[models.Participant]]
    package_ids_of_grid: DataLoader[int, list[int]]
    package_ids_of_category: DataLoader[int, list[int]]
    # Work shared by every subscription reading this snapshot (one event's candidates,
    # one execution per document): it lives and dies with these loaders. A module-level
    # map keyed by the loaders kept every event alive (its tasks refer back to them).
    memo: dict[Hashable, Any] = field(default_factory=dict, compare=False, hash=False)
    # Makes a loader of these (same database, shared or not) for `unique`.
    make: Callable[[Any], DataLoader[Any, Any]] | None = field(
        default=None, compare=False, hash=False, repr=False
    )

    @classmethod
    def create(cls, db: Database, *, shared: bool = False) -> Loaders:
        """`shared`: the loaders of one event, awaited by many subscriptions' tasks."""

        def make(batch_fn: Any) -> Any:
            return _loader(db, batch_fn, shared=shared)

        def pages(relation: connections.Relation) -> Any:
            async def load(session: AsyncSession, keys: Sequence[PageKey]) -> Any:
                return await connections.load_pages(session, relation, keys)

            return _loader(db, load, shared=shared)

        return cls(
            package_by_id=make(batch.packages_by_id),
            package_by_slug=make(batch.packages_by_slug),
            category_by_id=make(batch.categories_by_id),
            category_by_slug=make(batch.categories_by_slug),
            grid_by_id=make(batch.grids_by_id),
            grid_by_slug=make(batch.grids_by_slug),
            feature_by_id=make(batch.features_by_id),
            participant_by_login=make(batch.participants_by_login),
            participant_by_id=make(batch.participants_by_id),
            participants_of_package=make(batch.participants_of_packages),
            packages_of_participant=make(batch.packages_of_participants),
            packages_of_category=make(batch.packages_of_categories),
            packages_of_grid=make(batch.packages_of_grids),
            grids_of_package=make(batch.grids_of_packages),
            features_of_grid=make(batch.features_of_grids),
            rows_of_grid=make(batch.rows_of_grids),
            package_count_of_participant=make(batch.package_counts_of_participants),
            packages_page_of_category=pages(connections.CATEGORY_PACKAGES),
            packages_page_of_grid=pages(connections.GRID_PACKAGES),
            packages_page_of_participant=pages(connections.PARTICIPANT_PACKAGES),
            participants_page_of_package=pages(connections.PACKAGE_PARTICIPANTS),
            package_ids_of_grid=make(batch.package_ids_of_grids),
            package_ids_of_category=make(batch.package_ids_of_categories),
            make=make,
        )

    def unique(self, entity: Any, column: str) -> DataLoader[Any, Any]:
        """The loader of `entity`'s rows by a unique column (a root look-up,
        `readmodel.roots.Lookup`): the named one when there is one (node look-ups and
        priming share it), else one made for this request on first use."""
        name = _UNIQUE.get((entity, column))
        if name is not None:
            loader: DataLoader[Any, Any] = getattr(self, name)
            return loader
        key = ("unique", entity, column)
        made: DataLoader[Any, Any] | None = self.memo.get(key)
        if made is None:
            assert self.make is not None, "made by `Loaders.create`"
            made = self.memo[key] = self.make(batch.by_column(entity, column))
        return made

    def prime_packages(self, packages: Sequence[models.Package]) -> None:
        """Packages loaded by a list query need no second look-up by id."""
        for package in packages:
            self.package_by_id.prime(package.id, package)
