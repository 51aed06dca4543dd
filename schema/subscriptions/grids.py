"""Grid subscriptions: a grid's selected fields, its packages, features and cells."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Annotated

import strawberry

from events import Event
from loaders import Loaders
from schema.arguments import checked_name
from schema.context import Info
from schema.described import LastEventId
from schema.errors import BadUserInput
from schema.subscriptions.emission import ObjectKey
from schema.subscriptions.follow import follow, shared
from schema.subscriptions.relevance import GRID_COMPARISON, concerns, own_pairs
from schema.subscriptions.selection import Pair, selected_pairs
from schema.types.grid import Grid
from writes.changes import Action

MAX_NAMED = 100

FollowedGridSlugs = Annotated[
    list[str] | None,
    strawberry.argument(
        description=f"Follow these grids, by slug (at most {MAX_NAMED}; more: BAD_USER_INPUT); "
        "an unknown slug follows nothing. Null: every grid."
    ),
]
_COMPARISON = frozenset(("Grid", name) for name in GRID_COMPARISON)
_MEMBERS = frozenset({("Grid", "packages"), *_COMPARISON})


async def changed_grids(
    events: Sequence[Event], loaders: Loaders, selection: frozenset[Pair]
) -> dict[ObjectKey, str]:
    found: dict[int, str] = {}

    def add(grid_ids: Sequence[int], event: Event) -> None:
        for grid_id in grid_ids:
            found[grid_id] = event.id

    for event in events:
        kind = event.object.type
        related_grids = [ref.id for ref in event.related if ref.type == "Grid"]
        if kind == "Grid" and event.action is Action.UPDATED:
            pairs = own_pairs(event) | (_MEMBERS if "packages" in event.fields else frozenset())
            if concerns(pairs, selection):
                add([event.object.id], event)
        elif kind in ("Feature", "Element"):
            own = frozenset((kind, name) for name in event.fields)
            if concerns(_COMPARISON | own, selection):
                add(related_grids, event)
        elif kind == "Package":
            if related_grids and concerns(_MEMBERS, selection):  # it joined or left grids
                add(related_grids, event)
            if event.action is Action.UPDATED and concerns(own_pairs(event), selection):
                grids = await loaders.grids_of_package.load(event.object.id)
                add([grid.id for grid in grids], event)
    return {("Grid", grid_id): event_id for grid_id, event_id in found.items()}


@strawberry.type
class GridSubscriptions:
    @strawberry.subscription(
        description="A grid's selected fields each time one changes: its own fields, its "
        "packages (added, removed, or their selected fields), features and cells."
    )
    async def grid_changed(
        self, info: Info, slugs: FollowedGridSlugs = None, last_event_id: LastEventId = None
    ) -> AsyncGenerator[Grid, None]:
        named: frozenset[int] | None = None
        if slugs is not None:
            if len(slugs) > MAX_NAMED:
                raise BadUserInput(f"Name at most {MAX_NAMED} grids.", argument="slugs")
            for slug in slugs:
                checked_name(slug, argument="slugs")
            rows = await info.context.loaders.grid_by_slug.load_many(slugs)
            named = frozenset(row.id for row in rows if row is not None)
        selection = selected_pairs(info)

        async def candidates(events: Sequence[Event], loaders: Loaders) -> dict[ObjectKey, str]:
            key = ("gridChanged", selection, events[0].id, events[-1].id, len(events))
            return await shared(loaders, key, lambda: changed_grids(events, loaders, selection))

        async def load(key: ObjectKey, loaders: Loaders) -> Grid | None:
            if named is not None and key[1] not in named:
                return None
            row = await loaders.grid_by_id.load(key[1])
            return Grid.from_row(row) if row is not None else None

        primes = [("Grid", grid_id) for grid_id in sorted(named or ())]
        async for grid in follow(
            info, candidates=candidates, load=load, primes=primes, last_event_id=last_event_id
        ):
            yield grid
