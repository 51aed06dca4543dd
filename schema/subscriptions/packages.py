"""Package subscriptions: changed (field-level), created and deleted."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Annotated

import strawberry
from strawberry import relay

import models
from events import Event
from loaders import Loaders
from schema.arguments import checked_name
from schema.context import Info
from schema.described import LastEventId
from schema.errors import BadUserInput, NotFound
from schema.subscriptions.emission import ObjectKey
from schema.subscriptions.follow import follow, shared
from schema.subscriptions.relevance import GRID_COMPARISON, concerns, own_pairs
from schema.subscriptions.selection import Pair, selected_pairs
from schema.types.package import Package
from writes.changes import Action

MAX_NAMED = 100

FollowedIds = Annotated[
    list[int] | None,
    strawberry.argument(
        description="Follow these packages, by Django Packages id (with `slugs`: either's). "
        f"At most {MAX_NAMED} ids and slugs together (more: BAD_USER_INPUT). Null with "
        "`slugs` null: every package."
    ),
]
FollowedSlugs = Annotated[
    list[str] | None,
    strawberry.argument(
        description="Follow these packages, by slug; an unknown slug follows nothing. At "
        f"most {MAX_NAMED} ids and slugs together."
    ),
]
InCategory = Annotated[
    str | None,
    strawberry.argument(
        description="Only packages in this category (by slug); an unknown one: NOT_FOUND."
    ),
]
InGrid = Annotated[
    str | None,
    strawberry.argument(
        description="Only packages compared in this grid (by slug); an unknown one: NOT_FOUND."
    ),
]


@dataclass(frozen=True)
class PackageTarget:
    """Which packages a subscription follows: all the given filters must hold."""

    ids: frozenset[int] | None
    category_id: int | None
    grid_id: int | None

    async def admits(self, package_id: int, loaders: Loaders) -> Package | None:
        row = await loaders.package_by_id.load(package_id)
        if row is None:
            return None
        if self.ids is not None and row.id not in self.ids:
            return None
        if self.category_id is not None and row.category_id != self.category_id:
            return None
        if self.grid_id is not None:
            grids = await loaders.grids_of_package.load(row.id)
            if all(grid.id != self.grid_id for grid in grids):
                return None
        return _value_of(row, loaders)


ANY_PACKAGE = PackageTarget(ids=None, category_id=None, grid_id=None)


def _value_of(row: models.Package, loaders: Loaders) -> Package:
    """One value per package and snapshot (loaders): the members of a cohort yield the
    same object, and only one of them resolves its selection on it
    (`schema.subscriptions.shared_results`)."""
    key = ("package value", row.id)
    value: Package | None = loaders.memo.get(key)
    if value is None:
        value = loaders.memo[key] = Package.from_row(row)
    return value


async def package_target(
    info: Info,
    ids: Sequence[int] | None,
    slugs: Sequence[str] | None,
    category_slug: str | None,
    grid_slug: str | None,
) -> PackageTarget:
    loaders = info.context.loaders
    named: set[int] | None = None
    if ids is not None or slugs is not None:
        if len(ids or ()) + len(slugs or ()) > MAX_NAMED:
            raise BadUserInput(f"Name at most {MAX_NAMED} packages.", argument="ids")
        named = set(ids or ())
        for slug in slugs or ():
            checked_name(slug, argument="slugs")
        rows = await loaders.package_by_slug.load_many(list(slugs or ()))
        named |= {row.id for row in rows if row is not None}
    category_id = grid_id = None
    if category_slug is not None:
        checked_name(category_slug, argument="categorySlug")
        category = await loaders.category_by_slug.load(category_slug)
        if category is None:
            raise NotFound(f"No category with slug {category_slug!r}.", argument="categorySlug")
        category_id = category.id
    if grid_slug is not None:
        checked_name(grid_slug, argument="gridSlug")
        grid = await loaders.grid_by_slug.load(grid_slug)
        if grid is None:
            raise NotFound(f"No grid with slug {grid_slug!r}.", argument="gridSlug")
        grid_id = grid.id
    return PackageTarget(
        ids=frozenset(named) if named is not None else None,
        category_id=category_id,
        grid_id=grid_id,
    )


async def changed_packages(
    events: Sequence[Event], loaders: Loaders, selection: frozenset[Pair]
) -> dict[ObjectKey, str]:
    """Packages whose selected fields (or nested objects' selected fields) may have changed."""
    found: dict[int, str] = {}

    def add(package_ids: Sequence[int], event: Event) -> None:
        for package_id in package_ids:
            found[package_id] = event.id

    for event in events:
        kind, related = event.object.type, event.related
        if kind == "Package":
            if event.action is Action.UPDATED and concerns(own_pairs(event), selection):
                add([event.object.id], event)
            continue
        if kind == "Grid" and "packages" in event.fields and ("Package", "grids") in selection:
            add([ref.id for ref in related if ref.type == "Package"], event)
        if kind in ("Grid", "Category") and event.action is Action.UPDATED:
            if concerns(own_pairs(event), selection):
                of = (
                    loaders.package_ids_of_grid
                    if kind == "Grid"
                    else loaders.package_ids_of_category
                )
                add(await of.load(event.object.id), event)
        if kind in ("Feature", "Element") and concerns(
            frozenset(("Grid", name) for name in GRID_COMPARISON), selection
        ):
            for ref in related:
                if ref.type == "Grid":
                    add(await loaders.package_ids_of_grid.load(ref.id), event)
    return {("Package", package_id): event_id for package_id, event_id in found.items()}


@strawberry.type(description="A package that was deleted.")
class DeletedPackage:
    id: strawberry.ID = strawberry.field(description="Its global id (for caches to evict).")
    database_id: int = strawberry.field(description="Its Django Packages id.")
    slug: str | None = strawberry.field(description="Its last slug.")
    title: str | None = strawberry.field(description="Its last title.")


@strawberry.type
class PackageSubscriptions:
    @strawberry.subscription(
        description="A package's selected fields, each time one of them changes. Filters "
        "combine: `ids`/`slugs` name packages; `categorySlug`/`gridSlug` narrow. Pass the "
        "`extensions.eventId` last received as `lastEventId` to resume after a disconnect."
    )
    async def package_changed(
        self,
        info: Info,
        ids: FollowedIds = None,
        slugs: FollowedSlugs = None,
        category_slug: InCategory = None,
        grid_slug: InGrid = None,
        last_event_id: LastEventId = None,
    ) -> AsyncGenerator[Package, None]:
        target = await package_target(info, ids, slugs, category_slug, grid_slug)
        selection = selected_pairs(info)

        async def candidates(events: Sequence[Event], loaders: Loaders) -> dict[ObjectKey, str]:
            key = ("packageChanged", selection, events[0].id, events[-1].id, len(events))
            return await shared(loaders, key, lambda: changed_packages(events, loaders, selection))

        async def load(key: ObjectKey, loaders: Loaders) -> Package | None:
            return await target.admits(key[1], loaders)

        async def load_any(key: ObjectKey, loaders: Loaders) -> Package | None:
            return await ANY_PACKAGE.admits(key[1], loaders)

        named_only = (
            target.ids is not None and target.category_id is None and target.grid_id is None
        )
        primes = [("Package", package_id) for package_id in sorted(target.ids or ())]
        # Of the events about packages, `changed_packages` takes only the package's own:
        # a subscriber that names its packages hears of no other package's change.
        follows = frozenset(primes) if target.ids is not None else None
        async for package in follow(
            info,
            candidates=candidates,
            load=load,
            primes=primes,
            last_event_id=last_event_id,
            follows=follows,
            load_any=load_any if named_only else None,
        ):
            yield package

    @strawberry.subscription(description="Each new package (optionally in a category or grid).")
    async def package_created(
        self,
        info: Info,
        category_slug: InCategory = None,
        grid_slug: InGrid = None,
        last_event_id: LastEventId = None,
    ) -> AsyncGenerator[Package, None]:
        target = await package_target(info, None, None, category_slug, grid_slug)

        async def candidates(events: Sequence[Event], loaders: Loaders) -> dict[ObjectKey, str]:
            return {
                ("Package", event.object.id): event.id
                for event in events
                if event.object.type == "Package" and event.action is Action.CREATED
            }

        async def load(key: ObjectKey, loaders: Loaders) -> Package | None:
            return await target.admits(key[1], loaders)

        async for package in follow(
            info, candidates=candidates, load=load, last_event_id=last_event_id
        ):
            yield package

    @strawberry.subscription(description="Each deleted package: its ids and last slug and title.")
    async def package_deleted(
        self, info: Info, last_event_id: LastEventId = None
    ) -> AsyncGenerator[DeletedPackage, None]:
        gone: dict[int, Event] = {}

        async def candidates(events: Sequence[Event], loaders: Loaders) -> dict[ObjectKey, str]:
            for event in events:
                if event.object.type == "Package" and event.action is Action.DELETED:
                    gone[event.object.id] = event
            return {("Package", package_id): event.id for package_id, event in gone.items()}

        async def load(key: ObjectKey, loaders: Loaders) -> DeletedPackage | None:
            event = gone.pop(key[1], None)
            if event is None:
                return None
            return DeletedPackage(
                id=strawberry.ID(relay.to_base64("Package", key[1])),
                database_id=key[1],
                slug=event.snapshot.get("slug"),
                title=event.snapshot.get("title"),
            )

        async for deleted in follow(
            info, candidates=candidates, load=load, last_event_id=last_event_id
        ):
            yield deleted


__all__ = ["DeletedPackage", "PackageSubscriptions"]
